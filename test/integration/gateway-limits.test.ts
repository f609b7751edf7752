/** Per-address rate limits on the ACS and RPC endpoints, body limits, and graceful shutdown. */
import { request } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway({ demo: true, rateLimitPerMinute: 3, logger: pino({ level: 'silent' }) });
});
afterAll(() => gateway?.close());

const post = (path: string, body: string) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('limits', () => {
  it('throttles a client address after its per-minute budget, with the Alibaba error body', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('/saml-role/sso', 'SAMLResponse=eA==')).status);
    expect(statuses).toEqual([401, 401, 401, 400]);
    // The RPC API has its own buckets (sts, api): three calls, then throttled.
    for (let i = 0; i < 3; i++) await post('/', 'Action=GetCallerIdentity&Version=2015-04-01');
    const throttled = await post('/', 'Action=GetCallerIdentity&Version=2015-04-01');
    expect(throttled.status).toBe(400);
    const body = (await throttled.json()) as Record<string, string>;
    expect(body.Code).toBe('Throttling.User');
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    // Pages and health are not throttled.
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('counts requests refused before their action is known (unknown or malformed) in the API bucket', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await post('/', 'Action=NoSuchAction&Version=2015-05-01');
      codes.push(((await answer.json()) as Record<string, string>).Code ?? '');
    }
    expect(codes).toEqual([
      'InvalidAction.NotFound',
      'InvalidAction.NotFound',
      'InvalidAction.NotFound',
      'Throttling.User',
    ]);
    // The same bucket: a real management call from this address is throttled now too.
    const listed = await post('/', 'Action=ListUsers&Version=2015-05-01');
    expect(((await listed.json()) as Record<string, string>).Code).toBe('Throttling.User');
  });

  it('refuses an oversized form before reading it', async () => {
    const huge = `SAMLResponse=${'A'.repeat(400 * 1024)}`;
    const res = await fetch(`${gateway.url}/1234567890123456/saml/SSO`, {
      method: 'POST',
      body: huge,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([413, 400]).toContain(res.status);
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, then stops listening', async () => {
    const second = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
    const { port } = new URL(second.url);
    const body = 'SAMLResponse=eA%3D%3D';
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/saml-role/sso',
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 5)); // the request is accepted and in flight …
      setTimeout(() => {
        closing = second.close(); // … when the gateway is told to stop …
        setTimeout(() => req.end(body.slice(5)), 200); // … and it still gets its answer.
      }, 200);
    });
    let closing: Promise<void> | undefined;
    expect(await answer).toBe(401);
    await closing;
    await expect(fetch(`${second.url}/healthz`)).rejects.toThrow();
  });
});
