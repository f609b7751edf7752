/**
 * How the directory lays out its records in a DirectoryStore, and the one way it writes: a single
 * atomic batch whose failed precondition maps to the API error the caller declared for that write.
 *
 * Scope = account id (GLOBAL_SCOPE for cross-account indexes). Keys of named entities are the
 * lower-cased names, so names are unique per account case-insensitively and every lookup by name
 * is case-insensitive, as in Alibaba Cloud RAM.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';
import { GLOBAL_SCOPE, type DirectoryStore, type DirectoryWrite, type Json } from '../store/types.js';
import { clip, nameKey } from './rules.js';

export type IdpMetadataValidator = (xml: string) => { entityId: string };

export interface DirectoryContext {
  readonly store: DirectoryStore;
  /** Validates IdP metadata XML (core parses no XML); throws an ApiError when it is not acceptable. */
  readonly validateIdpMetadata: IdpMetadataValidator;
  readonly now: () => Date;
}

/**
 * A name as part of a collection name: store names allow only [A-Za-z0-9_.:/-] and 128
 * characters, so a key outside [a-z0-9.-]{1,64} (role names have spaces and "@", policy names
 * reach 128) becomes "_" + its SHA-256 in base64url; the "_" keeps both forms apart.
 */
export function segment(key: string): string {
  if (/^[a-z0-9.-]{1,64}$/.test(key)) return key;
  return `_${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}

/** Collections of one account scope. Functions take the owner's lower-cased name. */
export const C = {
  account: 'account',
  user: 'user',
  group: 'group',
  role: 'role',
  policy: 'policy',
  samlProvider: 'samlProvider',
  ssoSettings: 'ssoSettings',
  /** Login profiles, keyed by the user's lower-cased name. */
  loginProfile: 'loginProfile',
  passwordPolicy: 'passwordPolicy',
  /** The account's security preference (one record, SELF). */
  securityPreference: 'securityPreference',
  /** Virtual MFA devices by lower-cased name; a user's binding by the user's lower-cased name. */
  mfaDevice: 'mfaDevice',
  mfaOfUser: 'mfaOfUser',
  policyVersions: (policyKey: string) => `policyVersion:${segment(policyKey)}`,
  groupsOfUser: (userKey: string) => `groupsOfUser:${segment(userKey)}`,
  usersOfGroup: (groupKey: string) => `usersOfGroup:${segment(groupKey)}`,
  /** AccessKeys of a user; the account principal's own keys use ACCOUNT_PRINCIPAL. */
  accessKeys: (userKey: string) =>
    userKey === ACCOUNT_PRINCIPAL ? 'accessKey::account' : `accessKey:${segment(userKey)}`,
  attachedPolicies: (principalType: PrincipalType, principalKey: string) =>
    `attached:${principalType}:${segment(principalKey)}`,
  policyAttachments: (policyType: PolicyType, policyKey: string) =>
    `attachments:${policyType}:${segment(policyKey)}`,
} as const;

/** Global collections: account ids, aliases and domain aliases, AccessKeyId → owner. */
export const G = {
  account: 'account',
  accountAlias: 'accountAlias',
  domainAlias: 'domainAlias',
  accessKey: 'accessKey',
} as const;

/** Key of the account's single record in its `account` and `ssoSettings` collections. */
export const SELF = 'self';
/** Owner name of root AccessKeys (RAM user names cannot contain ":"). */
export const ACCOUNT_PRINCIPAL = ':account';

export type PrincipalType = 'User' | 'Group' | 'Role';
export type PolicyType = 'System' | 'Custom';

type ErrorFor = () => ApiError;

/** One write plus the error to raise when its precondition fails. */
export interface GuardedWrite {
  write: DirectoryWrite;
  exists?: ErrorFor;
  missing?: ErrorFor;
  limit?: ErrorFor;
}

export { commit } from './commit.js';

export const create = (
  scope: string,
  collection: string,
  key: string,
  value: Json,
  guards: Omit<GuardedWrite, 'write'> = {},
  limit?: number,
): GuardedWrite => ({
  write: { op: 'create', scope, collection, key, value, ...(limit === undefined ? {} : { limit }) },
  ...guards,
});

export const update = (
  scope: string,
  collection: string,
  key: string,
  value: Json,
  missing?: ErrorFor,
): GuardedWrite => ({
  write: { op: 'update', scope, collection, key, value },
  ...(missing ? { missing } : {}),
});

export const put = (scope: string, collection: string, key: string, value: Json): GuardedWrite => ({
  write: { op: 'put', scope, collection, key, value },
});

export const remove = (scope: string, collection: string, key: string, missing?: ErrorFor): GuardedWrite => ({
  write: { op: 'delete', scope, collection, key },
  ...(missing ? { missing } : {}),
});

export const globalScope = GLOBAL_SCOPE;

/** Read a record of a known shape (the directory is the only writer of its collections). */
export async function read<T>(ctx: DirectoryContext, scope: string, collection: string, key: string) {
  return (await ctx.store.get(scope, collection, key)) as T | undefined;
}

export async function readAll<T>(ctx: DirectoryContext, scope: string, collection: string) {
  return (await ctx.store.list(scope, collection)) as Array<{ key: string; value: T }>;
}

/** Record types are plain JSON; this is the one cast from a record type to the store's Json. */
export function json<T extends object>(record: T): Json {
  return record as unknown as Json;
}

/**
 * Runs directory mutations of one account one at a time in this process. Batches are atomic on
 * their own; serialising closes the window between a conflict check (e.g. "no members left") and
 * the batch that relies on it, which the store's existence preconditions cannot express.
 */
export class AccountLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(accountId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(accountId, tail);
    void tail.then(() => {
      if (this.tails.get(accountId) === tail) this.tails.delete(accountId);
    });
    return result;
  }
}

/** Drop empty optional fields so responses carry only what is set, as Alibaba's do. */
export function compact<T extends Record<string, unknown>>(shape: T): T {
  return Object.fromEntries(
    Object.entries(shape).filter(([, v]) => v !== '' && v !== null && v !== undefined),
  ) as T;
}

/** Named entities of an account, unique by lower-cased name, each with its error codes. */
export type EntityKind = 'User' | 'Group' | 'Role' | 'Policy' | 'SAMLProvider';
const LABEL: Record<EntityKind, string> = {
  User: 'user',
  Group: 'group',
  Role: 'role',
  Policy: 'custom policy',
  SAMLProvider: 'SAML provider',
};

export const entityMissing = (kind: EntityKind, name: string) => () =>
  new ApiError(`EntityNotExist.${kind}`, `The ${LABEL[kind]} ${clip(name)} does not exist.`);

/** Create a named entity: EntityAlreadyExists.<Kind> when the name is taken, LimitExceeded.<Kind> at `cap`. */
export function createEntity(
  accountId: string,
  kind: EntityKind,
  collection: string,
  name: string,
  value: Json,
  cap: number,
): GuardedWrite {
  return create(
    accountId,
    collection,
    nameKey(name),
    value,
    {
      exists: () => new ApiError(`EntityAlreadyExists.${kind}`, `The ${LABEL[kind]} ${name} already exists.`),
      limit: () =>
        new ApiError(`LimitExceeded.${kind}`, `An account can have at most ${cap} ${LABEL[kind]}s.`),
    },
    cap,
  );
}

/** The record of a named entity (case-insensitive), or EntityNotExist.<Kind>. */
export async function requireEntity<T>(
  ctx: DirectoryContext,
  accountId: string,
  kind: EntityKind,
  collection: string,
  name: string,
): Promise<T> {
  const record = await read<T>(ctx, accountId, collection, nameKey(name));
  if (!record) throw entityMissing(kind, name)();
  return record;
}
