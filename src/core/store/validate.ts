import { GLOBAL_SCOPE, STORE_LIMITS, StoreUsageError, type DirectoryWrite } from './types.js';

/** No braces: in Redis the scope is the Cluster hash tag `{scope}`. */
const NAME_PATTERN = /^[A-Za-z0-9_.:/-]+$/;

function describe(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

export function checkName(what: 'scope' | 'collection', name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > STORE_LIMITS.nameLength) {
    throw new StoreUsageError(`The store ${what} must be 1 to ${STORE_LIMITS.nameLength} characters long.`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new StoreUsageError(`The store ${what} ${describe(name)} may only contain A-Z a-z 0-9 _ . : / -.`);
  }
}

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > STORE_LIMITS.keyLength) {
    throw new StoreUsageError(`A store key must be a string of 1 to ${STORE_LIMITS.keyLength} characters.`);
  }
}

export function checkValue(value: string): void {
  if (typeof value !== 'string' || value.length > STORE_LIMITS.valueLength) {
    throw new StoreUsageError(
      `A store value must be a string of at most ${STORE_LIMITS.valueLength} characters.`,
    );
  }
}

export function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0 || ttlMs > STORE_LIMITS.ttlMs) {
    throw new StoreUsageError(
      `A TTL must be a whole number of milliseconds from 1 to ${STORE_LIMITS.ttlMs}.`,
    );
  }
}

export function checkLocation(scope: string, collection: string, key?: string): void {
  checkName('scope', scope);
  checkName('collection', collection);
  if (key !== undefined) checkKey(key);
}

/** A validated write: the record already serialized, the limit normalised. */
export type PreparedWrite = {
  op: DirectoryWrite['op'];
  scope: string;
  collection: string;
  key: string;
  /** JSON text of the record (create/update/put). */
  json: string | undefined;
  /** Collection cap of a create; undefined when uncapped. */
  limit: number | undefined;
};

export type PreparedBatch = { writes: PreparedWrite[] };

function serializeRecord(write: DirectoryWrite, index: number): string | undefined {
  if (write.op === 'delete') return undefined;
  const value: unknown = write.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoreUsageError(`Write ${index} of the batch: the record must be a JSON object.`);
  }
  const json = JSON.stringify(value);
  if (json.length > STORE_LIMITS.valueLength) {
    throw new StoreUsageError(
      `Write ${index} of the batch: the record is ${json.length} characters of JSON, over the limit of ${STORE_LIMITS.valueLength}.`,
    );
  }
  return json;
}

function normaliseLimit(write: DirectoryWrite, index: number): number | undefined {
  if (write.op !== 'create' || write.limit === undefined) return undefined;
  if (!Number.isSafeInteger(write.limit) || write.limit < 0) {
    throw new StoreUsageError(`Write ${index} of the batch: limit must be a non-negative integer.`);
  }
  return write.limit;
}

const OPS = new Set<string>(['create', 'update', 'put', 'delete']);

/**
 * The scopes a batch may span: one, or GLOBAL_SCOPE plus one account scope unless `oneScope`
 * (Redis Cluster, where a batch is one slot).
 */
function checkScopes(writes: DirectoryWrite[], oneScope: boolean): void {
  const scopes = [...new Set(writes.map((write) => write.scope))];
  if (scopes.length <= 1) return;
  const shown = scopes.map(describe).join(' and ');
  if (oneScope) {
    throw new StoreUsageError(
      `A batch spans scopes ${shown}; on Redis Cluster a batch must stay within one scope (one hash tag).`,
    );
  }
  if (scopes.length > 2 || !scopes.includes(GLOBAL_SCOPE)) {
    throw new StoreUsageError(
      `A batch spans scopes ${shown}; it may span one account scope plus ${describe(GLOBAL_SCOPE)} at most.`,
    );
  }
}

/** Check every write of a batch and the scopes it spans. */
export function prepareBatch(writes: DirectoryWrite[], options: { oneScope: boolean }): PreparedBatch {
  if (!Array.isArray(writes) || writes.length > STORE_LIMITS.batchWrites) {
    throw new StoreUsageError(`A batch is an array of at most ${STORE_LIMITS.batchWrites} writes.`);
  }
  const prepared = writes.map((write, index): PreparedWrite => {
    if (!OPS.has(write.op)) throw new StoreUsageError(`Write ${index} of the batch has an unknown op.`);
    checkLocation(write.scope, write.collection, write.key);
    return {
      op: write.op,
      scope: write.scope,
      collection: write.collection,
      key: write.key,
      json: serializeRecord(write, index),
      limit: normaliseLimit(write, index),
    };
  });
  const length = prepared.reduce((sum, write) => sum + (write.json?.length ?? 0), 0);
  if (length > STORE_LIMITS.batchLength) {
    throw new StoreUsageError(
      `The records of the batch are ${length} characters of JSON, over the limit of ${STORE_LIMITS.batchLength}.`,
    );
  }
  checkScopes(writes, options.oneScope);
  return { writes: prepared };
}

/** Directory listings are sorted by key, by UTF-16 code unit like Array.prototype.sort. */
export function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
