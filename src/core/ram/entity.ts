/**
 * What the named entities of an account (users, groups, roles, SAML providers) share: a collection
 * keyed by the lower-cased name, a per-account cap, dates, a paged list in the RPC shape, and a
 * delete that is refused while dependents remain and sweeps stray links afterwards. Each entity
 * module describes itself once (EntityType) and keeps only what is its own.
 */
import { ApiError, type ErrorCode } from '../errors.js';
import { requireAccount } from './accounts.js';
import { formatDate } from './ids.js';
import { listResponse, paginate, type Params } from './params.js';
import { nameKey } from './rules.js';
import {
  commit,
  createEntity,
  json,
  readAll,
  remove,
  requireEntity,
  entityMissing,
  type DirectoryContext,
  type EntityKind,
  type PrincipalType,
} from './storage.js';
import { sweepPrincipal } from './sweep.js';

/** A record whose deletion must wait: `count` records of `collection(key)` block it with `code`. */
export interface Dependent {
  collection: (key: string) => string;
  code: ErrorCode;
  /** e.g. "still belongs to {n} group(s)". */
  describe: (n: number) => string;
}

export interface EntityType<R, O extends string = string, I extends string = string> {
  kind: Exclude<EntityKind, 'Policy'>;
  collection: string;
  /** Most entities of this kind an account may have. */
  cap: number;
  nameOf(record: R): string;
  list: { outer: O; inner: I; maxItems?: number };
  dependents: readonly Dependent[];
  /** Links swept after a delete (attachments, memberships …), when the entity is a principal. */
  sweep?: PrincipalType;
}

export interface Dated {
  CreateDate: string;
  UpdateDate: string;
}

/** CreateDate and UpdateDate of a record made now. */
export function newDates(ctx: DirectoryContext): Dated {
  const now = formatDate(ctx.now());
  return { CreateDate: now, UpdateDate: now };
}

export function entityOps<R extends object, O extends string, I extends string>(type: EntityType<R, O, I>) {
  const missing = (name: string) => entityMissing(type.kind, name);
  return {
    missing,
    require: (ctx: DirectoryContext, accountId: string, name: string) =>
      requireEntity<R>(ctx, accountId, type.kind, type.collection, name),

    /** EntityAlreadyExists.<Kind> when the name is taken, LimitExceeded.<Kind> at the cap. */
    async create(ctx: DirectoryContext, accountId: string, record: R): Promise<R> {
      await commit(ctx.store, [
        createEntity(accountId, type.kind, type.collection, type.nameOf(record), json(record), type.cap),
      ]);
      return record;
    },

    /** One page of the account's entities, sorted by name, in the RPC list shape. */
    async list<S>(ctx: DirectoryContext, accountId: string, params: Params, shape: (r: R) => S) {
      await requireAccount(ctx, accountId);
      const page = paginate(await readAll<R>(ctx, accountId, type.collection), params, type.list.maxItems);
      return listResponse(type.list.outer, type.list.inner, page.items.map(shape), page);
    },

    /** Refused (DeleteConflict.*) while dependents remain; then removed and its stray links swept. */
    async remove(ctx: DirectoryContext, accountId: string, record: R): Promise<Record<string, never>> {
      const name = type.nameOf(record);
      const key = nameKey(name);
      const counts = await Promise.all(
        type.dependents.map((d) => ctx.store.count(accountId, d.collection(key))),
      );
      type.dependents.forEach((d, i) => {
        const n = counts[i] ?? 0;
        if (n > 0) throw new ApiError(d.code, `The ${type.kind.toLowerCase()} ${name} ${d.describe(n)}.`);
      });
      await commit(ctx.store, [remove(accountId, type.collection, key, missing(name))]);
      if (type.sweep) await sweepPrincipal(ctx, accountId, type.sweep, key);
      return {};
    },
  };
}
