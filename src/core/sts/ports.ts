import type { CompiledPolicy, PolicySet } from '../policy/index.js';
import type { TokenKeyring } from './keyring.js';

/** What STS needs to know about a role. */
export interface RoleView {
  accountId: string;
  roleName: string;
  roleId: string;
  arn: string;
  maxSessionDuration: number;
  trustPolicy: CompiledPolicy;
}

/** The directory as STS sees it (implemented over src/core/ram). */
export interface StsDirectory {
  findRole(accountId: string, roleName: string): Promise<RoleView | undefined>;
  findSamlProvider(accountId: string, name: string): Promise<{ arn: string } | undefined>;
  /** Identity policies of a RAM user: its own and its groups', default versions, compiled (a set when kept). */
  userPolicies(accountId: string, userName: string): Promise<readonly CompiledPolicy[] | PolicySet>;
  /** Policies attached to a role, compiled (a set when kept). */
  rolePolicies(accountId: string, roleName: string): Promise<readonly CompiledPolicy[] | PolicySet>;
}

export interface StsDeps {
  directory: StsDirectory;
  keyring: () => Promise<TokenKeyring>;
  now: () => number;
}

/** Facts of the request that conditions may test (acs:SourceIp, acs:SecureTransport, …). */
export interface RequestFacts {
  sourceIp?: string;
  secureTransport?: boolean;
  /** The caller's session passed MFA (`acs:MFAPresent`); absent = false. */
  mfaPresent?: boolean;
}

/** Facts once the caller is known: whether it passed MFA must be decided, never defaulted by omission. */
export type CallerFacts = RequestFacts & { mfaPresent: boolean };
