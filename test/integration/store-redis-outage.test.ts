import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError, createStore, type Store } from '../../src/core/store/index.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';

/** Fails when `promise` has not settled within `ms`: a store must answer, not hang, while Redis is away. */
function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/** Polls ping() until Redis answers again; the store must recover without being reopened. */
async function untilReady(store: Store, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await store.ping();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** A redis-server on a chosen port (the last --port wins), to bring one back where it was. */
function redisOnPort(port: number): Promise<RedisServer> {
  return startRedis(['--port', String(port)]);
}

const write = (key: string) => [{ op: 'put' as const, scope: '7', collection: 'user', key, value: { key } }];

describe('redis store while Redis is unavailable', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it('fails every operation with StoreUnavailableError when Redis stops, and recovers when it is back', async () => {
    let server = await startRedis();
    cleanup.push(() => server.stop());
    const connectionErrors: Error[] = [];
    const store = await createStore({
      kind: 'redis',
      url: server.url,
      onConnectionError: (err) => connectionErrors.push(err),
    });
    cleanup.push(() => store.close());
    expect(await store.directory.batch(write('before'))).toEqual({ ok: true });

    await server.stop();
    const operations: Array<() => Promise<unknown>> = [
      () => store.ping(),
      () => store.directory.get('7', 'user', 'before'),
      () => store.directory.list('7', 'user'),
      () => store.directory.count('7', 'user'),
      () => store.directory.batch(write('during')),
      () => store.ephemeral.putIfAbsent('replay:1', 'v', 60_000),
      () => store.ephemeral.set('s', 'v', 60_000),
      () => store.ephemeral.get('s'),
      () => store.ephemeral.take('code'),
      () => store.ephemeral.delete('s'),
      () => store.ephemeral.increment('rate', 60_000),
    ];
    for (const operation of operations) {
      await expect(settleWithin(operation(), 5_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    }

    await expect.poll(() => connectionErrors.length).toBeGreaterThan(0); // reconnects are refused and reported

    server = await redisOnPort(server.port);
    await untilReady(store);
    expect(await store.directory.batch(write('after'))).toEqual({ ok: true });
    expect(await store.ephemeral.putIfAbsent('replay:1', 'v', 60_000)).toBe(true);
  });

  it('times out with StoreUnavailableError when Redis hangs, and continues when it resumes', async () => {
    const server = await startRedis();
    cleanup.push(() => server.stop());
    const store = await createStore({ kind: 'redis', url: server.url, commandTimeoutMs: 300 });
    cleanup.push(() => store.close());
    await store.ping();

    server.process.kill('SIGSTOP');
    cleanup.push(async () => void server.process.kill('SIGCONT'));
    await expect(settleWithin(store.ephemeral.get('k'), 5_000)).rejects.toThrow(StoreUnavailableError);
    await expect(settleWithin(store.directory.batch(write('hung')), 5_000)).rejects.toThrow(/unavailable/);

    server.process.kill('SIGCONT');
    await untilReady(store);
    expect(await store.ephemeral.increment('n', 60_000)).toBe(1);
  });

  it('opens while Redis is down, reports not ready, and works once Redis starts', async () => {
    const port = await freePort();
    const store = await createStore({
      kind: 'redis',
      url: `redis://127.0.0.1:${port}`,
      connectTimeoutMs: 200,
    });
    cleanup.push(() => store.close());
    await expect(settleWithin(store.ping(), 5_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(settleWithin(store.directory.get('7', 'user', 'x'), 5_000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );

    const server = await redisOnPort(port);
    cleanup.push(() => server.stop());
    await untilReady(store);
    expect(await store.directory.batch(write('first'))).toEqual({ ok: true });
  });
});
