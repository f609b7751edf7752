import { performance } from 'node:perf_hooks';
import { StoreUnavailableError, StoreUsageError, type EphemeralStore } from './types.js';
import { checkKey, checkTtl, checkValue } from './validate.js';

export type MemoryEphemeralOptions = {
  /** Most live entries; at the cap new entries are refused (fail closed) rather than evicted. */
  maxEntries?: number;
  /** How often expired entries are swept out. */
  sweepIntervalMs?: number;
};

type Entry = { value: string; expiresAt: number };

const INTEGER = /^-?\d+$/;

/** Monotonic milliseconds: expiry must not move when the wall clock is set. */
function now(): number {
  return performance.now();
}

/**
 * In-process TTL entries. Expired entries are invisible at once (checked on every read) and
 * removed by a periodic sweep on an unref'd timer; the number of entries is capped, and a full
 * store refuses new entries instead of evicting live ones (evicting a replay-cache entry would
 * re-open a replay window).
 */
export class MemoryEphemeral implements EphemeralStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemoryEphemeralOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Number of entries held, expired ones included until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    checkEntry(key, value, ttlMs);
    if (this.live(key)) return false;
    this.store(key, value, ttlMs);
    return true;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    checkEntry(key, value, ttlMs);
    this.store(key, value, ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    checkKey(key);
    return this.live(key)?.value;
  }

  async take(key: string): Promise<string | undefined> {
    checkKey(key);
    const entry = this.live(key);
    this.entries.delete(key);
    return entry?.value;
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.entries.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    checkKey(key);
    checkTtl(ttlMs);
    const entry = this.live(key);
    if (!entry) {
      this.store(key, '1', ttlMs);
      return 1;
    }
    const next = INTEGER.test(entry.value) ? Number(entry.value) + 1 : NaN;
    if (!Number.isSafeInteger(next)) throw new StoreUsageError(`The entry ${key} does not hold an integer.`);
    entry.value = String(next);
    return next;
  }

  /** Remove every expired entry. */
  sweep(): void {
    const time = now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= time) this.entries.delete(key);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private store(key: string, value: string, ttlMs: number): void {
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      this.sweep();
      if (this.entries.size >= this.maxEntries) {
        throw new StoreUnavailableError(
          `The in-memory ephemeral store is full (${this.maxEntries} live entries).`,
        );
      }
    }
    this.entries.set(key, { value, expiresAt: now() + ttlMs });
  }
}

function checkEntry(key: string, value: string, ttlMs: number): void {
  checkKey(key);
  checkValue(value);
  checkTtl(ttlMs);
}
