/**
 * The account's security preference for its RAM users (IMS SetSecurityPreference /
 * GetSecurityPreference): fields, ranges and defaults as the IMS API defines them, stored as one
 * record per account. `effectiveLoginPreference` is what sign-in code enforces (login-preference.ts).
 */
import { ApiError } from '../errors.js';
import { cidrContains, parseCidr, parseIp } from '../policy/ip.js';
import { requireAccount } from './accounts.js';
import { oneOf, optionalBool, optionalInt, optionalString, type Params } from './params.js';
import { clip } from './rules.js';
import { C, commit, json, put, read, SELF, type DirectoryContext } from './storage.js';

export const MFA_OPERATIONS_FOR_LOGIN = ['mandatory', 'independent', 'adaptive'] as const;
export const OPERATIONS_FOR_RISK_LOGIN = ['autonomous', 'enforceVerify'] as const;
/** VerificationTypes IMS documents (the methods a RAM user may verify with besides the MFA device). */
export const VERIFICATION_TYPES = ['sms', 'email'] as const;

export type SecurityPreferenceRecord = {
  /** Hours, 1–24 (IMS). */
  LoginSessionDuration: number;
  EnableSaveMFATicket: boolean;
  AllowUserToChangePassword: boolean;
  AllowUserToLoginWithPasskey: boolean;
  AllowUserToManageAccessKeys: boolean;
  AllowUserToManageMFADevices: boolean;
  AllowUserToManagePersonalDingTalk: boolean;
  /** Semicolon-separated CIDR blocks; '' = sign-in from anywhere. */
  LoginNetworkMasks: string;
  MFAOperationForLogin: (typeof MFA_OPERATIONS_FOR_LOGIN)[number];
  OperationForRiskLogin: (typeof OPERATIONS_FOR_RISK_LOGIN)[number];
  VerificationTypes: Array<(typeof VERIFICATION_TYPES)[number]>;
};

/** IMS's defaults (SetSecurityPreference: every field's "default value"). */
export const DEFAULT_SECURITY_PREFERENCE: Readonly<SecurityPreferenceRecord> = Object.freeze({
  LoginSessionDuration: 6,
  EnableSaveMFATicket: false,
  AllowUserToChangePassword: true,
  AllowUserToLoginWithPasskey: true,
  AllowUserToManageAccessKeys: false,
  AllowUserToManageMFADevices: true,
  AllowUserToManagePersonalDingTalk: true,
  LoginNetworkMasks: '',
  MFAOperationForLogin: 'independent',
  OperationForRiskLogin: 'autonomous',
  VerificationTypes: [],
});

/** IMS: "up to 40 subnet masks … a maximum of 512 characters" in total. */
export const NETWORK_MASK_LIMITS = { masks: 40, chars: 512 } as const;
export const SESSION_DURATION_HOURS = { min: 1, max: 24 } as const;

export const SECURITY_PREFERENCE_FLAGS = [
  'EnableSaveMFATicket',
  'AllowUserToChangePassword',
  'AllowUserToLoginWithPasskey',
  'AllowUserToManageAccessKeys',
  'AllowUserToManageMFADevices',
  'AllowUserToManagePersonalDingTalk',
] as const;

export async function readSecurityPreference(
  ctx: DirectoryContext,
  accountId: string,
): Promise<SecurityPreferenceRecord> {
  await requireAccount(ctx, accountId);
  const stored = await read<Partial<SecurityPreferenceRecord>>(ctx, accountId, C.securityPreference, SELF);
  return { ...DEFAULT_SECURITY_PREFERENCE, ...stored };
}

/** The response shape of Get/SetSecurityPreference (the SDK's nested models). */
function preferenceShape(p: SecurityPreferenceRecord) {
  return {
    SecurityPreference: {
      LoginProfilePreference: {
        LoginSessionDuration: p.LoginSessionDuration,
        EnableSaveMFATicket: p.EnableSaveMFATicket,
        AllowUserToChangePassword: p.AllowUserToChangePassword,
        AllowUserToLoginWithPasskey: p.AllowUserToLoginWithPasskey,
        LoginNetworkMasks: p.LoginNetworkMasks,
        MFAOperationForLogin: p.MFAOperationForLogin,
        OperationForRiskLogin: p.OperationForRiskLogin,
      },
      AccessKeyPreference: { AllowUserToManageAccessKeys: p.AllowUserToManageAccessKeys },
      MFAPreference: { AllowUserToManageMFADevices: p.AllowUserToManageMFADevices },
      PersonalInfoPreference: { AllowUserToManagePersonalDingTalk: p.AllowUserToManagePersonalDingTalk },
      VerificationPreference: { VerificationTypes: [...p.VerificationTypes] },
    },
  };
}

export async function getSecurityPreference(ctx: DirectoryContext, accountId: string) {
  return preferenceShape(await readSecurityPreference(ctx, accountId));
}

/** Fields not given keep their current values; an empty LoginNetworkMasks clears the restriction. */
export async function setSecurityPreference(ctx: DirectoryContext, accountId: string, params: Params) {
  const next = { ...(await readSecurityPreference(ctx, accountId)) };
  const hours = optionalInt(params, 'LoginSessionDuration', 'InvalidParameter.LoginSessionDuration');
  if (hours !== undefined) {
    if (hours < SESSION_DURATION_HOURS.min || hours > SESSION_DURATION_HOURS.max)
      throw new ApiError(
        'InvalidParameter.LoginSessionDuration',
        `LoginSessionDuration must be ${SESSION_DURATION_HOURS.min} to ${SESSION_DURATION_HOURS.max} hours; got ${hours}.`,
      );
    next.LoginSessionDuration = hours;
  }
  for (const name of SECURITY_PREFERENCE_FLAGS) {
    const value = optionalBool(params, name);
    if (value !== undefined) next[name] = value;
  }
  if (params['LoginNetworkMasks'] !== undefined)
    next.LoginNetworkMasks = normalizeNetworkMasks(optionalString(params, 'LoginNetworkMasks') ?? '');
  const mfa = oneOf(
    params,
    'MFAOperationForLogin',
    MFA_OPERATIONS_FOR_LOGIN,
    'InvalidParameter.MFAOperationForLogin',
  );
  if (mfa !== undefined) next.MFAOperationForLogin = mfa;
  const risk = oneOf(
    params,
    'OperationForRiskLogin',
    OPERATIONS_FOR_RISK_LOGIN,
    'InvalidParameter.OperationForRiskLogin',
  );
  if (risk !== undefined) next.OperationForRiskLogin = risk;
  const types = optionalString(params, 'VerificationTypes');
  if (types !== undefined) next.VerificationTypes = parseVerificationTypes(types);
  await commit(ctx.store, [put(accountId, C.securityPreference, SELF, json(next))]);
  return preferenceShape(next);
}

/**
 * `a.b.c.d/n;…` → the same list, trimmed, each block checked (IPv4 or IPv6 CIDR, or an address),
 * at most 40 blocks and 512 characters; duplicates are dropped. InvalidParameter.LoginNetworkMasks
 * names the first bad block.
 */
export function normalizeNetworkMasks(text: string): string {
  const bad = (why: string) =>
    new ApiError('InvalidParameter.LoginNetworkMasks', `LoginNetworkMasks ${why}.`);
  if (text.length > NETWORK_MASK_LIMITS.chars)
    throw bad(`is longer than ${NETWORK_MASK_LIMITS.chars} characters (${text.length})`);
  const blocks = [
    ...new Set(
      text
        .split(';')
        .map((b) => b.trim())
        .filter((b) => b !== ''),
    ),
  ];
  if (blocks.length > NETWORK_MASK_LIMITS.masks)
    throw bad(`has ${blocks.length} subnet masks; at most ${NETWORK_MASK_LIMITS.masks} are allowed`);
  for (const block of blocks)
    if (!/^[0-9A-Fa-f:./]{2,49}$/.test(block) || parseCidr(block) === undefined)
      throw bad(`has "${clip(block)}", which is not an IP address or CIDR block (such as 10.0.0.0/8)`);
  return blocks.join(';');
}

function parseVerificationTypes(text: string): SecurityPreferenceRecord['VerificationTypes'] {
  const bad = (why: string) =>
    new ApiError('InvalidParameter.VerificationTypes', `VerificationTypes ${why}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('must be a JSON array such as ["sms","email"]');
  }
  if (!Array.isArray(parsed)) throw bad('must be a JSON array such as ["sms","email"]');
  const allowed: readonly string[] = VERIFICATION_TYPES;
  const out = new Set<(typeof VERIFICATION_TYPES)[number]>();
  for (const item of parsed) {
    if (typeof item !== 'string' || !allowed.includes(item))
      throw bad(`may hold only ${VERIFICATION_TYPES.join(', ')}; got ${clip(JSON.stringify(item) ?? '')}`);
    out.add(item as (typeof VERIFICATION_TYPES)[number]);
  }
  return [...out];
}

/** Whether a client address may sign in under these masks (none = anywhere; an unparsable address never). */
export function addressAllowed(masks: string, clientIp: string): boolean {
  if (masks === '') return true;
  const ip = parseIp(clientIp);
  if (ip === undefined) return false;
  return masks.split(';').some((block) => {
    const cidr = parseCidr(block);
    return cidr !== undefined && cidrContains(cidr, ip);
  });
}
