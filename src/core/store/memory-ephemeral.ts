import { performance } from 'node:perf_hooks';
import { StoreUnavailableError, StoreUsageError, type EphemeralStore } from './types.js';
import { detached } from '../detached.js';
import { checkKey, checkTtl, checkValue } from './validate.js';

export type MemoryEphemeralOptions = {
  /** Most entries; at the cap new entries are refused (fail closed) rather than live ones evicted. */
  maxEntries?: number;
  /** Most characters of keys plus values held; the same refusal beyond it. */
  maxChars?: number;
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
 * removed by a periodic sweep on an unref'd timer; entries and characters are capped, and a full
 * store refuses new entries instead of evicting live ones (evicting a replay-cache entry would
 * re-open a replay window).
 */
export class MemoryEphemeral implements EphemeralStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private heldChars = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemoryEphemeralOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.maxChars = options.maxChars ?? 256 * 1024 * 1024;
    this.timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Number of entries held, expired ones included until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  /** Characters of keys plus values held, expired ones included until the next sweep. */
  get chars(): number {
    return this.heldChars;
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
    this.remove(key);
    return entry?.value;
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.remove(key);
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
    const value = String(next);
    this.heldChars += value.length - entry.value.length;
    entry.value = value;
    return next;
  }

  /** Remove every expired entry. */
  sweep(): void {
    const time = now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= time) this.remove(key);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.entries.clear();
    this.heldChars = 0;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  /** Whether storing `value` under `key` would exceed a cap. */
  private full(key: string, value: string): boolean {
    const previous = this.entries.get(key);
    const entries = this.entries.size + (previous ? 0 : 1);
    const chars =
      this.heldChars + (previous ? value.length - previous.value.length : key.length + value.length);
    return entries > this.maxEntries || (chars > this.maxChars && chars > this.heldChars);
  }

  private store(key: string, value: string, ttlMs: number): void {
    if (this.full(key, value)) {
      this.sweep();
      if (this.full(key, value)) {
        throw new StoreUnavailableError(
          `The in-memory ephemeral store is full (${this.entries.size} entries, ${this.heldChars} characters).`,
        );
      }
    }
    this.remove(key);
    this.entries.set(detached(key), { value: detached(value), expiresAt: now() + ttlMs });
    this.heldChars += key.length + value.length;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldChars -= key.length + entry.value.length;
  }
}

function checkEntry(key: string, value: string, ttlMs: number): void {
  checkKey(key);
  checkValue(value);
  checkTtl(ttlMs);
}
