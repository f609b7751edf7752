/**
 * The account's password policy (IMS SetPasswordPolicy / GetPasswordPolicy): its fields, ranges and
 * defaults as the IMS API defines them (MaxLoginAttemps keeps IMS's spelling), and the check of a
 * new password against it.
 */
import { ApiError } from '../errors.js';
import { requireAccount } from './accounts.js';
import { optionalBool, optionalInt, type Params } from './params.js';
import { C, commit, json, put, read, SELF, type DirectoryContext } from './storage.js';

export type PasswordPolicyRecord = {
  MinimumPasswordLength: number;
  RequireLowercaseCharacters: boolean;
  RequireUppercaseCharacters: boolean;
  RequireNumbers: boolean;
  RequireSymbols: boolean;
  /** Days; 0 = never expires. */
  MaxPasswordAge: number;
  /** The last N passwords cannot be reused; 0 = no history check. */
  PasswordReusePrevention: number;
  /** Consecutive wrong passwords before a one-hour lockout; 0 = unlimited. */
  MaxLoginAttemps: number;
  /** After expiry: true = only an administrator can reset; false = the user changes it at sign-in. */
  HardExpire: boolean;
  MinimumPasswordDifferentCharacter: number;
  PasswordNotContainUserName: boolean;
};

/** IMS's defaults (SetPasswordPolicy: every field's "default value"). */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicyRecord = {
  MinimumPasswordLength: 8,
  RequireLowercaseCharacters: false,
  RequireUppercaseCharacters: false,
  RequireNumbers: false,
  RequireSymbols: false,
  MaxPasswordAge: 0,
  PasswordReusePrevention: 0,
  MaxLoginAttemps: 0,
  HardExpire: false,
  MinimumPasswordDifferentCharacter: 0,
  PasswordNotContainUserName: false,
};

/** Longest password accepted (ours: IMS names no cap; MinimumPasswordLength reaches 32). */
export const MAX_PASSWORD_CHARS = 128;

const RANGES = {
  MinimumPasswordLength: [8, 32],
  MaxPasswordAge: [0, 1095],
  PasswordReusePrevention: [0, 24],
  MaxLoginAttemps: [0, 32],
  MinimumPasswordDifferentCharacter: [0, 8],
} as const;

export const PASSWORD_POLICY_NUMBERS = Object.keys(RANGES) as Array<keyof typeof RANGES>;

export const PASSWORD_POLICY_FLAGS = [
  'RequireLowercaseCharacters',
  'RequireUppercaseCharacters',
  'RequireNumbers',
  'RequireSymbols',
  'HardExpire',
  'PasswordNotContainUserName',
] as const;

export async function readPasswordPolicy(ctx: DirectoryContext, accountId: string) {
  await requireAccount(ctx, accountId);
  const stored = await read<Partial<PasswordPolicyRecord>>(ctx, accountId, C.passwordPolicy, SELF);
  return { ...DEFAULT_PASSWORD_POLICY, ...stored };
}

export async function getPasswordPolicy(ctx: DirectoryContext, accountId: string) {
  return { PasswordPolicy: await readPasswordPolicy(ctx, accountId) };
}

/** Fields not given keep their current values. */
export async function setPasswordPolicy(ctx: DirectoryContext, accountId: string, params: Params) {
  const next = { ...(await readPasswordPolicy(ctx, accountId)) };
  for (const [name, [min, max]] of Object.entries(RANGES) as Array<
    [keyof typeof RANGES, readonly [number, number]]
  >) {
    const value = optionalInt(params, name, 'InvalidParameter.PasswordPolicy');
    if (value === undefined) continue;
    if (value < min || value > max)
      throw new ApiError(
        'InvalidParameter.PasswordPolicy',
        `${name} must be ${min} to ${max}; got ${value}.`,
      );
    next[name] = value;
  }
  for (const name of PASSWORD_POLICY_FLAGS) {
    const value = optionalBool(params, name);
    if (value !== undefined) next[name] = value;
  }
  await commit(ctx.store, [put(accountId, C.passwordPolicy, SELF, json(next))]);
  return { PasswordPolicy: next };
}

const CLASSES = [
  ['RequireLowercaseCharacters', /[a-z]/, 'a lowercase letter'],
  ['RequireUppercaseCharacters', /[A-Z]/, 'an uppercase letter'],
  ['RequireNumbers', /[0-9]/, 'a digit'],
  ['RequireSymbols', /[^A-Za-z0-9]/, 'a symbol'],
] as const;

/** InvalidParameter.Password naming every rule of the policy the password breaks (never echoing it). */
export function checkPassword(policy: PasswordPolicyRecord, password: string, userName: string): void {
  const broken: string[] = [];
  const length = [...password].length;
  if (length < policy.MinimumPasswordLength)
    broken.push(`be at least ${policy.MinimumPasswordLength} characters long`);
  if (length > MAX_PASSWORD_CHARS) broken.push(`be at most ${MAX_PASSWORD_CHARS} characters long`);
  for (const [flag, pattern, what] of CLASSES)
    if (policy[flag] && !pattern.test(password)) broken.push(`contain ${what}`);
  if (new Set(password).size < policy.MinimumPasswordDifferentCharacter)
    broken.push(`contain at least ${policy.MinimumPasswordDifferentCharacter} different characters`);
  if (policy.PasswordNotContainUserName && password.toLowerCase().includes(userName.toLowerCase()))
    broken.push('not contain the user name');
  if ([...password].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    broken.push('contain no control characters');
  if (broken.length > 0)
    throw new ApiError(
      'InvalidParameter.Password',
      `The password does not meet the password policy: it must ${broken.join(', ')}.`,
    );
}
