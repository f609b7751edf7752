/**
 * Revoking a role's active sessions: a per-role watermark (epoch seconds) in the ephemeral store.
 * Any role session whose token was issued at or before the watermark is refused, on every
 * instance, when it signs an API request or uses its console session.
 *
 * Each instance caches a watermark (or its absence) for `cacheMs` (1 s by default), so a signed
 * request costs at most one store GET per role and second. The instance that revokes forgets its
 * cached value at once; the others refuse revoked sessions at most `cacheMs` later.
 *
 * The watermark has second precision (like the token's `iat`): a session minted in the same second
 * as the revocation, after it, is refused too — the user signs in again a second later.
 */
import { ApiError } from '../core/errors.js';
import type { EphemeralStore } from '../core/store/types.js';
import { decodeSecurityToken } from '../core/sts/credentials.js';
import type { Gateway } from './gateway.js';
import type { ConsoleSession } from './sessions.js';

/** Longest role session (MaxSessionDuration 43200 s): after that no revoked session is alive. */
export const WATERMARK_TTL_MS = 43_200 * 1000;
const CACHE_LIMIT = 10_000;

export function watermarkKey(accountId: string, roleName: string): string {
  return `revoke:${accountId}:${roleName.toLowerCase()}`;
}

export class RoleRevocations {
  private readonly cache = new Map<string, { value: number | undefined; until: number }>();

  constructor(
    private readonly store: EphemeralStore,
    private readonly now: () => number,
    private readonly cacheMs = 1000,
  ) {}

  /** Revoke every session of the role issued up to now; returns the watermark (epoch seconds). */
  async revoke(accountId: string, roleName: string): Promise<number> {
    const key = watermarkKey(accountId, roleName);
    const watermark = Math.floor(this.now() / 1000);
    await this.store.set(key, String(watermark), WATERMARK_TTL_MS);
    this.cache.delete(key);
    return watermark;
  }

  /** The role's watermark, from this instance's short cache or one store GET. */
  async watermark(accountId: string, roleName: string): Promise<number | undefined> {
    const key = watermarkKey(accountId, roleName);
    const now = this.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.value;
    const raw = await this.store.get(key);
    const value = raw === undefined || !/^[0-9]{1,12}$/.test(raw) ? undefined : Number(raw);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { value, until: now + this.cacheMs });
    return value;
  }

  /** Throws InvalidSecurityToken.Revoked when the role session issued at `issuedAt` (epoch s) is revoked. */
  async assertActive(session: { accountId: string; roleName: string; issuedAt: number }): Promise<void> {
    const watermark = await this.watermark(session.accountId, session.roleName);
    if (watermark !== undefined && session.issuedAt <= watermark) {
      throw new ApiError(
        'InvalidSecurityToken.Revoked',
        `The sessions of role ${session.roleName} issued up to ${new Date(watermark * 1000).toISOString()} were revoked.`,
      );
    }
  }
}

/** A console session of a role is refused like its credentials once the role's sessions are revoked. */
export async function assertConsoleSessionActive(gw: Gateway, session: ConsoleSession): Promise<void> {
  if (session.kind !== 'role' || !session.roleName) return;
  const { AccessKeyId, SecurityToken } = session.credentials;
  const claims = decodeSecurityToken(await gw.sts.keyring(), SecurityToken, AccessKeyId, gw.now());
  await gw.revocations.assertActive({
    accountId: session.accountId,
    roleName: session.roleName,
    issuedAt: claims.iat,
  });
}
