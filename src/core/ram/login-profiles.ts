/**
 * Login profiles: a RAM user's console password and its flags (IMS/RAM CreateLoginProfile,
 * GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile, and ChangePassword, the caller's own).
 * A profile is keyed by the user's lower-cased name and carries the user's id: a profile left by a
 * deleted user of the same name is never the new user's.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';
import { defaultDomain, requireAccount, type AccountRecord } from './accounts.js';
import { formatDate } from './ids.js';
import { oneOf, optionalBool, requiredString, optionalString, type Params } from './params.js';
import { hashPassword, verifyPassword, type PasswordHash } from './password-hash.js';
import { checkPassword, readPasswordPolicy } from './password-policy.js';
import { nameKey } from './rules.js';
import { readSecurityPreference } from './security-preference.js';
import { C, commit, compact, json, put, read, remove, type DirectoryContext } from './storage.js';
import { requireUser, userFromParams, type UserRecord } from './users.js';

export const LOGIN_PROFILE_STATUSES = ['Active', 'Inactive'] as const;
export type LoginProfileStatus = (typeof LOGIN_PROFILE_STATUSES)[number];

export type LoginProfileRecord = {
  UserId: string;
  Password: PasswordHash;
  /** The current and earlier passwords, newest first (PasswordReusePrevention reads the first N). */
  History: PasswordHash[];
  PasswordResetRequired: boolean;
  MFABindRequired: boolean;
  Status: LoginProfileStatus;
  CreateDate: string;
  UpdateDate: string;
  PasswordChangedAt: string;
  LastLoginTime?: string;
};

/** PasswordReusePrevention's maximum: more history is never needed. */
const HISTORY = 24;

const profileMissing = (name: string) =>
  new ApiError('EntityNotExist.User.LoginProfile', `The user ${name} has no login profile.`);

export async function readProfile(ctx: DirectoryContext, accountId: string, user: UserRecord) {
  const record = await read<LoginProfileRecord>(ctx, accountId, C.loginProfile, nameKey(user.UserName));
  return record && record.UserId === user.UserId ? record : undefined;
}

/** The user's login profile, or EntityNotExist.User.LoginProfile. */
export async function requireProfile(ctx: DirectoryContext, accountId: string, user: UserRecord) {
  const record = await readProfile(ctx, accountId, user);
  if (!record) throw profileMissing(user.UserName);
  return record;
}

function profileShape(account: AccountRecord, user: UserRecord, p: LoginProfileRecord) {
  return {
    LoginProfile: compact({
      UserName: user.UserName,
      UserPrincipalName: `${user.UserName}@${defaultDomain(account)}`,
      PasswordResetRequired: p.PasswordResetRequired,
      MFABindRequired: p.MFABindRequired,
      Status: p.Status,
      CreateDate: p.CreateDate,
      UpdateDate: p.UpdateDate,
      LastLoginTime: p.LastLoginTime,
    }),
  };
}

const status = (params: Params) => oneOf(params, 'Status', LOGIN_PROFILE_STATUSES, 'InvalidParameter.Status');

/** A new password that passes the policy and is none of the last PasswordReusePrevention ones. */
async function newPassword(
  ctx: DirectoryContext,
  accountId: string,
  user: UserRecord,
  password: string,
  history: readonly PasswordHash[],
): Promise<PasswordHash> {
  const policy = await readPasswordPolicy(ctx, accountId);
  checkPassword(policy, password, user.UserName);
  for (const old of history.slice(0, policy.PasswordReusePrevention))
    if (await verifyPassword(password, old))
      throw new ApiError(
        'InvalidParameter.Password',
        `The password was used before: the password policy forbids reusing the last ${policy.PasswordReusePrevention}.`,
      );
  return hashPassword(password);
}

function withPassword(record: LoginProfileRecord, hash: PasswordHash, now: string): LoginProfileRecord {
  return {
    ...record,
    Password: hash,
    History: [hash, ...record.History].slice(0, HISTORY),
    PasswordChangedAt: now,
  };
}

const save = (ctx: DirectoryContext, accountId: string, user: UserRecord, record: LoginProfileRecord) =>
  commit(ctx.store, [put(accountId, C.loginProfile, nameKey(user.UserName), json(record))]);

export async function createLoginProfile(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const user = await userFromParams(ctx, accountId, params);
  const password = requiredString(params, 'Password');
  const state = status(params) ?? 'Active';
  if (await readProfile(ctx, accountId, user))
    throw new ApiError(
      'EntityAlreadyExists.User.LoginProfile',
      `The user ${user.UserName} already has a login profile.`,
    );
  const hash = await newPassword(ctx, accountId, user, password, []);
  const now = formatDate(ctx.now());
  const record: LoginProfileRecord = {
    UserId: user.UserId,
    Password: hash,
    History: [hash],
    PasswordResetRequired: optionalBool(params, 'PasswordResetRequired') ?? false,
    MFABindRequired: optionalBool(params, 'MFABindRequired') ?? false,
    Status: state,
    CreateDate: now,
    UpdateDate: now,
    PasswordChangedAt: now,
  };
  await save(ctx, accountId, user, record);
  return profileShape(account, user, record);
}

export async function getLoginProfile(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const user = await userFromParams(ctx, accountId, params);
  return profileShape(account, user, await requireProfile(ctx, accountId, user));
}

export async function updateLoginProfile(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const user = await userFromParams(ctx, accountId, params);
  const password = optionalString(params, 'Password');
  const state = status(params);
  const reset = optionalBool(params, 'PasswordResetRequired');
  const mfa = optionalBool(params, 'MFABindRequired');
  const current = await requireProfile(ctx, accountId, user);
  const now = formatDate(ctx.now());
  let next: LoginProfileRecord = {
    ...current,
    PasswordResetRequired: reset ?? current.PasswordResetRequired,
    MFABindRequired: mfa ?? current.MFABindRequired,
    Status: state ?? current.Status,
    UpdateDate: now,
  };
  if (password !== undefined)
    next = withPassword(next, await newPassword(ctx, accountId, user, password, current.History), now);
  await save(ctx, accountId, user, next);
  return profileShape(account, user, next);
}

export async function deleteLoginProfile(ctx: DirectoryContext, accountId: string, params: Params) {
  const user = await userFromParams(ctx, accountId, params);
  await requireProfile(ctx, accountId, user);
  await commit(ctx.store, [
    remove(accountId, C.loginProfile, nameKey(user.UserName), () => profileMissing(user.UserName)),
  ]);
  return {};
}

/** Names one stored password (its salt is new each time a password is set): a sign-in in progress notices a change. */
export function passwordStamp(hash: PasswordHash): string {
  return createHash('sha256').update(`${hash.Salt}:${hash.Hash}`).digest('base64url').slice(0, 22);
}

/** Replace the password (policy and history checked) and clear PasswordResetRequired. */
async function replacePassword(
  ctx: DirectoryContext,
  accountId: string,
  user: UserRecord,
  current: LoginProfileRecord,
  password: string,
) {
  const now = formatDate(ctx.now());
  const hash = await newPassword(ctx, accountId, user, password, current.History);
  await save(ctx, accountId, user, {
    ...withPassword(current, hash, now),
    PasswordResetRequired: false,
    UpdateDate: now,
  });
}

/**
 * ChangePassword: the calling RAM user's own (the action table fills UserName with the caller and
 * nothing else). The old password must be right; the new one passes the policy and history, and
 * clears PasswordResetRequired.
 */
export async function changePassword(ctx: DirectoryContext, accountId: string, params: Params) {
  const user = await requireUser(ctx, accountId, requiredString(params, 'UserName'));
  if (!(await readSecurityPreference(ctx, accountId)).AllowUserToChangePassword)
    throw new ApiError(
      'NoPermission',
      'The security preference of the account (AllowUserToChangePassword=false) does not let RAM users change their own passwords.',
    );
  const oldPassword = requiredString(params, 'OldPassword');
  const password = requiredString(params, 'NewPassword');
  const current = await requireProfile(ctx, accountId, user);
  if (!(await verifyPassword(oldPassword, current.Password)))
    throw new ApiError(
      'InvalidParameter.OldPassword',
      'OldPassword is not the current password of the user.',
    );
  await replacePassword(ctx, accountId, user, current, password);
  return {};
}

/** What password sign-in needs of a user: the user and its login profile (undefined when either is missing). */
export async function signInProfile(ctx: DirectoryContext, accountId: string, userName: string) {
  const user = await read<UserRecord>(ctx, accountId, C.user, nameKey(userName));
  const profile = user && (await readProfile(ctx, accountId, user));
  return user && profile ? { user, profile } : undefined;
}

/**
 * The forced change at sign-in (PasswordResetRequired or an expired password): as ChangePassword,
 * but the old password was checked by the sign-in that is still pending, whose `passwordStamp`
 * must still be the profile's (a password changed meanwhile ends that sign-in).
 */
export async function changePasswordAtSignIn(
  ctx: DirectoryContext,
  accountId: string,
  signIn: { userId: string; userName: string; passwordStamp: string; newPassword: string },
) {
  const found = await signInProfile(ctx, accountId, signIn.userName);
  if (
    !found ||
    found.user.UserId !== signIn.userId ||
    passwordStamp(found.profile.Password) !== signIn.passwordStamp ||
    found.profile.Status !== 'Active'
  )
    throw new ApiError('AuthenticationFail.Session', 'The sign-in is no longer valid: sign in again.');
  await replacePassword(ctx, accountId, found.user, found.profile, signIn.newPassword);
}

/** A successful console sign-in: LastLoginTime (GetLoginProfile shows it). */
export async function recordLogin(
  ctx: DirectoryContext,
  accountId: string,
  userName: string,
  userId: string,
) {
  const found = await signInProfile(ctx, accountId, userName);
  if (!found || found.user.UserId !== userId) return;
  await save(ctx, accountId, found.user, { ...found.profile, LastLoginTime: formatDate(ctx.now()) });
}
