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
import type { BudgetUsage } from './budgets.js';

export const GLOBAL_SCOPE = '_global';

/** Input bounds every store enforces (StoreUsageError beyond them). Lengths count UTF-16 units. */
export const STORE_LIMITS = {
  /** Scope and collection names: 1–128 of [A-Za-z0-9_.:/-] (no braces: they form the hash tag). */
  nameLength: 128,
  /** Directory keys and ephemeral keys. */
  keyLength: 1024,
  /** A directory record as JSON text, or an ephemeral value. */
  valueLength: 1024 * 1024,
  batchWrites: 1000,
  /** All records of one batch together, as JSON text. */
  batchLength: 8 * 1024 * 1024,
  /** Longest TTL of an ephemeral entry: 366 days. */
  ttlMs: 366 * 24 * 3600 * 1000,
} as const;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Json = { [key: string]: JsonValue };

/**
 * One write of an atomic batch. Preconditions are checked in order, each against the state left by
 * the writes before it in the same batch (create k then delete k is valid); all are checked before
 * any write is applied.
 */
export type DirectoryWrite =
  /**
   * Create; fails the batch with `exists` if the key is present, with `limit` if the collection
   * already holds `limit` records (so `limit: 100` allows the 100th record, refuses the 101st).
   */
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
   * All writes of one batch must share one scope, or be in GLOBAL_SCOPE plus at most one account
   * scope (memory and standalone Redis apply both atomically). On Redis Cluster a batch must stay
   * within one scope (one hash tag, one slot): a GLOBAL_SCOPE + account batch throws
   * StoreUsageError there. Anything else (two account scopes, more than STORE_LIMITS.batchWrites
   * writes, an invalid name, an oversized record) throws StoreUsageError in every store; a failing
   * precondition resolves to a BatchFailure with nothing written.
   */
  batch(writes: DirectoryWrite[]): Promise<BatchResult>;
}

export interface EphemeralStore {
  // Keys and values are bounded by STORE_LIMITS; ttlMs is a positive integer ≤ STORE_LIMITS.ttlMs.
  // Anything else throws StoreUsageError. An expired entry behaves exactly like an absent one.
  // A key with a budgeted prefix (budgets.ts) is counted in its purpose's budget: writing one needs
  // `client` (the client address it is created for; StoreUsageError without), and a new entry
  // beyond the budget throws BudgetExhaustedError. Other keys are security state, never budgeted.
  /** Set only if absent (SET NX PX). True when this call created the entry. */
  putIfAbsent(key: string, value: string, ttlMs: number, client?: string): Promise<boolean>;
  set(key: string, value: string, ttlMs: number, client?: string): Promise<void>;
  get(key: string): Promise<string | undefined>;
  /** Get and delete in one step (single use). */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /**
   * Increment a counter, creating it at 1 with the TTL when absent (the TTL is not extended by
   * later increments: a fixed window); returns the new value.
   */
  increment(key: string, ttlMs: number, client?: string): Promise<number>;
  /** Live entries of each budget against its total (readiness). */
  budgetUsage(): Promise<BudgetUsage[]>;
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  readonly directory: DirectoryStore;
  readonly ephemeral: EphemeralStore;
  /** Resolves when the backing service answers; rejects otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Raised for a request the store does not accept (bad name, oversized value, batch across scopes): a caller bug. */
export class StoreUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUsageError';
  }
}

/** Raised by a store whose backend is unreachable; the HTTP layer maps it to 503 ServiceUnavailable. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
