/**
 * Password sign-in of a RAM user (the console's, as signin.aliyun.com's RAM user logon), a pipeline
 * of small steps:
 *   logon name → account and user → user-based SSO off (else: to the IdP) → source address allowed
 *   → not locked → password (scrypt; unknown users cost the same) → profile Active → expiry
 *   → then, as the profile and preferences ask: the MFA code, the forced password change, the MFA
 *   binding (signin-steps.ts) → a console session acting as the user.
 * Unknown domain, unknown user, no login profile and a wrong password all answer the same
 * AuthenticationFail.Password after the same work, so a response does not tell which users exist.
 */
import { ApiError, isApiError } from '../core/errors.js';
import { passwordStamp } from '../core/ram/login-profiles.js';
import { hashPassword, verifyPassword, type PasswordHash } from '../core/ram/password-hash.js';
import { MAX_PASSWORD_CHARS } from '../core/ram/password-policy.js';
import type { SignInFacts } from '../core/ram/sign-in.js';
import { newTotpSeed } from '../core/ram/totp.js';
import type { Gateway } from './gateway.js';
import { signInPreferences, type SignInPreferences } from './signin-preferences.js';
import { clearFailures, lockedUntil, recordFailure } from './signin-lockout.js';
import { PENDING_SIGN_IN_TTL_MS, type PendingSignIn, type SignInStep } from './signin-pending.js';
import { advance, type SignInOutcome } from './signin-steps.js';
import { newOpaqueId } from './sessions.js';

/** A user name (RAM: ≤ 64; we take up to 128) and a domain (≤ 253). */
export const MAX_USER_NAME_INPUT = 128;
export const MAX_LOGON_NAME = MAX_USER_NAME_INPUT + 1 + 253;
export const MAX_PASSWORD_INPUT = MAX_PASSWORD_CHARS;
const USER_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const ACCOUNT_ID = /^[0-9]{1,32}$/;
const DAY_MS = 24 * 3600 * 1000;

export interface PasswordSignInInput {
  /** The account chosen on the sign-in page (its id), when the form was that account's. */
  account?: string | undefined;
  /** `<UserName>@<domain>`, or the bare user name when an account was chosen. */
  logonName: string;
  password: string;
  client: string;
}

export const incorrect = () =>
  new ApiError('AuthenticationFail.Password', 'The user name or password is incorrect.', {
    check: 'password',
  });

/** Refuse oversized or empty fields before any lookup (InvalidParameter, the field named). */
export function checkSignInFields(input: PasswordSignInInput): void {
  if (input.logonName.trim() === '' || input.password === '')
    throw new ApiError('MissingParameter', 'Type your logon name and your password.', { check: 'fields' });
  if (input.logonName.length > MAX_LOGON_NAME)
    throw new ApiError('InvalidParameter', `The logon name is longer than ${MAX_LOGON_NAME} characters.`, {
      check: 'fields',
    });
  if (input.password.length > MAX_PASSWORD_INPUT)
    throw new ApiError('InvalidParameter', `The password is longer than ${MAX_PASSWORD_INPUT} characters.`, {
      check: 'fields',
    });
  if (input.account !== undefined && !ACCOUNT_ID.test(input.account))
    throw new ApiError('InvalidParameter.AccountId', 'The account of the form is not an account id.', {
      check: 'fields',
    });
}

/** The account and user a logon name names, or undefined (no such account or domain, a malformed name). */
export async function resolveLogonName(
  gw: Gateway,
  input: Pick<PasswordSignInInput, 'account' | 'logonName'>,
): Promise<{ accountId: string; userName: string } | undefined> {
  const name = input.logonName.trim();
  const at = name.lastIndexOf('@');
  const userName = at < 0 ? name : name.slice(0, at);
  if (!USER_NAME.test(userName)) return undefined;
  if (at < 0) return input.account ? { accountId: input.account, userName } : undefined;
  const domain = name.slice(at + 1).toLowerCase();
  if (input.account) {
    const domains = await gw.directory.signInDomains(input.account).catch(notFoundAsUndefined);
    return domains?.includes(domain) ? { accountId: input.account, userName } : undefined;
  }
  const accountId = await gw.directory.findAccountByDomain(domain);
  return accountId ? { accountId, userName } : undefined;
}

function notFoundAsUndefined(error: unknown): undefined {
  if (isApiError(error) && error.code === 'EntityNotExist.Account') return undefined;
  throw error;
}

/** The same scrypt work as a real check, against a hash of a random password (computed once). */
let dummyHash: Promise<PasswordHash> | undefined;
async function verifyNothing(password: string): Promise<void> {
  dummyHash ??= hashPassword(newOpaqueId());
  await verifyPassword(password, await dummyHash);
}

/** User-based SSO on: password sign-in is off, the user goes to the account's IdP (as Alibaba). */
async function idpRedirect(gw: Gateway, accountId: string): Promise<SignInOutcome | undefined> {
  const sso = await gw.directory.userSsoConfig(accountId).catch(notFoundAsUndefined);
  return sso ? { kind: 'idp', location: `/login?account=${accountId}` } : undefined;
}

function lockedError(until: number): ApiError {
  return new ApiError(
    'AuthenticationFail.User.Locked',
    `Too many wrong passwords: this RAM user is locked until ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    { check: 'lockout' },
  );
}

/** The password check with the lockout around it; returns the facts of a user whose password was right. */
async function checkPassword(
  gw: Gateway,
  facts: SignInFacts | undefined,
  accountId: string,
  password: string,
) {
  if (!facts) {
    await verifyNothing(password);
    throw incorrect();
  }
  const user = { accountId, userId: facts.userId };
  const locked = await lockedUntil(gw.store.ephemeral, user);
  if (locked !== undefined && locked > gw.now()) throw lockedError(locked);
  if (!(await verifyPassword(password, facts.profile.Password))) {
    const until = await recordFailure(gw.store.ephemeral, user, facts.policy.MaxLoginAttemps, gw.now());
    throw until === undefined ? incorrect() : lockedError(until);
  }
  if (facts.profile.Status !== 'Active')
    throw new ApiError(
      'AuthenticationFail.LoginProfile.Inactive',
      `Console sign-in is disabled for ${facts.userName}: ask an administrator of the account to enable it.`,
      { check: 'login-profile' },
    );
  await clearFailures(gw.store.ephemeral, user);
  return facts;
}

/** MaxPasswordAge: undefined while valid, 'expired' when the user must change it; HardExpire refuses. */
function passwordExpiry(facts: SignInFacts, now: number): 'expired' | undefined {
  const days = facts.policy.MaxPasswordAge;
  if (days <= 0 || now - Date.parse(facts.profile.PasswordChangedAt) <= days * DAY_MS) return undefined;
  if (facts.policy.HardExpire)
    throw new ApiError(
      'AuthenticationFail.Password.Expired',
      `The password of ${facts.userName} is older than ${days} days and the password policy lets only an administrator reset it: ask an administrator of the account.`,
      { check: 'password-age' },
    );
  return 'expired';
}

/** What is left to do after the password: MFA code, forced change, binding (in that order). */
function stepsFor(facts: SignInFacts, expired: boolean, prefs: SignInPreferences): SignInStep[] {
  const steps: SignInStep[] = [];
  if (facts.mfa) steps.push('mfa');
  if (expired || facts.profile.PasswordResetRequired) steps.push('change-password');
  if (!facts.mfa && (facts.profile.MFABindRequired || prefs.enforceMfa)) steps.push('bind-mfa');
  return steps;
}

export async function passwordSignIn(gw: Gateway, input: PasswordSignInInput): Promise<SignInOutcome> {
  checkSignInFields(input);
  const target = await resolveLogonName(gw, input);
  if (target) {
    const toIdp = await idpRedirect(gw, target.accountId);
    if (toIdp) return toIdp;
  }
  const prefs = target ? await signInPreferences(gw, target.accountId).catch(notFoundAsUndefined) : undefined;
  if (prefs) prefs.assertSourceAllowed(input.client);
  const found = target && prefs && (await gw.directory.signInFacts(target.accountId, target.userName));
  const facts = await checkPassword(gw, found, target?.accountId ?? '', input.password);
  const accountId = (target as { accountId: string }).accountId;
  const expired = passwordExpiry(facts, gw.now()) === 'expired';
  const steps = stepsFor(facts, expired, prefs as SignInPreferences);
  const issuer = steps.includes('bind-mfa') ? (await gw.directory.signInDomains(accountId))[0] : undefined;
  const pending: PendingSignIn = {
    id: newOpaqueId(),
    csrf: newOpaqueId(),
    accountId,
    userName: facts.userName,
    userId: facts.userId,
    passwordStamp: passwordStamp(facts.profile.Password),
    steps,
    changeReason: expired ? 'expired' : facts.profile.PasswordResetRequired ? 'reset' : undefined,
    ...(issuer ? { seed: newTotpSeed(), issuer } : {}),
    mfaPassed: false,
    failures: 0,
    expiresAt: gw.now() + PENDING_SIGN_IN_TTL_MS,
  };
  return advance(gw, pending, input.client);
}
