/**
 * Revoking a role's or a RAM user's active sessions: a per-principal watermark (epoch seconds) in
 * the ephemeral store. Any session whose token was issued at or before the watermark is refused, on
 * every instance, when it signs an API request or uses its console session. Sessions are also bound
 * to the identity they were minted for: once the role or user is deleted, or re-created under the
 * same name (a new id), its old sessions are refused (assertCredentialsActive).
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
import { decodeSecurityToken, type SessionClaims } from '../core/sts/credentials.js';
import type { Gateway } from './gateway.js';
import type { ConsoleSession } from './sessions.js';

/** Longest role session (MaxSessionDuration 43200 s): after that no revoked session is alive. */
export const WATERMARK_TTL_MS = 43_200 * 1000;
const CACHE_LIMIT = 10_000;

export type SessionOwner = 'role' | 'user';

/** Role names cannot contain ':', so a user's key never equals a role's. */
export function watermarkKey(accountId: string, name: string, owner: SessionOwner = 'role'): string {
  const principal = owner === 'role' ? name.toLowerCase() : `user:${name.toLowerCase()}`;
  return `revoke:${accountId}:${principal}`;
}

export class RoleRevocations {
  private readonly cache = new Map<string, { value: number | undefined; until: number }>();

  constructor(
    private readonly store: EphemeralStore,
    private readonly now: () => number,
    private readonly cacheMs = 1000,
  ) {}

  /** Revoke every session of the role (or user) issued up to now; returns the watermark (epoch seconds). */
  async revoke(accountId: string, name: string, owner: SessionOwner = 'role'): Promise<number> {
    const key = watermarkKey(accountId, name, owner);
    const watermark = Math.floor(this.now() / 1000);
    await this.store.set(key, String(watermark), WATERMARK_TTL_MS);
    this.cache.delete(key);
    return watermark;
  }

  /** The role's (or user's) watermark, from this instance's short cache or one store GET. */
  async watermark(
    accountId: string,
    name: string,
    owner: SessionOwner = 'role',
  ): Promise<number | undefined> {
    const key = watermarkKey(accountId, name, owner);
    const now = this.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.value;
    const raw = await this.store.get(key);
    const value = raw === undefined || !/^[0-9]{1,12}$/.test(raw) ? undefined : Number(raw);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { value, until: now + this.cacheMs });
    return value;
  }

  /** Throws InvalidSecurityToken.Revoked when the session issued at `issuedAt` (epoch s) is revoked. */
  async assertActive(session: {
    accountId: string;
    roleName: string;
    issuedAt: number;
    owner?: SessionOwner;
  }): Promise<void> {
    const owner = session.owner ?? 'role';
    const watermark = await this.watermark(session.accountId, session.roleName, owner);
    if (watermark !== undefined && session.issuedAt <= watermark) {
      throw new ApiError(
        'InvalidSecurityToken.Revoked',
        `The sessions of ${owner} ${session.roleName} issued up to ${new Date(watermark * 1000).toISOString()} were revoked.`,
      );
    }
  }
}

const gone = (what: string) =>
  new ApiError(
    'InvalidSecurityToken.Expired',
    `The SecurityToken was issued for ${what}, which no longer exists (deleted, or re-created under the same name): sign in again.`,
  );

/**
 * The credentials' principal still exists as the identity they were minted for (same id), and
 * their sessions are not revoked. Every signed request with temporary credentials and every
 * console page of a session passes here. Another instance sees a deletion within its directory
 * cache's lifetime (5 s) and a revocation within `cacheMs` (1 s).
 */
export async function assertCredentialsActive(gw: Gateway, claims: SessionClaims): Promise<void> {
  if (claims.kind === 'AssumedRoleUser') {
    const roleName = claims.role ?? '';
    const role = await gw.stsDirectory.findRole(claims.acct, roleName);
    if (!role || role.roleId !== claims.roleId) throw gone(`the role ${roleName}`);
    await gw.revocations.assertActive({ accountId: claims.acct, roleName, issuedAt: claims.iat });
    return;
  }
  const userName = claims.user ?? '';
  const user = await gw.stsDirectory.findUser(claims.acct, userName);
  if (!user || user.userId !== claims.userId) throw gone(`the RAM user ${userName}`);
  await gw.revocations.assertActive({
    accountId: claims.acct,
    roleName: userName,
    issuedAt: claims.iat,
    owner: 'user',
  });
}

/** A console session (role or user) is refused exactly when its credentials would be. */
export async function assertConsoleSessionActive(gw: Gateway, session: ConsoleSession): Promise<void> {
  const { AccessKeyId, SecurityToken } = session.credentials;
  const claims = decodeSecurityToken(await gw.sts.keyring(), SecurityToken, AccessKeyId, gw.now());
  await assertCredentialsActive(gw, claims);
}
