/**
 * The gateway end to end on the embedded store with the built-in demo IdP: role-based and
 * user-based SSO, the role picker, SP-initiated login, sign-out, and what failures look like.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { WebSession, demoIdpResponse, inputValue, textOfId } from '../support/gateway-client.js';

const ACCOUNT = '1234567890123456';
let gateway: RunningGateway;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ramgate-demo-test-'));
  gateway = await startGateway({
    demo: true,
    auditLog: join(dir, 'audit.jsonl'),
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(user: 'alice' | 'bob', sp: 'role' | 'user') {
  const browser = new WebSession();
  const { acsUrl, samlResponse } = await demoIdpResponse(gateway.url, user, sp);
  const answer = await browser.request(acsUrl, { SAMLResponse: samlResponse });
  return { browser, answer, samlResponse, acsUrl };
}

describe('role-based SSO (IdP-initiated)', () => {
  it('signs a one-role user straight into the console with a secure session cookie', async () => {
    const { browser, answer } = await signIn('bob', 'role');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console');
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('ramgate_session='));
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    const console = await browser.request(`${gateway.url}/console`);
    expect(console.status).toBe(200);
    expect(textOfId(console.html, 'role-name')).toBe('ReadOnly');
    expect(textOfId(console.html, 'session-name')).toBe('bob@demo.onaliyun.com');
    expect(textOfId(console.html, 'arn')).toBe(
      `acs:ram::${ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`,
    );
    expect(textOfId(console.html, 'access-key-id')).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
    expect(console.html).toContain('export ALIBABA_CLOUD_SECURITY_TOKEN=');
    expect(console.headers.get('cache-control')).toBe('no-store');
    expect(console.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(console.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });

  it('refuses the same response a second time (replay) with the check named', async () => {
    const { samlResponse, acsUrl } = await signIn('bob', 'role');
    const again = await new WebSession().request(acsUrl, { SAMLResponse: samlResponse });
    expect(again.status).toBe(401);
    expect(again.html).toContain('<code>replay</code>');
    expect(again.html).toContain('AuthenticationFail.SAMLAssertion.Invalid');
    expect(again.html).toMatch(/Request id<\/dt>\s*<dd><code>[0-9A-F-]{36}<\/code>/);
    expect(again.html).not.toMatch(/at \w+ \(/); // no stack trace
  });

  it('refuses a tampered response at the digest check', async () => {
    const { samlResponse, acsUrl } = await demoIdpResponse(gateway.url, 'bob', 'role');
    const xml = Buffer.from(samlResponse, 'base64')
      .toString('utf8')
      .replace('bob@demo.onaliyun.com</saml:NameID>', 'alice@demo.onaliyun.com</saml:NameID>');
    const answer = await new WebSession().request(acsUrl, {
      SAMLResponse: Buffer.from(xml).toString('base64'),
    });
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('<code>signature-digest</code>');
  });

  it('answers garbage with a clear error page, not a crash', async () => {
    const answer = await new WebSession().request(`${gateway.url}/saml-role/sso`, {
      SAMLResponse: 'not base64 at all!',
    });
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('<code>base64</code>');
    const empty = await new WebSession().request(`${gateway.url}/saml-role/sso`, { RelayState: '/x' });
    expect(empty.status).toBe(401);
    expect(empty.html).toContain('no SAMLResponse');
  });
});

describe('role picker', () => {
  it('offers both roles of a two-role user and signs in to the chosen one, once', async () => {
    const { browser, answer } = await signIn('alice', 'role');
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('Choose a role');
    expect(answer.html).toContain(`acs:ram::${ACCOUNT}:role/Admin`);
    expect(answer.html).toContain(`acs:ram::${ACCOUNT}:role/ReadOnly`);
    const form = {
      pending: inputValue(answer.html, 'pending') ?? '',
      csrf: inputValue(answer.html, 'csrf') ?? '',
      role: '0',
    };
    const chosen = await browser.request(`${gateway.url}/saml-role/choose`, form);
    expect(chosen.status).toBe(303);
    const console = await browser.request(`${gateway.url}/console`);
    expect(textOfId(console.html, 'role-name')).toBe('Admin');
    const reused = await browser.request(`${gateway.url}/saml-role/choose`, form);
    expect(reused.status).toBe(401);
    expect(reused.html).toContain('<code>pending-choice</code>');
  });

  it('refuses a choice whose CSRF token does not match the picker cookie', async () => {
    const { answer } = await signIn('alice', 'role');
    const stranger = new WebSession(); // has no picker cookie
    const forged = await stranger.request(`${gateway.url}/saml-role/choose`, {
      pending: inputValue(answer.html, 'pending') ?? '',
      csrf: inputValue(answer.html, 'csrf') ?? '',
      role: '0',
    });
    expect(forged.status).toBe(403);
    expect(forged.html).toContain('Forbidden.CSRF');
  });
});

describe('user-based SSO', () => {
  it('maps the NameID to the RAM user and shows a user session', async () => {
    const { browser, answer } = await signIn('alice', 'user');
    expect(answer.status).toBe(303);
    const console = await browser.request(`${gateway.url}/console`);
    expect(textOfId(console.html, 'user-name')).toBe('alice');
    expect(textOfId(console.html, 'arn')).toBe(`acs:ram::${ACCOUNT}:user/alice`);
  });

  it('refuses a role-SSO response posted to the user ACS (audience and recipient differ)', async () => {
    const { samlResponse } = await demoIdpResponse(gateway.url, 'bob', 'role');
    const answer = await new WebSession().request(`${gateway.url}/${ACCOUNT}/saml/SSO`, {
      SAMLResponse: samlResponse,
    });
    expect(answer.status).toBe(401);
    expect(answer.html).toMatch(/<code>(destination|recipient|audience)<\/code>/);
  });

  it('refuses an account that has no user-based SSO', async () => {
    const { samlResponse } = await demoIdpResponse(gateway.url, 'bob', 'user');
    const answer = await new WebSession().request(`${gateway.url}/999/saml/SSO`, {
      SAMLResponse: samlResponse,
    });
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('AuthenticationFail.SSO.Disabled');
  });

  it('publishes per-account SP metadata', async () => {
    const res = await fetch(`${gateway.url}/${ACCOUNT}/saml/SpMetadata.xml`);
    expect(await res.text()).toContain(`entityID="${gateway.url}/${ACCOUNT}/saml/SSO"`);
    const role = await fetch(`${gateway.url}/saml-role/sp-metadata.xml`);
    const xml = await role.text();
    expect(xml).toContain('entityID="urn:alibaba:cloudcomputing"');
    expect(xml).toContain(`Location="${gateway.url}/saml-role/sso"`);
  });
});

describe('SP-initiated login', () => {
  it('sends an AuthnRequest, binds the answer to it, and returns to the kept path', async () => {
    const browser = new WebSession();
    const start = await browser.request(
      `${gateway.url}/login?provider=${ACCOUNT}:demo-idp&return_to=/console%3Ftab%3Dcredentials`,
    );
    expect(start.status).toBe(302);
    const idpPage = await browser.request(start.location ?? '');
    const requestId = inputValue(idpPage.html, 'request') ?? '';
    expect(requestId).toMatch(/^_[0-9a-f]{40}$/);
    const { acsUrl, samlResponse } = await demoIdpResponse(gateway.url, 'bob', 'role', {
      request: requestId,
    });
    const answer = await browser.request(acsUrl, { SAMLResponse: samlResponse });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console?tab=credentials');
    // The request is used up: another response claiming to answer it is refused.
    const second = await demoIdpResponse(gateway.url, 'bob', 'role', { request: requestId });
    const refused = await new WebSession().request(second.acsUrl, { SAMLResponse: second.samlResponse });
    expect(refused.status).toBe(401);
    expect(refused.html).toContain('<code>in-response-to</code>');
  });

  it('honours a requested session length (the CLI --duration), within the role maximum', async () => {
    const browser = new WebSession();
    const start = await browser.request(`${gateway.url}/login?provider=${ACCOUNT}:demo-idp&duration=900`);
    const idpPage = await browser.request(start.location ?? '');
    const requestId = inputValue(idpPage.html, 'request') ?? '';
    const { acsUrl, samlResponse } = await demoIdpResponse(gateway.url, 'bob', 'role', {
      request: requestId,
    });
    const before = Date.now();
    await browser.request(acsUrl, { SAMLResponse: samlResponse });
    const console = await browser.request(`${gateway.url}/console`);
    const expires = Date.parse(textOfId(console.html, 'expiration') ?? '');
    expect(expires - before).toBeGreaterThan(880_000);
    expect(expires - before).toBeLessThan(910_000);
  });

  it('ignores a RelayState that leaves the gateway', async () => {
    const { acsUrl, samlResponse } = await demoIdpResponse(gateway.url, 'bob', 'role');
    const answer = await new WebSession().request(acsUrl, {
      SAMLResponse: samlResponse,
      RelayState: 'https://evil.example/',
    });
    expect(answer.location).toBe('/console');
  });
});

describe('sign-out, health and operations', () => {
  it('signs out with the console form and forgets the session', async () => {
    const { browser } = await signIn('bob', 'role');
    const console = await browser.request(`${gateway.url}/console`);
    const out = await browser.request(`${gateway.url}/logout`, {
      csrf: inputValue(console.html, 'csrf') ?? '',
    });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/signed-out');
    const after = await browser.request(`${gateway.url}/console`);
    expect(after.status).toBe(303);
    expect(after.location).toBe('/signin');
  });

  it('serves health, readiness and metrics', async () => {
    expect(await (await fetch(`${gateway.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${gateway.url}/readyz`)).json()).toMatchObject({
      status: 'ready',
      store: 'memory',
    });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/ramgate_logins_total\{kind="role",outcome="success"\} [1-9]/);
    expect(metrics).toMatch(/ramgate_logins_total\{kind="role",outcome="failure"\} [1-9]/);
    expect(metrics).toContain('ramgate_saml_verification_seconds_bucket');
  });

  it('audits every sign-in as JSON lines without secrets or assertions', async () => {
    const { browser, samlResponse } = await signIn('bob', 'role');
    const console = await browser.request(`${gateway.url}/console`);
    const secret = textOfId(console.html, 'access-key-secret') ?? '';
    const token = textOfId(console.html, 'security-token') ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9]{44}$/);
    await gateway.gw.audit.close(); // flush the file
    const text = readFileSync(join(dir, 'audit.jsonl'), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const success = lines.find((l) => l.event === 'sso.role' && l.outcome === 'success');
    const failure = lines.find(
      (l) => l.event === 'sso.role' && l.outcome === 'failure' && l.check === 'replay',
    );
    expect(success).toMatchObject({
      accountId: ACCOUNT,
      role: 'ReadOnly',
      sessionName: 'bob@demo.onaliyun.com',
    });
    expect(success?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(failure).toBeDefined();
    for (const leak of [secret, token.slice(0, 40), samlResponse.slice(0, 40)])
      expect(text).not.toContain(leak);
  });
});
