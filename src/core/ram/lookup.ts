/**
 * Named entities looked up once, for the authorization pipeline (src/core/actions): the stored
 * (canonical) name and the id of a user, group, role, policy or SAML provider, or undefined.
 */
import { ApiError } from '../errors.js';
import { defaultDomain, requireAccount, type AccountRecord } from './accounts.js';
import type { GroupRecord } from './groups.js';
import type { MfaDeviceRecord } from './mfa-devices.js';
import { findSystemPolicyIgnoringCase, type PolicyRecord } from './policies.js';
import type { RoleRecord } from './roles.js';
import { clip, nameKey } from './rules.js';
import type { SamlProviderRecord } from './saml-providers.js';
import { C, read, type DirectoryContext, type PolicyType } from './storage.js';
import type { UserRecord } from './users.js';

export type NamedKind = 'user' | 'group' | 'role' | 'policy' | 'saml-provider' | 'mfa-device';

export interface FoundEntity {
  /** The name as stored (the case it was created with). */
  name: string;
  /** The entity's id; policies and providers have none in RAM, their name stands for it. */
  id: string;
}

export async function findEntity(
  ctx: DirectoryContext,
  accountId: string,
  kind: NamedKind,
  name: string,
  policyType: PolicyType = 'Custom',
): Promise<FoundEntity | undefined> {
  const key = nameKey(name);
  switch (kind) {
    case 'user': {
      const u = await read<UserRecord>(ctx, accountId, C.user, key);
      return u && { name: u.UserName, id: u.UserId };
    }
    case 'group': {
      const g = await read<GroupRecord>(ctx, accountId, C.group, key);
      return g && { name: g.GroupName, id: g.GroupId };
    }
    case 'role': {
      const r = await read<RoleRecord>(ctx, accountId, C.role, key);
      return r && { name: r.RoleName, id: r.RoleId };
    }
    case 'policy': {
      if (policyType === 'System') {
        const s = findSystemPolicyIgnoringCase(name);
        return s && { name: s.name, id: `System:${s.name}` };
      }
      const p = await read<PolicyRecord>(ctx, accountId, C.policy, key);
      return p && { name: p.PolicyName, id: `Custom:${p.PolicyName}` };
    }
    case 'saml-provider': {
      const p = await read<SamlProviderRecord>(ctx, accountId, C.samlProvider, key);
      return p && { name: p.SAMLProviderName, id: p.SAMLProviderName };
    }
    case 'mfa-device': {
      const d = await read<MfaDeviceRecord>(ctx, accountId, C.mfaDevice, key);
      return d && { name: d.Name, id: d.Name };
    }
  }
}

/** The user name of `<name>@<default domain | domain alias>` (the account's own domains only). */
export function userNameOfPrincipalName(account: AccountRecord, upn: string, param: string): string {
  const at = upn.lastIndexOf('@');
  const domain = upn.slice(at + 1).toLowerCase();
  const domains = [defaultDomain(account), account.DomainAlias].filter((d): d is string => !!d);
  if (at <= 0 || !domains.includes(domain))
    throw new ApiError(
      'InvalidParameter.UserPrincipalName',
      `${param} "${clip(upn)}" must be <name>@${domains.join(' or <name>@')}.`,
    );
  return upn.slice(0, at);
}

export const accountRecord = requireAccount;
