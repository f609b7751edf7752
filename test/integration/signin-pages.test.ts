/**
 * The pages around signing in (issue 16, points 7 and 8): the sign-in page (account alias or ID →
 * the account's SAML providers and user SSO, remembered in a cookie; /login without parameters lands
 * there), an ended session, sign-out, error pages in plain words with the detail below and links
 * back, and styled pages for the ACS under GET and for unknown paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/cli/demo.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { createLogger } from '../../src/http/logger.js';

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: createLogger({ level: 'silent' }) });
});
afterAll(() => gateway?.close());

async function get(path: string, cookie = '') {
  const res = await fetch(`${gateway.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { res, text: await res.text() };
}

describe('the sign-in page', () => {
  it('the home page and /login without parameters offer the account form', async () => {
    const home = await get('/');
    expect(home.res.status).toBe(200);
    expect(home.text).toContain('<label for="account">Account alias or account ID</label>');
    const login = await get('/login');
    expect(login.res.status).toBe(303);
    expect(login.res.headers.get('location')).toBe('/signin');
  });

  it.each(['demo', 'DEMO', 'demo.onaliyun.com', DEMO_ACCOUNT])(
    '"%s" leads to the account\'s SAML providers and user SSO, and is remembered',
    async (typed) => {
      const { res, text } = await get(`/signin?account=${encodeURIComponent(typed)}`);
      expect(res.status).toBe(200);
      expect(text).toContain(`Sign in to demo <span class="muted">(${DEMO_ACCOUNT})</span>`);
      expect(text).toContain(`href="/login?provider=${DEMO_ACCOUNT}%3Ademo-idp"`);
      expect(text).toContain(`href="/login?account=${DEMO_ACCOUNT}"`);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(new RegExp(`^ramgate_account=${DEMO_ACCOUNT};.*httponly`, 'i'));
      const again = await get('/signin', cookie.split(';')[0]);
      expect(again.text).toContain('Sign in to demo');
      const other = await get('/signin?change=1', cookie.split(';')[0]);
      expect(other.text).toContain('Account alias or account ID');
    },
  );

  it('an unknown account is said so in plain words, in the form, with what to do', async () => {
    const { res, text } = await get('/signin?account=nosuch');
    expect(res.status).toBe(404);
    expect(text).toContain('role="alert">No account &quot;nosuch&quot; signs in here. Check the spelling');
    expect(text).toContain('value="nosuch"');
    const long = await get(`/signin?account=${'a'.repeat(5000)}`);
    expect([400, 404]).toContain(long.res.status);
  });
});

describe('ended sessions, sign-out and errors', () => {
  it('the console without a session: no cookie → the sign-in page; an ended session → says so, with a link', async () => {
    const none = await get('/console');
    expect(none.res.status).toBe(303);
    expect(none.res.headers.get('location')).toBe('/signin');
    const ended = await get('/console', 'ramgate_session=eyJhbGciOiJIUzI1NiJ9.e30.invalid');
    expect(ended.res.status).toBe(401);
    expect(ended.text).toContain('Your session has ended');
    expect(ended.text).toContain('<a class="button" href="/signin">Sign in again</a>');
  });

  it('sign-out confirms', async () => {
    const res = await fetch(`${gateway.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(),
    });
    expect(res.headers.get('location')).toBe('/signed-out');
    const page = await get('/signed-out');
    expect(page.text).toContain('You have signed out');
    expect(page.text).toContain('href="/signin">Sign in again</a>');
  });

  it('an error page says what happened and what to do first, the technical detail below, and links back', async () => {
    const { res, text } = await get('/login?provider=1:nope');
    expect(res.status).toBe(404);
    const plain = text.indexOf('We could not find that sign-in');
    const detail = text.indexOf('Technical details');
    expect(plain).toBeGreaterThan(0);
    expect(detail).toBeGreaterThan(plain);
    expect(text.indexOf('EntityNotExist.SAMLProvider')).toBeGreaterThan(detail);
    expect(text).toContain(
      '<strong>What to do:</strong> Check the address, or pick your account on the sign-in page.',
    );
    expect(text).toContain('href="/signin">Sign in again</a>');
    expect(text).not.toContain('ramgate diagnose'); // nothing to diagnose: no response was received
  });

  it('a refused SAMLResponse: plain words, the verifier text only as detail, and the diagnose hint', async () => {
    const res = await fetch(`${gateway.url}/saml-role/sso`, {
      method: 'POST',
      body: new URLSearchParams({ SAMLResponse: 'abcdefghi' }),
    });
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(text).toContain('<h1>Your sign-in could not be accepted</h1>');
    expect(text.indexOf('Technical details')).toBeLessThan(text.indexOf('base64'));
    expect(text).toContain('ramgate diagnose response.xml --config ramgate.yaml');
  });

  it('GET on the ACS and unknown paths answer a styled page with links, not plain text', async () => {
    const acs = await get('/saml-role/sso');
    expect(acs.res.status).toBe(405);
    expect(acs.res.headers.get('allow')).toBe('POST');
    expect(acs.text).toContain('This address receives sign-ins that your identity provider sends');
    const user = await get(`/${DEMO_ACCOUNT}/saml/SSO`);
    expect(user.res.status).toBe(405);
    const missing = await get('/no/such/page');
    expect(missing.res.status).toBe(404);
    expect(missing.res.headers.get('content-type')).toContain('text/html');
    expect(missing.text).toContain('<h1>Page not found</h1>');
    expect(missing.res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
