/**
 * The gateway side of the CLI login: what /cli/login accepts as a loopback callback, the code's
 * rules at /cli/token (single use, bound to the verifier, Alibaba error bodies), and a login that
 * starts on one instance and is redeemed on another through a shared Redis store.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/cli/demo.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { createLogger } from '../../src/http/logger.js';
import { s256 } from '../../src/sso/cli-login.js';
import { freePort } from '../support/redis.js';
import { demoIdpLogin } from './cli-harness.js';

const BOB = { username: 'bob', password: 'bob' };
const logger = createLogger({ level: 'silent' });
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger });
});
afterAll(() => gateway?.close());

function binding(overrides: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(24).toString('base64url');
  const params = {
    provider: `${DEMO_ACCOUNT}:demo-idp`,
    cli_redirect: 'http://127.0.0.1:43210/callback',
    cli_state: state,
    cli_challenge: s256(verifier),
    ...overrides,
  };
  return { verifier, state, url: (base: string) => `${base}/cli/login?${new URLSearchParams(params)}` };
}

async function redeem(base: string, form: Record<string, string>) {
  const res = await fetch(`${base}/cli/token`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Runs the browser leg; returns the code and state the gateway sent to the loopback callback. */
async function loginCode(base: string, b: ReturnType<typeof binding>) {
  const callback = new URL(await demoIdpLogin(b.url(base), BOB));
  expect(`${callback.origin}${callback.pathname}`).toBe('http://127.0.0.1:43210/callback');
  return { code: callback.searchParams.get('code') ?? '', state: callback.searchParams.get('state') };
}

describe('GET /cli/login', () => {
  it.each([
    ['a remote host', 'http://evil.example:8080/callback'],
    ['https', 'https://127.0.0.1:8080/callback'],
    ['localhost (a DNS name)', 'http://localhost:8080/callback'],
    ['no port', 'http://127.0.0.1/callback'],
    ['credentials', 'http://u:p@127.0.0.1:8080/callback'],
    ['a query', 'http://127.0.0.1:8080/callback?x=1'],
    ['a fragment', 'http://127.0.0.1:8080/callback#x'],
    ['a loopback look-alike', 'http://127.0.0.1.evil.example:8080/callback'],
  ])('refuses a callback with %s', async (_what, redirect) => {
    const res = await fetch(binding({ cli_redirect: redirect }).url(gateway.url), { redirect: 'manual' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('InvalidParameter');
    expect(page).toContain('cli_redirect must be http://127.0.0.1:&lt;port&gt;');
  });

  it('refuses a callback that is not a URL', async () => {
    const res = await fetch(binding({ cli_redirect: 'not a url' }).url(gateway.url), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('cli_redirect is not a URL.');
  });

  it('accepts the IPv6 loopback and sends the browser to the IdP', async () => {
    const res = await fetch(binding({ cli_redirect: 'http://[::1]:8080/cb' }).url(gateway.url), {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('/demo-idp/sso?SAMLRequest=');
  });

  it.each([
    ['cli_state', { cli_state: 'short' }, 'cli_state is not 16 to 128 base64url characters'],
    ['cli_challenge', { cli_challenge: 'x'.repeat(42) }, 'cli_challenge is not a base64url SHA-256 digest'],
    ['cli_challenge_method', { cli_challenge_method: 'plain' }, 'cli_challenge_method must be S256'],
    ['provider', { provider: '' }, 'A CLI login signs in to a RAM role: name the SAML provider'],
  ])('names what is wrong with %s', async (_name, overrides, message) => {
    const res = await fetch(binding(overrides).url(gateway.url), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(message);
  });
});

describe('POST /cli/token', () => {
  it('gives the credentials once, to the holder of the verifier', async () => {
    const b = binding();
    const { code, state } = await loginCode(gateway.url, b);
    expect(state).toBe(b.state);
    const first = await redeem(gateway.url, { code, code_verifier: b.verifier });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      AccountId: DEMO_ACCOUNT,
      RoleName: 'ReadOnly',
      RoleArn: `acs:ram::${DEMO_ACCOUNT}:role/ReadOnly`,
      SAMLProviderArn: `acs:ram::${DEMO_ACCOUNT}:saml-provider/demo-idp`,
      RoleSessionName: 'bob@demo.onaliyun.com',
      Credentials: { AccessKeyId: expect.stringMatching(/^STS\./) },
    });
    const again = await redeem(gateway.url, { code, code_verifier: b.verifier });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({
      Code: 'AuthenticationFail.Session',
      Message: expect.stringContaining('expired (60 s) or was already used'),
      HostId: '127.0.0.1',
    });
  });

  it('spends the code on a wrong verifier, so an interceptor cannot try again', async () => {
    const b = binding();
    const { code } = await loginCode(gateway.url, b);
    const wrong = await redeem(gateway.url, { code, code_verifier: randomBytes(32).toString('base64url') });
    expect(wrong.status).toBe(401);
    expect(wrong.body.Message).toBe(
      'The code_verifier does not match the challenge this login was started with.',
    );
    const right = await redeem(gateway.url, { code, code_verifier: b.verifier });
    expect(right.body.Code).toBe('AuthenticationFail.Session');
  });

  it.each([
    [{}, 400, 'MissingParameter', 'code is required'],
    [{ code: 'bad code!', code_verifier: 'x'.repeat(43) }, 400, 'InvalidParameter', 'code is not'],
    [{ code: 'a'.repeat(32) }, 400, 'MissingParameter', 'code_verifier is required'],
    [{ code: 'a'.repeat(32), code_verifier: 'short' }, 400, 'InvalidParameter', 'code_verifier is not'],
    [{ code: 'a'.repeat(32), code_verifier: 'v'.repeat(43) }, 401, 'AuthenticationFail.Session', 'expired'],
  ])('answers %j with an Alibaba error body', async (form, status, code, message) => {
    const res = await redeem(gateway.url, form as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ Code: code, Message: expect.stringContaining(message) });
    expect(Object.keys(res.body).sort()).toEqual(['Code', 'HostId', 'Message', 'RequestId']);
  });

  it('refuses an oversized form', async () => {
    const res = await redeem(gateway.url, { code: 'a'.repeat(5000), code_verifier: 'v'.repeat(43) });
    expect(res.status).toBe(413);
    expect(res.body.Code).toBe('RequestTooLarge');
  });
});

describe('across gateway instances (Redis)', () => {
  let a: RunningGateway | undefined;
  let b: RunningGateway | undefined;
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('starts on one instance and is redeemed on another; the code stays single-use', async () => {
    const store = {
      kind: 'redis' as const,
      url: inject('redisUrl'),
      keyPrefix: `cli${randomBytes(4).toString('hex')}:`,
    };
    // Two instances behind one public URL (A's address stands for the load balancer).
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    a = await startGateway({ demo: true, logger, store, port, baseUrl });
    b = await startGateway({ logger, store, baseUrl });
    const direct = `http://127.0.0.1:${(b.server.address() as AddressInfo).port}`;
    const login = binding();
    // Started at B; the IdP and the ACS are A's, so A takes B's pending request and issues the code.
    const { code } = await loginCode(direct, login);
    const redeemed = await redeem(direct, { code, code_verifier: login.verifier });
    expect(redeemed.status).toBe(200);
    expect((await redeem(a.url, { code, code_verifier: login.verifier })).body.Code).toBe(
      'AuthenticationFail.Session',
    );
  });
});
