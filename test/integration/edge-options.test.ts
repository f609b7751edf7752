/**
 * The edge options of an in-process gateway: who may read /metrics (the loopback-only default, the
 * bearer token), https-only sign-in routes with an https base URL, and the option checks at start
 * (pairs that go together, CIDR syntax, token length, the config file's `gateway` keys).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeSettings } from '../../src/cli/edge-settings.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { loadConfigFile } from '../../src/core/config/index.js';

const TOKEN = 'a-long-enough-operator-token';
let dir: string;
let open: RunningGateway;
let guarded: RunningGateway;
const local = (g: RunningGateway) => `http://127.0.0.1:${(g.server.address() as { port: number }).port}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ramgate-edge-'));
  const common = { demo: true, demoKeyDir: dir, logger: pino({ level: 'silent' }) };
  // Trusting 127.0.0.1 as a proxy lets a test client stand for a remote one (X-Forwarded-For).
  open = await startGateway({
    ...common,
    baseUrl: 'https://signin.ramgate.test',
    edge: { trustProxy: ['127.0.0.1'] },
  });
  guarded = await startGateway({ ...common, edge: { operatorToken: TOKEN } });
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('/metrics access', () => {
  it('answers loopback clients by default and refuses remote ones, as derived through the trusted proxy', async () => {
    expect((await fetch(`${local(open)}/metrics`)).status).toBe(200);
    const remote = await fetch(`${local(open)}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ Code: 'NoPermission' });
    // /healthz stays open: load balancers probe it.
    expect(
      (await fetch(`${local(open)}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.7' } })).status,
    ).toBe(200);
  });

  it('requires the bearer token when one is set, even from loopback', async () => {
    const none = await fetch(`${local(guarded)}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await none.json()).toMatchObject({ Code: 'AuthenticationFail.OperatorToken' });
    const prefix = await fetch(`${local(guarded)}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(prefix.status).toBe(401);
    const right = await fetch(`${local(guarded)}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
  });
});

describe('an https base URL', () => {
  it('refuses sign-in posts over plain HTTP before reading them, and redirects session pages to https', async () => {
    const post = await fetch(`${local(open)}/saml-role/sso`, {
      method: 'POST',
      body: new URLSearchParams({ SAMLResponse: 'x' }),
      redirect: 'manual',
    });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('Forbidden.InsecureTransport');
    const login = await fetch(`${local(open)}/login?provider=1234567890123456:demo-idp`, {
      redirect: 'manual',
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(
      'https://signin.ramgate.test/login?provider=1234567890123456:demo-idp',
    );
    // Read-only pages stay reachable: an IdP admin may fetch the SP metadata from inside.
    expect((await fetch(`${local(open)}/saml-role/sp-metadata.xml`)).status).toBe(200);
  });

  it('serves the same routes when the trusted proxy says the client used https, with HSTS', async () => {
    const logout = await fetch(`${local(open)}/logout`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
      redirect: 'manual',
    });
    expect(logout.status).not.toBe(403);
    expect(logout.status).toBeLessThan(500);
    expect(logout.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const plain = await fetch(`${local(open)}/healthz`);
    expect(plain.headers.get('strict-transport-security')).toBe(null);
  });
});

describe('edgeSettings', () => {
  it('refuses options that do not fit together, naming them', () => {
    expect(() => edgeSettings({ tlsCert: 'c.pem' })).toThrow(/--tls-cert and --tls-key/);
    expect(() => edgeSettings({ httpPort: 8081 })).toThrow(/--http-port .* needs --tls-cert/);
    expect(() => edgeSettings({ trustProxy: ['10.0.0.0/40'] })).toThrow(/--trust-proxy: "10.0.0.0\/40"/);
    expect(() => edgeSettings({ operatorToken: 'short' })).toThrow(/at least 16 characters/);
    expect(() => edgeSettings({ hstsMaxAge: -1 })).toThrow(/--hsts-max-age/);
    expect(() => edgeSettings({ tlsWatchIntervalMs: Number.NaN })).toThrow(/--tls-watch-seconds/);
    expect(edgeSettings({ hstsMaxAge: 0 }).frontDoor.hsts).toBeUndefined();
  });

  it('reads the config file’s gateway section, paths relative to the file; options override it', async () => {
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    writeFileSync(
      join(dir, 'edge.yaml'),
      [
        'gateway:',
        '  tls: { certFile: tls/cert.pem, keyFile: tls/key.pem, httpRedirectPort: 8081 }',
        "  trustProxy: ['10.0.0.0/8']",
        '  hstsMaxAge: 600',
        '  operator: { listen: 127.0.0.1:9090, tokenFile: token }',
        "accounts: [{ id: '1', alias: one }]",
        '',
      ].join('\n'),
    );
    const loaded = await loadConfigFile(join(dir, 'edge.yaml'));
    const fromFile = edgeSettings({}, loaded);
    expect(fromFile.listeners).toMatchObject({
      tls: { certFile: join(dir, 'tls', 'cert.pem'), keyFile: join(dir, 'tls', 'key.pem') },
      httpRedirectPort: 8081,
      operatorListen: '127.0.0.1:9090',
    });
    expect(fromFile.frontDoor.hsts).toBe('max-age=600');
    expect(fromFile.frontDoor.trust?.trusts('10.1.2.3')).toBe(true);
    expect(fromFile.operator).toEqual({ token: TOKEN, separateListener: true });
    writeFileSync(
      join(dir, 'bad.yaml'),
      "gateway: { trustProxy: ['10.0.0.0/99'] }\naccounts: [{ id: '1' }]\n",
    );
    const bad = await loadConfigFile(join(dir, 'bad.yaml'));
    expect(() => edgeSettings({}, bad)).toThrow(/^gateway.trustProxy: "10.0.0.0\/99"/);
    const overridden = edgeSettings({ trustProxy: ['192.0.2.1'], hstsMaxAge: 0 }, loaded);
    expect(overridden.frontDoor.trust?.trusts('10.1.2.3')).toBe(false);
    expect(overridden.frontDoor.hsts).toBeUndefined();
  });
});
