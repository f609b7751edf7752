import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLOBAL_SCOPE, createStore } from '../../src/core/store/index.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { describeStoreContract } from '../unit/store/store-contract.js';
import { describeBudgetContract } from '../unit/store/budget-contract.js';

/**
 * A one-node Redis Cluster holding all 16384 slots: enough to drive the `nodes` code path and to
 * have Redis itself refuse (CROSSSLOT) any batch whose keys do not share one hash tag. The
 * multi-node Cluster smoke test is separate.
 */
let node: RedisServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ramgate-cluster-'));
  node = await startRedis([
    ...['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'],
    ...['--cluster-config-file', join(dataDir, 'nodes.conf')],
  ]);
  const admin = new Redis(node.url);
  try {
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let i = 0; !String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
      if (i === 200) throw new Error('the one-node cluster did not reach cluster_state:ok');
      await sleep(50);
    }
  } finally {
    admin.disconnect();
  }
});

afterAll(async () => {
  await node?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const clusterStore = () =>
  createStore({
    kind: 'redis',
    nodes: [{ host: '127.0.0.1', port: node.port }],
    keyPrefix: `c${randomBytes(6).toString('hex')}:`,
  });

describeStoreContract('redis cluster (one node)', clusterStore, { oneScopeBatches: true });

describeBudgetContract('redis cluster (one node)', (budgets) =>
  createStore({
    kind: 'redis',
    nodes: [{ host: '127.0.0.1', port: node.port }],
    keyPrefix: `cb${randomBytes(6).toString('hex')}:`,
    budgets,
  }),
);

describe('redis cluster hash tags', () => {
  it('puts every key of an account in the slot of its scope', async () => {
    const store = await clusterStore();
    const admin = new Redis(node.url);
    try {
      await store.directory.batch([
        { op: 'create', scope: '123', collection: 'user', key: 'a', value: {} },
        { op: 'create', scope: '123', collection: 'policyVersion:p', key: 'v1', value: {} },
      ]);
      await store.directory.batch([
        { op: 'put', scope: GLOBAL_SCOPE, collection: 'accessKey', key: 'k', value: {} },
      ]);
      const keys = await admin.keys('*:dir:*');
      const slotOf = async (key: string) => Number(await admin.call('CLUSTER', 'KEYSLOT', key));
      const accountKeys = keys.filter((key) => key.includes('{123}'));
      expect(accountKeys.length).toBeGreaterThanOrEqual(2);
      for (const key of accountKeys) expect(await slotOf(key)).toBe(await slotOf('123'));
      for (const key of keys.filter((k) => k.includes(`{${GLOBAL_SCOPE}}`))) {
        expect(await slotOf(key)).toBe(await slotOf(GLOBAL_SCOPE));
      }
    } finally {
      admin.disconnect();
      await store.close();
    }
  });
});
