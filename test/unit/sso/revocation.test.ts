/** Role session revocation watermarks: the boundary second, the per-instance cache, two instances on one store. */
import { describe, expect, it } from 'vitest';
import { createStore } from '../../../src/core/store/index.js';
import { RoleRevocations, WATERMARK_TTL_MS, watermarkKey } from '../../../src/sso/revocation.js';

const ACCOUNT = '1234567890123456';

async function twoInstances(start: number) {
  const store = await createStore({ kind: 'memory' });
  let now = start;
  const clock = () => now;
  return {
    store,
    a: new RoleRevocations(store.ephemeral, clock),
    b: new RoleRevocations(store.ephemeral, clock),
    advance: (ms: number) => (now += ms),
  };
}

const session = (issuedAt: number) => ({ accountId: ACCOUNT, roleName: 'Admin', issuedAt });
const refusal = (p: Promise<void>) =>
  p.then(
    () => 'active',
    (e: { code?: string }) => e.code,
  );

describe('RoleRevocations', () => {
  it('refuses sessions issued up to and including the watermark second, not after it', async () => {
    const { a, advance } = await twoInstances(1_700_000_000_500);
    const watermark = await a.revoke(ACCOUNT, 'admin');
    expect(watermark).toBe(1_700_000_000);
    expect(await refusal(a.assertActive(session(watermark - 100)))).toBe('InvalidSecurityToken.Revoked');
    expect(await refusal(a.assertActive(session(watermark)))).toBe('InvalidSecurityToken.Revoked');
    expect(await refusal(a.assertActive(session(watermark + 1)))).toBe('active');
    expect(await refusal(a.assertActive({ ...session(watermark), roleName: 'ReadOnly' }))).toBe('active');
    advance(5000);
    expect(await refusal(a.assertActive(session(watermark)))).toBe('InvalidSecurityToken.Revoked');
  });

  it('is seen at once by the revoking instance and within the 1 s cache by another', async () => {
    const { a, b, advance } = await twoInstances(1_700_000_000_000);
    expect(await refusal(b.assertActive(session(1_699_999_000)))).toBe('active'); // caches "none"
    await a.revoke(ACCOUNT, 'Admin');
    expect(await refusal(a.assertActive(session(1_699_999_000)))).toBe('InvalidSecurityToken.Revoked');
    expect(await refusal(b.assertActive(session(1_699_999_000)))).toBe('active'); // stale, ≤ 1 s
    advance(1001);
    expect(await refusal(b.assertActive(session(1_699_999_000)))).toBe('InvalidSecurityToken.Revoked');
  });

  it('keeps the watermark as long as the longest session, under a lower-cased role key', async () => {
    const { store, a } = await twoInstances(Date.now());
    await a.revoke(ACCOUNT, 'MixedCase');
    expect(watermarkKey(ACCOUNT, 'MixedCase')).toBe(`revoke:${ACCOUNT}:mixedcase`);
    expect(await store.ephemeral.get(`revoke:${ACCOUNT}:mixedcase`)).toMatch(/^\d+$/);
    expect(WATERMARK_TTL_MS).toBe(43_200_000);
  });
});
