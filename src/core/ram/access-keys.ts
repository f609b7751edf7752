/**
 * Long-term AccessKeys of RAM users (≤ 2 each) and of the account principal (root keys for the
 * management API). A global index AccessKeyId → {AccountId, UserName} lets the HTTP layer find
 * the owner and secret of a signed request with two reads.
 *
 * In the RAM API an absent UserName means "the caller". Core does not know the caller, so it never
 * guesses: an absent UserName is refused unless the internal parameter `AccountPrincipal: true`
 * (the boolean, which an RPC form's string parameters can never carry) asks for the account's own
 * root keys. The HTTP layer fills UserName for a RAM-user caller, or AccountPrincipal for root.
 */
import { ApiError } from '../errors.js';
import { readAccessKeyUsage } from './access-key-usage.js';
import { requireAccount } from './accounts.js';
import {
  ACCESS_KEY_ID_PATTERN,
  ACCESS_KEY_SECRET_PATTERN,
  formatDate,
  newAccessKeyId,
  newAccessKeySecret,
} from './ids.js';
import { oneOf, requiredString, type Params } from './params.js';
import { clip, LIMITS, nameKey } from './rules.js';
import {
  ACCOUNT_PRINCIPAL,
  C,
  commit,
  create,
  G,
  globalScope,
  json,
  read,
  readAll,
  remove,
  update,
} from './storage.js';
import type { DirectoryContext } from './storage.js';
import { optionalUserFromParams } from './users.js';

export const ACCESS_KEY_STATUSES = ['Active', 'Inactive'] as const;
export type AccessKeyStatus = (typeof ACCESS_KEY_STATUSES)[number];

export type AccessKeyRecord = {
  AccessKeyId: string;
  AccessKeySecret: string;
  Status: AccessKeyStatus;
  CreateDate: string;
};
type AccessKeyIndex = { AccountId: string; UserName: string | null };

export type AccessKeyOwner = {
  AccountId: string;
  /** null: the account principal (root). */
  UserName: string | null;
  AccessKeySecret: string;
  Status: AccessKeyStatus;
};

/** The owner collection key and display name of the principal a request names. */
async function owner(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const user = await optionalUserFromParams(ctx, accountId, params);
  if (user === undefined) {
    if (params['AccountPrincipal'] !== true)
      throw new ApiError(
        'MissingParameter',
        'The input parameter "UserName" that is mandatory for processing this request is not supplied.',
      );
    return { key: ACCOUNT_PRINCIPAL, userName: null, cap: LIMITS.accessKeysPerAccountPrincipal };
  }
  return { key: nameKey(user.UserName), userName: user.UserName, cap: LIMITS.accessKeysPerUser };
}

const keyMissing = (id: string) => () =>
  new ApiError('EntityNotExist.AccessKey', `The AccessKey ${clip(id)} does not exist for this principal.`);

function keyShape(k: AccessKeyRecord) {
  return { AccessKeyId: k.AccessKeyId, Status: k.Status, CreateDate: k.CreateDate };
}

async function addKey(ctx: DirectoryContext, accountId: string, params: Params, key: AccessKeyRecord) {
  const o = await owner(ctx, accountId, params);
  const limitMessage =
    o.userName === null
      ? `The account principal can have at most ${o.cap} AccessKeys.`
      : `The user ${o.userName} can have at most ${o.cap} AccessKeys.`;
  const index: AccessKeyIndex = { AccountId: accountId, UserName: o.userName };
  await commit(ctx.store, [
    create(
      accountId,
      C.accessKeys(o.key),
      key.AccessKeyId,
      json(key),
      { limit: () => new ApiError('LimitExceeded.User.AccessKey', limitMessage) },
      o.cap,
    ),
    create(globalScope, G.accessKey, key.AccessKeyId, json(index), {
      exists: () => new ApiError('InvalidParameter', `The AccessKeyId ${key.AccessKeyId} is already in use.`),
    }),
  ]);
  return { AccessKey: { ...keyShape(key), AccessKeySecret: key.AccessKeySecret } };
}

export async function createAccessKey(ctx: DirectoryContext, accountId: string, params: Params) {
  const key: AccessKeyRecord = {
    AccessKeyId: newAccessKeyId(),
    AccessKeySecret: newAccessKeySecret(),
    Status: 'Active',
    CreateDate: formatDate(ctx.now()),
  };
  return addKey(ctx, accountId, params, key);
}

/** Internal (declarative config): add a key with a given id and secret, or update its secret and status. */
export async function importAccessKey(ctx: DirectoryContext, accountId: string, params: Params) {
  const id = requiredString(params, 'AccessKeyId');
  const secret = requiredString(params, 'AccessKeySecret');
  const status = oneOf(params, 'Status', ACCESS_KEY_STATUSES, 'InvalidParameter.Status') ?? 'Active';
  if (!ACCESS_KEY_ID_PATTERN.test(id))
    throw new ApiError(
      'InvalidParameter',
      `AccessKeyId "${clip(id)}" must be LTAI followed by 20 letters or digits.`,
    );
  if (!ACCESS_KEY_SECRET_PATTERN.test(secret))
    throw new ApiError('InvalidParameter', `The AccessKeySecret of ${id} must be 30 letters or digits.`);
  const o = await owner(ctx, accountId, params);
  const existing = await read<AccessKeyRecord>(ctx, accountId, C.accessKeys(o.key), id);
  if (!existing)
    return addKey(ctx, accountId, params, {
      AccessKeyId: id,
      AccessKeySecret: secret,
      Status: status,
      CreateDate: formatDate(ctx.now()),
    });
  const next: AccessKeyRecord = { ...existing, AccessKeySecret: secret, Status: status };
  await commit(ctx.store, [update(accountId, C.accessKeys(o.key), id, json(next), keyMissing(id))]);
  return { AccessKey: { ...keyShape(next), AccessKeySecret: secret } };
}

export async function listAccessKeys(ctx: DirectoryContext, accountId: string, params: Params) {
  const o = await owner(ctx, accountId, params);
  const keys = await readAll<AccessKeyRecord>(ctx, accountId, C.accessKeys(o.key));
  return { AccessKeys: { AccessKey: keys.map((k) => keyShape(k.value)) } };
}

export async function updateAccessKey(ctx: DirectoryContext, accountId: string, params: Params) {
  const id = requiredString(params, 'UserAccessKeyId');
  const status = oneOf(params, 'Status', ACCESS_KEY_STATUSES, 'InvalidParameter.Status');
  if (status === undefined) throw new ApiError('MissingParameter', 'The parameter Status is required.');
  const o = await owner(ctx, accountId, params);
  const key = await read<AccessKeyRecord>(ctx, accountId, C.accessKeys(o.key), id);
  if (!key) throw keyMissing(id)();
  await commit(ctx.store, [
    update(accountId, C.accessKeys(o.key), id, json({ ...key, Status: status }), keyMissing(id)),
  ]);
  return {};
}

export async function deleteAccessKey(ctx: DirectoryContext, accountId: string, params: Params) {
  const id = requiredString(params, 'UserAccessKeyId');
  const o = await owner(ctx, accountId, params);
  const used = await readAccessKeyUsage(ctx, accountId, id);
  await commit(ctx.store, [
    remove(accountId, C.accessKeys(o.key), id, keyMissing(id)),
    ...(used ? [remove(accountId, C.accessKeyUsage, id)] : []),
    remove(globalScope, G.accessKey, id, keyMissing(id)),
  ]);
  return {};
}

/** IMS GetAccessKeyLastUsed: when the named principal's key last signed a request (nothing while never). */
export async function getAccessKeyLastUsed(ctx: DirectoryContext, accountId: string, params: Params) {
  const id = requiredString(params, 'UserAccessKeyId');
  const o = await owner(ctx, accountId, params);
  const key = await read<AccessKeyRecord>(ctx, accountId, C.accessKeys(o.key), id);
  if (!key) throw keyMissing(id)();
  const used = await readAccessKeyUsage(ctx, accountId, id);
  return {
    AccessKeyLastUsed: used ? { LastUsedDate: used.LastUsedDate, ServiceName: used.ServiceName } : {},
  };
}

/** For request authentication: the owner, secret and status of a long-term AccessKeyId. */
export async function lookupAccessKey(
  ctx: DirectoryContext,
  accessKeyId: string,
): Promise<AccessKeyOwner | undefined> {
  if (!ACCESS_KEY_ID_PATTERN.test(accessKeyId)) return undefined;
  const index = await read<AccessKeyIndex>(ctx, globalScope, G.accessKey, accessKeyId);
  if (!index) return undefined;
  const ownerKey = index.UserName === null ? ACCOUNT_PRINCIPAL : nameKey(index.UserName);
  const key = await read<AccessKeyRecord>(ctx, index.AccountId, C.accessKeys(ownerKey), accessKeyId);
  if (!key) return undefined;
  return {
    AccountId: index.AccountId,
    UserName: index.UserName,
    AccessKeySecret: key.AccessKeySecret,
    Status: key.Status,
  };
}
