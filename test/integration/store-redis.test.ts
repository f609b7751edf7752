import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { GLOBAL_SCOPE, createStore, type Store } from '../../src/core/store/index.js';
import { describeStoreContract } from '../unit/store/store-contract.js';

const url = inject('redisUrl');
const prefixes = new WeakMap<Store, string>();

/** Every store gets its own key prefix, so tests sharing the one redis-server never see each other. */
async function isolatedStore(prefix = `t${randomBytes(6).toString('hex')}:`): Promise<Store> {
  const store = await createStore({ kind: 'redis', url, keyPrefix: prefix });
  prefixes.set(store, prefix);
  return store;
}

describeStoreContract('redis', () => isolatedStore(), {
  reopen: async (store) => {
    await store.close();
    return isolatedStore(prefixes.get(store));
  },
});

describe('redis store layout', () => {
  it('keeps directory collections in hashes tagged with their scope', async () => {
    const prefix = `layout${randomBytes(4).toString('hex')}:`;
    const store = await isolatedStore(prefix);
    const raw = new Redis(url);
    try {
      await store.directory.batch([
        { op: 'create', scope: '42', collection: 'user', key: 'alice', value: { n: 1 } },
        { op: 'create', scope: '42', collection: 'role', key: 'admin', value: { n: 2 } },
        { op: 'put', scope: GLOBAL_SCOPE, collection: 'alias', key: 'acme', value: { account: '42' } },
      ]);
      await store.ephemeral.set('replay:x', 'v', 60_000);
      expect((await raw.keys(`${prefix}*`)).sort()).toEqual([
        `${prefix}eph:replay:x`,
        `${prefix}{42}:dir:role`,
        `${prefix}{42}:dir:user`,
        `${prefix}{_global}:dir:alias`,
      ]);
      expect(await raw.hget(`${prefix}{42}:dir:user`, 'alice')).toBe('{"n":1}');
      const ttl = await raw.pttl(`${prefix}eph:replay:x`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      raw.disconnect();
      await store.close();
    }
  });

  it('refuses a key prefix with braces, which would break the hash tags', async () => {
    await expect(createStore({ kind: 'redis', url, keyPrefix: 'a{b}:' })).rejects.toThrow(/braces/);
  });
});
