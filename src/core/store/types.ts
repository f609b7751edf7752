/**
 * Storage contracts. The directory (accounts, users, roles, …) is durable; ephemeral state
 * (replay entries, pending AuthnRequests, one-time codes, sessions, rate buckets, revocation
 * watermarks) lives with a TTL. `memory` and `redis` implement both; one contract suite tests both.
 *
 * Directory records are JSON documents grouped by (scope, collection): scope is an account id (or
 * GLOBAL_SCOPE for cross-account indexes such as AccessKeyId → owner), collection an entity kind
 * ("user", "role", "samlProvider", …). In Redis one scope maps to one hash tag, so every
 * multi-key operation of an account runs in one Cluster slot.
 */
export const GLOBAL_SCOPE = '_global';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Json = { [key: string]: JsonValue };

/** One write of an atomic batch. All preconditions are checked before any write is applied. */
export type DirectoryWrite =
  /** Create; fails the batch with `exists` if the key is present. `limit` caps the collection size. */
  | { op: 'create'; scope: string; collection: string; key: string; value: Json; limit?: number }
  /** Replace; fails the batch with `missing` if the key is absent. */
  | { op: 'update'; scope: string; collection: string; key: string; value: Json }
  /** Create or replace. */
  | { op: 'put'; scope: string; collection: string; key: string; value: Json }
  /** Delete; fails the batch with `missing` if the key is absent. */
  | { op: 'delete'; scope: string; collection: string; key: string };

export type BatchFailure = {
  ok: false;
  /** Index in the batch of the write whose precondition failed. */
  index: number;
  reason: 'exists' | 'missing' | 'limit';
};
export type BatchResult = { ok: true } | BatchFailure;

export interface DirectoryStore {
  get(scope: string, collection: string, key: string): Promise<Json | undefined>;
  /** All records of a collection, sorted by key. */
  list(scope: string, collection: string): Promise<Array<{ key: string; value: Json }>>;
  count(scope: string, collection: string): Promise<number>;
  /**
   * Apply writes atomically: either every precondition holds and all are applied, or none is.
   * All writes of one batch must share one scope, or all be in GLOBAL_SCOPE plus at most one
   * account scope in the memory store; in Redis Cluster a batch must stay within one scope.
   */
  batch(writes: DirectoryWrite[]): Promise<BatchResult>;
}

export interface EphemeralStore {
  /** Set only if absent (SET NX PX). True when this call created the entry. */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Get and delete in one step (single use). */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /** Increment a counter, creating it with the TTL when absent; returns the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  readonly directory: DirectoryStore;
  readonly ephemeral: EphemeralStore;
  /** Resolves when the backing service answers; rejects otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Raised by a store whose backend is unreachable; the HTTP layer maps it to 503 ServiceUnavailable. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
