import { GLOBAL_SCOPE, type DirectoryStore } from '../store/types.js';
import { LONGEST_SESSION_MS, TOKEN_KEY_BYTES, TokenKeyring, type TokenKey } from './keyring.js';
import { randomBytes } from 'node:crypto';

const COLLECTION = 'stsTokenKey';

export interface StoredTokenKeysOptions {
  /** A new key becomes current this often (default 24 h). */
  rotateEveryMs?: number;
  /** How often an instance re-reads the keys other instances may have added (default 60 s). */
  reloadEveryMs?: number;
  now?: () => number;
}

/**
 * Token keys shared by every gateway instance through the directory store. Keys are made per
 * generation (`gen-<n>`, n = now / rotateEveryMs): the store's create-if-absent makes exactly one
 * key per generation however many instances race, and a key is deleted only once no token it
 * encrypted can still be valid (LONGEST_SESSION_MS after it was replaced).
 */
export class StoredTokenKeys {
  private cached: TokenKeyring | undefined;
  private loadedAt = 0;
  private readonly rotateEveryMs: number;
  private readonly reloadEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly directory: DirectoryStore,
    options: StoredTokenKeysOptions = {},
  ) {
    this.rotateEveryMs = options.rotateEveryMs ?? 86_400_000;
    this.reloadEveryMs = options.reloadEveryMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The keyring to mint and decode with; loads, rotates and prunes as time passes. */
  async keyring(): Promise<TokenKeyring> {
    const now = this.now();
    if (
      this.cached &&
      now - this.loadedAt < this.reloadEveryMs &&
      this.generationOf(this.cached.current) === this.generation(now)
    ) {
      return this.cached;
    }
    return this.reload();
  }

  /** Re-read now: used when a token names a kid this instance has not seen yet. */
  async reload(): Promise<TokenKeyring> {
    const now = this.now();
    const gen = `gen-${this.generation(now)}`;
    const existing = await this.directory.get(GLOBAL_SCOPE, COLLECTION, gen);
    if (!existing) {
      const secret = randomBytes(TOKEN_KEY_BYTES).toString('base64');
      const kid = `${gen}-${randomBytes(3).toString('hex')}`;
      await this.directory.batch([
        {
          op: 'create',
          scope: GLOBAL_SCOPE,
          collection: COLLECTION,
          key: gen,
          value: { kid, secret, createdAt: now },
        },
      ]); // a lost race is fine: the winner's key is read below
    }
    const keys = (await this.directory.list(GLOBAL_SCOPE, COLLECTION)).map(({ key, value }) => ({
      key,
      token: {
        kid: String(value.kid),
        secret: Buffer.from(String(value.secret), 'base64'),
        createdAt: Number(value.createdAt),
      } satisfies TokenKey,
    }));
    const ring = new TokenKeyring(keys.map((k) => k.token));
    const keep = new Set(ring.retain(now).map((k) => k.kid));
    for (const { key, token } of keys) {
      if (!keep.has(token.kid) && now - token.createdAt > LONGEST_SESSION_MS) {
        await this.directory.batch([{ op: 'delete', scope: GLOBAL_SCOPE, collection: COLLECTION, key }]);
      }
    }
    this.cached = new TokenKeyring(ring.retain(now));
    this.loadedAt = now;
    return this.cached;
  }

  private generation(now: number): number {
    return Math.floor(now / this.rotateEveryMs);
  }

  private generationOf(key: TokenKey): number {
    return this.generation(key.createdAt);
  }
}
