import { performance } from 'node:perf_hooks';
import { BudgetCounter, budgetClaim, type BudgetClaim } from './budget-check.js';
import { resolveBudgets, type BudgetOverrides, type BudgetUsage } from './budgets.js';
import { StoreUnavailableError, StoreUsageError, type EphemeralStore } from './types.js';
import { detached } from '../detached.js';
import { checkKey, checkTtl, checkValue } from './validate.js';

export type MemoryEphemeralOptions = {
  /**
   * Most entries of security state (replay records, nonces, revocation watermarks); at the cap new
   * ones are refused (fail closed) rather than live ones evicted. Budgeted entries (budgets.ts) are
   * counted in their own budgets instead, so they can never fill this.
   */
  maxEntries?: number;
  /** Most characters of keys plus values of security state held; the same refusal beyond it. */
  maxChars?: number;
  /** Caps of the budgeted purposes (defaults: DEFAULT_BUDGETS). */
  budgets?: BudgetOverrides;
  /** How often expired entries are swept out. */
  sweepIntervalMs?: number;
  /** Told about every write and removal of security state (the data-dir journal). */
  journal?: EphemeralJournal;
};

/** Where the security state of a memory store is kept across restarts (expiry in epoch ms). */
export interface EphemeralJournal {
  put(key: string, value: string, expiresAtEpochMs: number): void;
  delete(key: string): void;
}

/**
 * A full store sweeps before refusing only when an entry may have expired since the last sweep,
 * and at most this often (a sweep walks every entry: a flood at the cap must not make each write O(n)).
 */
const FULL_SWEEP_INTERVAL_MS = 50;

type Entry = { value: string; expiresAt: number; claim: BudgetClaim | undefined };

const INTEGER = /^-?\d+$/;

/** Monotonic milliseconds: expiry must not move when the wall clock is set. */
function now(): number {
  return performance.now();
}

/**
 * In-process TTL entries. Expired entries are invisible at once (checked on every read) and
 * removed by a periodic sweep on an unref'd timer. Security state (replay records, nonces,
 * revocation watermarks) is capped in entries and characters, and a full store refuses new entries
 * instead of evicting live ones (evicting a replay-cache entry would re-open a replay window);
 * budgeted entries (budgets.ts) are counted in their own budgets, apart from it.
 */
export class MemoryEphemeral implements EphemeralStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private readonly budget: BudgetCounter;
  private readonly journal: EphemeralJournal | undefined;
  /** Entries and characters of security state (not budgeted). */
  private securityEntries = 0;
  private heldChars = 0;
  private lastFullSweep = -Infinity;
  /** No entry expires before this (monotonic ms): a sweep before it would free nothing. */
  private earliestExpiry = Infinity;
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemoryEphemeralOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.maxChars = options.maxChars ?? 256 * 1024 * 1024;
    this.budget = new BudgetCounter(resolveBudgets(options.budgets));
    this.journal = options.journal;
    this.timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Number of entries held, expired ones included until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  /** Entries of security state held, expired ones included until the next sweep. */
  get securityCount(): number {
    return this.securityEntries;
  }

  /** Characters of keys plus values of security state held, expired ones included until the next sweep. */
  get chars(): number {
    return this.heldChars;
  }

  async putIfAbsent(key: string, value: string, ttlMs: number, client?: string): Promise<boolean> {
    checkEntry(key, value, ttlMs);
    const claim = budgetClaim(this.budget.budgets, key, value, client);
    if (this.live(key)) return false;
    this.store(key, value, ttlMs, claim);
    return true;
  }

  async set(key: string, value: string, ttlMs: number, client?: string): Promise<void> {
    checkEntry(key, value, ttlMs);
    this.store(key, value, ttlMs, budgetClaim(this.budget.budgets, key, value, client));
  }

  async get(key: string): Promise<string | undefined> {
    checkKey(key);
    return this.live(key)?.value;
  }

  async take(key: string): Promise<string | undefined> {
    checkKey(key);
    const entry = this.live(key);
    this.remove(key);
    return entry?.value;
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.remove(key);
  }

  async increment(key: string, ttlMs: number, client?: string): Promise<number> {
    checkKey(key);
    checkTtl(ttlMs);
    const entry = this.live(key);
    if (!entry) {
      this.store(key, '1', ttlMs, budgetClaim(this.budget.budgets, key, '1', client));
      return 1;
    }
    const next = INTEGER.test(entry.value) ? Number(entry.value) + 1 : NaN;
    if (!Number.isSafeInteger(next)) throw new StoreUsageError(`The entry ${key} does not hold an integer.`);
    const value = String(next);
    if (!entry.claim) this.heldChars += value.length - entry.value.length;
    entry.value = value;
    if (!entry.claim) this.journal?.put(key, value, epochMs(entry.expiresAt));
    return next;
  }

  async budgetUsage(): Promise<BudgetUsage[]> {
    this.sweepWhenFull();
    return this.budget.usage();
  }

  /** Load entries kept across a restart (security state from the journal); expired ones are skipped. */
  restore(entries: Iterable<{ key: string; value: string; expiresAtEpochMs: number }>): void {
    const wall = Date.now();
    for (const { key, value, expiresAtEpochMs } of entries) {
      const ttlMs = Math.floor(expiresAtEpochMs - wall);
      if (ttlMs > 0) this.insert(key, value, ttlMs, undefined, false);
    }
  }

  /** The live security state (journal compaction). */
  *securityState(): Generator<{ key: string; value: string; expiresAtEpochMs: number }> {
    const time = now();
    for (const [key, entry] of this.entries) {
      if (!entry.claim && entry.expiresAt > time)
        yield { key, value: entry.value, expiresAtEpochMs: epochMs(entry.expiresAt) };
    }
  }

  /** Remove every expired entry. */
  sweep(): void {
    const time = now();
    let earliest = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= time) this.remove(key, false);
      else earliest = Math.min(earliest, entry.expiresAt);
    }
    this.earliestExpiry = earliest;
  }

  close(): void {
    clearInterval(this.timer);
    this.entries.clear();
    this.budget.clear();
    this.securityEntries = 0;
    this.heldChars = 0;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      this.remove(key, false);
      return undefined;
    }
    return entry;
  }

  /** Whether storing `value` under `key` as security state would exceed a cap. */
  private full(key: string, value: string): boolean {
    const previous = this.entries.get(key);
    const replaces = previous !== undefined && !previous.claim;
    const entries = this.securityEntries + (replaces ? 0 : 1);
    const chars =
      this.heldChars + (replaces ? value.length - previous.value.length : key.length + value.length);
    return entries > this.maxEntries || (chars > this.maxChars && chars > this.heldChars);
  }

  /** Sweep, unless a sweep ran within FULL_SWEEP_INTERVAL_MS (a flood at the cap must not make every write O(n)). */
  private sweepWhenFull(): void {
    const time = now();
    if (time < this.earliestExpiry || time - this.lastFullSweep < FULL_SWEEP_INTERVAL_MS) return;
    this.lastFullSweep = time;
    this.sweep();
  }

  private store(key: string, value: string, ttlMs: number, claim: BudgetClaim | undefined): void {
    this.admit(key, value, claim);
    this.insert(key, value, ttlMs, claim);
  }

  /** Throws when the write would exceed its budget (budgeted) or the security-state caps. */
  private admit(key: string, value: string, claim: BudgetClaim | undefined): void {
    if (claim) {
      if (this.entries.get(key)?.claim) return; // replacing one of its own entries: no new entry
      if (!this.budget.fits(claim)) this.sweepWhenFull();
      this.budget.check(claim);
      return;
    }
    if (this.full(key, value)) {
      this.sweepWhenFull();
      if (this.full(key, value)) {
        throw new StoreUnavailableError(
          `The in-memory store's security state is full (${this.securityEntries} entries, ${this.heldChars} characters).`,
        );
      }
    }
  }

  private insert(
    key: string,
    value: string,
    ttlMs: number,
    claim: BudgetClaim | undefined,
    journaled = true,
  ): void {
    this.remove(key, false);
    const expiresAt = now() + ttlMs;
    this.earliestExpiry = Math.min(this.earliestExpiry, expiresAt);
    this.entries.set(detached(key), { value: detached(value), expiresAt, claim });
    if (claim) {
      this.budget.add(claim);
    } else {
      this.securityEntries += 1;
      this.heldChars += key.length + value.length;
      if (journaled) this.journal?.put(key, value, epochMs(expiresAt));
    }
  }

  /** Forget an entry; `journaled` is false where the journal need not hear it (expired, or rewritten next). */
  private remove(key: string, journaled = true): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    if (entry.claim) {
      this.budget.remove(entry.claim);
    } else {
      this.securityEntries -= 1;
      this.heldChars -= key.length + entry.value.length;
      if (journaled) this.journal?.delete(key);
    }
  }
}

/** The wall-clock time of a monotonic instant. */
function epochMs(monotonic: number): number {
  return Math.round(Date.now() + (monotonic - now()));
}

function checkEntry(key: string, value: string, ttlMs: number): void {
  checkKey(key);
  checkValue(value);
  checkTtl(ttlMs);
}
