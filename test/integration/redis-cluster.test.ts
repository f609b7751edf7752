import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_SCOPE, StoreUsageError, createStore, type Store } from '../../src/core/store/index.js';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster.js';
import { describeStoreContract } from '../unit/store/store-contract.js';

/** Three masters holding the 16384 slots between them: keys, scripts and batches cross nodes. */
let cluster: RedisClusterHandle | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
});

afterAll(async () => {
  await cluster?.stop();
});

const clusterStore = () =>
  createStore({
    kind: 'redis',
    nodes: cluster!.nodes,
    keyPrefix: `c3${randomBytes(6).toString('hex')}:`,
  });

describeStoreContract('redis cluster (three masters)', clusterStore, { oneScopeBatches: true });

describe('redis cluster across three masters', () => {
  let store: Store;
  let admin: Cluster;
  beforeAll(async () => {
    store = await clusterStore();
    admin = new Cluster(cluster!.nodes);
  });
  afterAll(async () => {
    await store?.close();
    admin?.disconnect();
  });

  /** The master that serves a key's slot, as "host:port". */
  const ownerOf = async (key: string) => {
    const slot = Number(await admin.call('CLUSTER', 'KEYSLOT', key));
    const ranges = (await admin.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    return range ? `${range[2][0]}:${range[2][1]}` : 'none';
  };

  /** Account scopes whose hash tags land on every master. */
  async function scopesOnEveryMaster(): Promise<string[]> {
    const byOwner = new Map<string, string>();
    for (let i = 0; byOwner.size < cluster!.nodes.length && i < 1000; i++) {
      const scope = String(1000000000000000 + i);
      const owner = await ownerOf(`{${scope}}`);
      if (!byOwner.has(owner)) byOwner.set(owner, scope);
    }
    return [...byOwner.values()];
  }

  it('runs batches (EVALSHA routed by hash tag) on every master, global scope included', async () => {
    const scopes = [...(await scopesOnEveryMaster()), GLOBAL_SCOPE];
    expect(scopes.length).toBe(cluster!.nodes.length + 1);
    for (const scope of scopes) {
      const writes = ['a', 'b'].map((key) => ({
        op: 'create' as const,
        scope,
        collection: 'user',
        key,
        value: { scope, key },
      }));
      writes.push({
        op: 'create',
        scope,
        collection: 'policyVersion:p',
        key: 'v1',
        value: { scope, key: 'v1' },
      });
      expect(await store.directory.batch(writes)).toEqual({ ok: true });
      expect(await store.directory.batch([writes[0]!])).toEqual({ ok: false, index: 0, reason: 'exists' });
      expect(await store.directory.list(scope, 'user')).toEqual([
        { key: 'a', value: { scope, key: 'a' } },
        { key: 'b', value: { scope, key: 'b' } },
      ]);
      expect(await store.directory.count(scope, 'policyVersion:p')).toBe(1);
    }
  });

  it('reloads the batch script on a master that lost its script cache', async () => {
    const [scope] = await scopesOnEveryMaster();
    await Promise.all(admin.nodes('master').map((node) => node.call('SCRIPT', 'FLUSH')));
    const write = { op: 'put' as const, scope: scope!, collection: 'role', key: 'r', value: { n: 1 } };
    expect(await store.directory.batch([write])).toEqual({ ok: true });
    expect(await store.directory.get(scope!, 'role', 'r')).toEqual({ n: 1 });
    expect(await store.ephemeral.increment('after-flush', 10_000)).toBe(1);
  });

  it('spreads ephemeral keys over the masters and keeps each operation working', async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `nonce-${i}`);
    for (const key of keys) expect(await store.ephemeral.putIfAbsent(key, key, 10_000)).toBe(true);
    for (const key of keys) expect(await store.ephemeral.putIfAbsent(key, 'again', 10_000)).toBe(false);
    for (const key of keys) expect(await store.ephemeral.increment(`n:${key}`, 10_000)).toBe(1);
    for (const key of keys) expect(await store.ephemeral.take(key)).toBe(key);
    for (const key of keys) expect(await store.ephemeral.get(key)).toBeUndefined();
    const counts = await Promise.all(admin.nodes('master').map((node) => node.dbsize()));
    expect(counts.filter((count) => count > 0).length).toBe(cluster!.nodes.length);
  });

  it('refuses a batch across two scopes before it reaches Redis (no CROSSSLOT half-write)', async () => {
    const [first, second] = await scopesOnEveryMaster();
    await expect(
      store.directory.batch([
        { op: 'create', scope: first!, collection: 'group', key: 'g', value: {} },
        { op: 'create', scope: second!, collection: 'group', key: 'g', value: {} },
      ]),
    ).rejects.toBeInstanceOf(StoreUsageError);
    expect(await store.directory.get(first!, 'group', 'g')).toBeUndefined();
    expect(await store.directory.get(second!, 'group', 'g')).toBeUndefined();
  });
});
