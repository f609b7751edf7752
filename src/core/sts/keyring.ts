import { randomBytes } from 'node:crypto';

/** A symmetric key that encrypts SecurityTokens. `kid` travels in the token header. */
export interface TokenKey {
  kid: string;
  secret: Buffer;
  /** Epoch ms when the key became current. */
  createdAt: number;
}

export const TOKEN_KEY_BYTES = 32;
/** The longest session a role can grant (MaxSessionDuration 43200 s). */
export const LONGEST_SESSION_MS = 43_200_000;

export function newTokenKey(now: number): TokenKey {
  return {
    kid: `k${now.toString(36)}${randomBytes(4).toString('hex')}`,
    secret: randomBytes(TOKEN_KEY_BYTES),
    createdAt: now,
  };
}

/**
 * The keys that may decrypt tokens, newest first. Tokens are encrypted with the newest key; an
 * older key keeps decrypting until every token it can have encrypted has expired, i.e. until
 * LONGEST_SESSION_MS after the key that replaced it became current.
 */
export class TokenKeyring {
  private readonly byKid: Map<string, TokenKey>;
  readonly keys: readonly TokenKey[];

  constructor(keys: readonly TokenKey[]) {
    if (keys.length === 0) throw new Error('a token keyring needs at least one key');
    for (const key of keys) {
      if (key.secret.length !== TOKEN_KEY_BYTES)
        throw new Error(`token key ${key.kid} must be ${TOKEN_KEY_BYTES} bytes`);
    }
    this.keys = [...keys].sort((a, b) => b.createdAt - a.createdAt);
    this.byKid = new Map(this.keys.map((k) => [k.kid, k]));
  }

  get current(): TokenKey {
    return this.keys[0] as TokenKey;
  }

  find(kid: string): TokenKey | undefined {
    return this.byKid.get(kid);
  }

  /** Keys still needed at `now`: the current one and those replaced less than a session ago. */
  retain(now: number): TokenKey[] {
    return this.keys.filter((key, i) => {
      if (i === 0) return true;
      const replacedAt = (this.keys[i - 1] as TokenKey).createdAt;
      return now - replacedAt < LONGEST_SESSION_MS;
    });
  }
}

/** Parse keys given as `kid:base64secret[:createdAtMs],…` (RAMGATE_STS_KEYS / config). */
export function parseTokenKeys(spec: string): TokenKey[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [kid, b64, created] = entry.split(':');
      const secret = Buffer.from(b64 ?? '', 'base64');
      if (!kid || secret.length !== TOKEN_KEY_BYTES) {
        throw new Error(
          `STS key #${i + 1} must be "<kid>:<base64 of ${TOKEN_KEY_BYTES} bytes>[:<createdAtMs>]"`,
        );
      }
      return { kid, secret, createdAt: created ? Number(created) : i === 0 ? Date.now() : 0 };
    });
}
