/**
 * What password sign-in of a RAM user reads from the directory, in one place: the account's
 * domains, the user and its login profile, the password policy and the user's bound MFA device.
 * The sign-in pipeline itself (src/sso/password-signin.ts) decides; this only reads.
 */
import { defaultDomain, requireAccount } from './accounts.js';
import { signInProfile, type LoginProfileRecord } from './login-profiles.js';
import { bindingOf } from './mfa-devices.js';
import { readPasswordPolicy, type PasswordPolicyRecord } from './password-policy.js';
import { C, read, SELF, type DirectoryContext } from './storage.js';
import type { SsoSettingsRecord } from './sso-settings.js';

export interface SignInFacts {
  userName: string;
  userId: string;
  profile: LoginProfileRecord;
  policy: PasswordPolicyRecord;
  /** The bound device's seed and the last step a code of it was accepted for. */
  mfa?: { seed: string; lastStep: number } | undefined;
}

/** The domains a logon name of the account may end in: default domain, then domain alias or auxiliary domain. */
export async function signInDomains(ctx: DirectoryContext, accountId: string): Promise<string[]> {
  const account = await requireAccount(ctx, accountId);
  const sso = await read<SsoSettingsRecord>(ctx, accountId, C.ssoSettings, SELF);
  const second = account.DomainAlias ?? sso?.AuxiliaryDomain ?? undefined;
  return [defaultDomain(account), ...(second ? [second.toLowerCase()] : [])];
}

/** The sign-in facts of a user, or undefined when the user or its login profile does not exist. */
export async function signInFacts(
  ctx: DirectoryContext,
  accountId: string,
  userName: string,
): Promise<SignInFacts | undefined> {
  const found = await signInProfile(ctx, accountId, userName);
  if (!found) return undefined;
  const policy = await readPasswordPolicy(ctx, accountId);
  const mfa = await bindingOf(ctx, accountId, found.user);
  return {
    userName: found.user.UserName,
    userId: found.user.UserId,
    profile: found.profile,
    policy,
    mfa: mfa && { seed: mfa.device.Seed, lastStep: mfa.binding.LastStep },
  };
}
