/** Nonces in Redis: a signed request replayed to another gateway instance is refused; Redis down → 503. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { RedisStore } from '../../src/core/store/redis.js';
import { LONG_TERM, startRpcApp, type RunningApp } from './rpc-test-app.js';
import { queryString, sdkSignedV1Params, send } from './rpc-http-client.js';

let stores: RedisStore[];
let apps: RunningApp[];
beforeAll(async () => {
  const keyPrefix = `rpc${randomBytes(4).toString('hex')}:`;
  stores = await Promise.all([1, 2].map(() => RedisStore.open({ url: inject('redisUrl'), keyPrefix })));
  apps = await Promise.all(stores.map((store) => startRpcApp({ nonces: store.ephemeral })));
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await Promise.all(stores.map((store) => store.close()));
});

const signedV1Body = () =>
  queryString(sdkSignedV1Params({ Action: 'GetCallerIdentity', Version: '2015-04-01' }, LONG_TERM));

const form = { 'content-type': 'application/x-www-form-urlencoded' };

it('the same signed request is accepted once across two instances sharing Redis', async () => {
  const [a, b] = apps as [RunningApp, RunningApp];
  const body = signedV1Body();
  expect((await send(a.port, { headers: form, body })).status).toBe(200);
  const replayed = await send(b.port, { headers: form, body });
  expect([replayed.status, replayed.body.Code]).toEqual([400, 'SignatureNonceUsed']);
});

it('concurrent copies of one request to both instances: exactly one wins', async () => {
  const body = signedV1Body();
  const results = await Promise.all(
    apps.flatMap((app) => [1, 2].map(() => send(app.port, { headers: form, body }))),
  );
  expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  expect(results.filter((r) => r.body.Code === 'SignatureNonceUsed')).toHaveLength(3);
});

it('a nonce store that cannot answer fails closed with ServiceUnavailable 503', async () => {
  const down = await RedisStore.open({ url: inject('redisUrl'), keyPrefix: 'rpcdown:' });
  await down.close();
  const app = await startRpcApp({ nonces: down.ephemeral });
  try {
    const response = await send(app.port, { headers: form, body: signedV1Body() });
    expect([response.status, response.body.Code]).toEqual([503, 'ServiceUnavailable']);
  } finally {
    await app.close();
  }
});
