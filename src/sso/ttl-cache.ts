import { detached } from '../core/detached.js';

/**
 * A short read-through cache of directory reads: a sign-in reads a provider, a role and its
 * policies; keeping them for a few seconds keeps Redis round trips per login low, while changes
 * still reach every instance within the TTL (at once on the instance that made them: invalidate).
 * Keys come from requests (ARNs), so they are stored as detached copies.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const own = detached(key);
    this.entries.set(own, { value, expires: now + this.ttlMs });
    value.catch(() => this.entries.delete(own));
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
