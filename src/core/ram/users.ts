/**
 * RAM users (RAM CreateUser/GetUser/UpdateUser/ListUsers/DeleteUser and their IMS forms, which
 * name the user by UserPrincipalName `<name>@<default domain | domain alias>`). Lookups are
 * case-insensitive; the stored name keeps the case it was created with.
 */
import { ApiError } from '../errors.js';
import { defaultDomain, requireAccount, type AccountRecord } from './accounts.js';
import { userNameOfPrincipalName } from './lookup.js';
import { formatDate, randomDigits } from './ids.js';
import { optionalString, type Params } from './params.js';
import {
  checkComments,
  checkDisplayName,
  checkEmail,
  checkMobilePhone,
  checkUserName,
  clip,
  LIMITS,
} from './rules.js';
import { nameKey } from './rules.js';
import { C, commit, compact, create, json, remove, update } from './storage.js';
import { entityOps, newDates } from './entity.js';
import type { DirectoryContext, GuardedWrite } from './storage.js';
import { missingParameter } from '../errors.js';
import { renameUserWrites } from './user-links.js';

export type UserRecord = {
  UserName: string;
  UserId: string;
  DisplayName: string;
  Email: string;
  MobilePhone: string;
  Comments: string;
  CreateDate: string;
  UpdateDate: string;
};

const USERS = entityOps({
  kind: 'User',
  collection: C.user,
  cap: LIMITS.usersPerAccount,
  nameOf: (u: UserRecord) => u.UserName,
  list: { outer: 'Users', inner: 'User' },
  dependents: [
    {
      collection: C.groupsOfUser,
      code: 'DeleteConflict.User.Group',
      describe: (n) => `still belongs to ${n} group(s)`,
    },
    {
      collection: (key) => C.attachedPolicies('User', key),
      code: 'DeleteConflict.User.Policy',
      describe: (n) => `still has ${n} attached policy(ies)`,
    },
    {
      collection: C.accessKeys,
      code: 'DeleteConflict.User.AccessKey',
      describe: (n) => `still has ${n} AccessKey(s)`,
    },
  ],
  sweep: 'User',
});

export const userMissing = USERS.missing;

/**
 * The user name named by `UserName` or by the IMS `UserPrincipalName` (whose domain must be the
 * account's). Both may be given only when they name the same user.
 */
export function userNameParam(account: AccountRecord, params: Params, nameParam: string, upnParam: string) {
  const upn = optionalString(params, upnParam);
  const name = optionalString(params, nameParam);
  if (upn === undefined && name === undefined) throw missingParameter(nameParam);
  const fromUpn = upn === undefined ? undefined : userNameOfPrincipalName(account, upn, upnParam);
  if (fromUpn !== undefined && name !== undefined && nameKey(fromUpn) !== nameKey(name))
    throw new ApiError(
      'InvalidParameter',
      `${nameParam} "${clip(name)}" and ${upnParam} "${clip(upn ?? '')}" name different users.`,
    );
  const chosen = (name ?? fromUpn) as string;
  checkUserName(chosen);
  return chosen;
}

export function userShape(account: AccountRecord, u: UserRecord) {
  return compact({
    UserName: u.UserName,
    UserPrincipalName: `${u.UserName}@${defaultDomain(account)}`,
    UserId: u.UserId,
    DisplayName: u.DisplayName,
    Email: u.Email,
    MobilePhone: u.MobilePhone,
    Comments: u.Comments,
    CreateDate: u.CreateDate,
    UpdateDate: u.UpdateDate,
  });
}

function checkProfile(display?: string, email?: string, phone?: string, comments?: string): void {
  if (display !== undefined) checkDisplayName(display);
  if (email !== undefined) checkEmail(email);
  if (phone !== undefined) checkMobilePhone(phone);
  if (comments !== undefined) checkComments(comments);
}

export const requireUser = USERS.require;

/** The user a request names by `UserName` (RAM) or `UserPrincipalName` (IMS). */
export async function userFromParams(
  ctx: DirectoryContext,
  accountId: string,
  params: Params,
): Promise<UserRecord> {
  const account = await requireAccount(ctx, accountId);
  return requireUser(ctx, accountId, userNameParam(account, params, 'UserName', 'UserPrincipalName'));
}

/** Like userFromParams, but undefined when the request names no user at all. */
export function optionalUserFromParams(ctx: DirectoryContext, accountId: string, params: Params) {
  const names = [optionalString(params, 'UserName'), optionalString(params, 'UserPrincipalName')];
  return names.every((n) => n === undefined)
    ? Promise.resolve(undefined)
    : userFromParams(ctx, accountId, params);
}

export async function createUser(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const name = userNameParam(account, params, 'UserName', 'UserPrincipalName');
  const [display, email, phone, comments] = ['DisplayName', 'Email', 'MobilePhone', 'Comments'].map((p) =>
    optionalString(params, p),
  );
  checkProfile(display, email, phone, comments);
  const user = await USERS.create(ctx, accountId, {
    UserName: name,
    UserId: randomDigits(16),
    DisplayName: display ?? name,
    Email: email ?? '',
    MobilePhone: phone ?? '',
    Comments: comments ?? '',
    ...newDates(ctx),
  });
  return { User: userShape(account, user) };
}

export async function getUser(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const name = userNameParam(account, params, 'UserName', 'UserPrincipalName');
  return { User: userShape(account, await requireUser(ctx, accountId, name)) };
}

export async function updateUser(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const name = userNameParam(account, params, 'UserName', 'UserPrincipalName');
  const hasNewName = params['NewUserName'] !== undefined || params['NewUserPrincipalName'] !== undefined;
  const newName = hasNewName
    ? userNameParam(account, params, 'NewUserName', 'NewUserPrincipalName')
    : undefined;
  const [display, email, phone, comments] = [
    'NewDisplayName',
    'NewEmail',
    'NewMobilePhone',
    'NewComments',
  ].map((p) => optionalString(params, p));
  checkProfile(display, email, phone, comments);
  const user = await requireUser(ctx, accountId, name);
  const next: UserRecord = {
    ...user,
    UserName: newName ?? user.UserName,
    DisplayName: display ?? user.DisplayName,
    Email: email ?? user.Email,
    MobilePhone: phone ?? user.MobilePhone,
    Comments: comments ?? user.Comments,
    UpdateDate: formatDate(ctx.now()),
  };
  const oldKey = nameKey(user.UserName);
  const newKey = nameKey(next.UserName);
  const writes: GuardedWrite[] =
    oldKey === newKey
      ? [update(accountId, C.user, oldKey, json(next), userMissing(name))]
      : [
          remove(accountId, C.user, oldKey, userMissing(name)),
          create(accountId, C.user, newKey, json(next), {
            exists: () =>
              new ApiError('EntityAlreadyExists.User', `The user ${next.UserName} already exists.`),
          }),
        ];
  // The name is also stored in memberships, attachments and the AccessKey index (a case-only rename too).
  if (next.UserName !== user.UserName)
    writes.push(...(await renameUserWrites(ctx, accountId, user.UserName, next.UserName)));
  await commit(ctx.store, writes);
  return { User: userShape(account, next) };
}

export async function listUsers(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  return USERS.list(ctx, accountId, params, (u) => userShape(account, u));
}

export async function deleteUser(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const name = userNameParam(account, params, 'UserName', 'UserPrincipalName');
  return USERS.remove(ctx, accountId, await requireUser(ctx, accountId, name));
}
