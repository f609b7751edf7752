/**
 * Budgets on a real redis-server with maxmemory, and the maxmemory-policy check: every evicting
 * policy is refused at start unless eviction is explicitly allowed (then a warning is logged);
 * /readyz reports a Redis that refuses writes (OOM under noeviction).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/cli/start.js';
import { createStore } from '../../src/core/store/index.js';
import { EvictionPolicyError } from '../../src/core/store/redis-eviction.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';
import { describeBudgetContract } from '../unit/store/budget-contract.js';
import { WebSession, demoIdpResponse } from '../support/gateway-client.js';

let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction']);
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

describeBudgetContract('redis (maxmemory 64mb, noeviction)', (budgets) =>
  createStore({ kind: 'redis', url: server.url, keyPrefix: `b${randomBytes(4).toString('hex')}:`, budgets }),
);

const EVICTING = [
  'volatile-lru',
  'allkeys-lru',
  'volatile-lfu',
  'allkeys-lfu',
  'volatile-random',
  'allkeys-random',
  'volatile-ttl',
];

describe('maxmemory-policy at start', () => {
  afterAll(() => admin.config('SET', 'maxmemory-policy', 'noeviction'));

  it.each(EVICTING)('refuses %s with a message that says what to do', async (policy) => {
    await admin.config('SET', 'maxmemory-policy', policy);
    const started = startGateway({
      demo: true,
      store: { kind: 'redis', url: server.url, keyPrefix: 'evict:' },
      logger: pino({ level: 'silent' }),
    });
    const error = await started.then(
      async (g) => {
        await g.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EvictionPolicyError);
    expect(String((error as Error).message)).toContain(`maxmemory-policy ${policy}`);
    expect(String((error as Error).message)).toContain('noeviction');
    expect(String((error as Error).message)).toContain('--redis-allow-eviction');
  });

  it('starts on an evicting policy when explicitly allowed, with a warning', async () => {
    await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const gateway = await startGateway({
      demo: true,
      store: { kind: 'redis', url: server.url, keyPrefix: 'evict-ok:' },
      redisAllowEviction: true,
      logger,
    });
    await gateway.close();
    expect(warnings.join('\n')).toMatch(/maxmemory-policy volatile-lru.*eviction allowed/);
    // 64mb is less than twice the default budgets' worst case: said at start too.
    expect(warnings.join('\n')).toMatch(/budgets of client-creatable state may fill/);
  });

  it('starts on noeviction', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const gateway = await startGateway({
      demo: true,
      store: { kind: 'redis', url: server.url, keyPrefix: 'evict-no:' },
      logger: pino({ level: 'silent' }),
    });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    await gateway.close();
  });
});

describe('/readyz when Redis refuses writes', () => {
  it('is not ready while Redis is out of memory, ready again after', async () => {
    const gateway = await startGateway({
      demo: true,
      store: { kind: 'redis', url: server.url, keyPrefix: 'oom:' },
      logger: pino({ level: 'silent' }),
    });
    try {
      await admin.config('SET', 'maxmemory', '1');
      const res = await fetch(`${gateway.url}/readyz`);
      const body = (await res.json()) as { reason?: string; error?: string };
      expect(res.status).toBe(503);
      expect(body.reason).toBe('store-refuses-writes');
      expect(body.error).toMatch(/OOM/);
    } finally {
      await admin.config('SET', 'maxmemory', '64mb');
    }
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    await gateway.close();
  });
});

describe('a gateway restarted on the same Redis', () => {
  it('still refuses an assertion used before the restart', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'ramgate-redis-restart-'));
    const port = await freePort();
    const start = () =>
      startGateway({
        demo: true,
        demoKeyDir: keyDir,
        port,
        store: { kind: 'redis', url: server.url, keyPrefix: 'restart:' },
        logger: pino({ level: 'silent' }),
      });
    try {
      const first = await start();
      const { acsUrl, samlResponse } = await demoIdpResponse(first.url, 'bob', 'role');
      expect((await new WebSession().request(acsUrl, { SAMLResponse: samlResponse })).status).toBe(303);
      await first.close();
      const second = await start();
      const again = await new WebSession().request(acsUrl, { SAMLResponse: samlResponse });
      const fresh = await demoIdpResponse(second.url, 'bob', 'role');
      const freshAnswer = await new WebSession().request(fresh.acsUrl, { SAMLResponse: fresh.samlResponse });
      await second.close();
      expect(again.status).toBe(401);
      expect(again.html).toContain('<code>replay</code>');
      expect(freshAnswer.status).toBe(303);
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
