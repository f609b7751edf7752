/**
 * Every HTML page the gateway serves, in Chromium at 1280 px and 390 px (issue 16, points 7-10):
 * axe-core finds no WCAG 2.1 A/AA violation, nothing overflows horizontally, and a screenshot goes
 * to artifacts/<page>-<width>.png (checkPage). The pages are reached the way a person reaches them,
 * on the demo gateway: its IdP, the role picker, the consoles, the CLI login's pages and its
 * loopback listener, the error pages, sign-out and an ended session.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_PROVIDER } from '../../src/cli/demo.js';
import { startLoopbackListener, type LoopbackListener } from '../../src/cli/loopback.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { s256 } from '../../src/core/pkce.js';
import { createLogger } from '../../src/http/logger.js';
import { checkPage } from '../support/a11y.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';

const WIDTHS = [1280, 390];

let gateway: RunningGateway;
let browser: TestBrowser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: createLogger({ level: 'silent' }) });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A 4xx page is logged as a failed resource; CSP refusals and script errors are what count.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

/** The page as it is now, at each width (a resize re-lays it out: POST results cannot be reloaded). */
async function checkAtEveryWidth(name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const result = await checkPage(page, name);
    expect(result.passes).toBeGreaterThan(0);
  }
  await page.setViewportSize({ width: WIDTHS[0] as number, height: 900 });
}

async function visit(path: string, name: string, status: number): Promise<void> {
  const response = await page.goto(`${gateway.url}${path}`);
  expect(response?.status(), `${path} status`).toBe(status);
  await checkAtEveryWidth(name);
}

/** Signs in at the demo IdP's form (reached by `start`), landing where the gateway sends the browser. */
async function demoIdpSignIn(start: string, user: 'alice' | 'bob'): Promise<void> {
  await page.goto(`${gateway.url}${start}`);
  await page.fill('#username', user);
  await page.fill('#password', user);
  await page.click('#sign-in');
}

async function signOut(): Promise<void> {
  await page.click('#sign-out');
  await page.waitForURL(`${gateway.url}/signed-out`);
}

describe('pages before sign-in', () => {
  it('home, the sign-in page (empty, with an account, unknown account) and /login errors', async () => {
    await visit('/', 'home', 200);
    await visit('/signin?change=1', 'signin-empty', 200);
    await visit('/signin?account=demo', 'signin-account', 200);
    await visit('/signin?account=nosuch', 'signin-unknown-account', 404);
    await visit('/login?provider=nosuch', 'login-unknown-provider', 404);
    await visit(
      `/login?provider=${DEMO_ACCOUNT}:${DEMO_PROVIDER}&role=${'x'.repeat(300)}`,
      'login-bad-role',
      400,
    );
  });

  it('the demo IdP page, GET on the ACS addresses and an unknown path', async () => {
    await visit('/demo-idp/sso?sp=role', 'demo-idp', 200);
    await visit('/saml-role/sso', 'acs-get-role', 405);
    await visit(`/${DEMO_ACCOUNT}/saml/SSO`, 'acs-get-user', 405);
    await visit('/no/such/page', 'not-found', 404);
  });

  it('an ACS POST that fails verification shows the error page', async () => {
    await page.goto(`${gateway.url}/signin`);
    const answer = page.waitForResponse((r) => r.url().endsWith('/saml-role/sso'));
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/saml-role/sso';
      const field = document.createElement('input');
      field.name = 'SAMLResponse';
      field.value = 'bm90IHhtbA';
      form.append(field);
      document.body.append(form);
      form.submit();
    });
    expect((await answer).status()).toBe(401);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Your sign-in could not be accepted');
    await checkAtEveryWidth('acs-error');
  });
});

describe('signed in', () => {
  it('the role picker (a fieldset with a legend), then the role console', async () => {
    await demoIdpSignIn('/demo-idp/sso?sp=role', 'alice');
    await page.waitForURL(`${gateway.url}/saml-role/sso`);
    await expect(page.locator('#role-picker fieldset legend').textContent()).resolves.toBe(
      'Role to sign in to',
    );
    expect(await page.locator('#role-picker fieldset input[type=radio]').count()).toBe(2);
    await checkAtEveryWidth('role-picker');
    await page.locator('label', { hasText: 'ReadOnly' }).click();
    await page.click('#role-picker button[type="submit"]');
    await page.waitForURL(`${gateway.url}/console`);
    await checkAtEveryWidth('console-role');
    // Revealed values (the long token) must wrap inside the column too.
    for (const button of await page.locator('button[data-reveal]').all()) await button.click();
    await checkAtEveryWidth('console-role-revealed');
    await signOut();
    await checkAtEveryWidth('signed-out');
  });

  it('the user-SSO console, then an ended session', async () => {
    await demoIdpSignIn('/demo-idp/sso?sp=user', 'bob');
    await page.waitForURL(`${gateway.url}/console`);
    await expect(page.locator('#user-name').textContent()).resolves.toBe('bob');
    await checkAtEveryWidth('console-user');
    await browser.context.addCookies([
      { name: 'ramgate_session', value: 'eyJhbGciOiJIUzI1NiJ9.e30.ended', url: gateway.url },
    ]);
    await visit('/console', 'session-ended', 401);
    await browser.context.clearCookies();
  });
});

describe('the CLI login pages and its loopback listener', () => {
  let listener: LoopbackListener | undefined;
  afterAll(() => listener?.close());

  async function cliLoginUrl(role?: string) {
    const state = randomBytes(24).toString('base64url');
    listener = await startLoopbackListener(state);
    const query = new URLSearchParams({
      provider: `${DEMO_ACCOUNT}:${DEMO_PROVIDER}`,
      cli_redirect: listener.redirectUri,
      cli_state: state,
      cli_challenge: s256(randomBytes(32).toString('base64url')),
      cli_challenge_method: 'S256',
      ...(role ? { role } : {}),
    });
    return `/cli/login?${query.toString()}`;
  }

  it('a /cli/login without its parameters', async () => {
    await visit('/cli/login', 'cli-login-error', 400);
  });

  it('"Returning to ramgate" and the listener\'s "Signed in"', async () => {
    await holdBeforeListenerFor(await cliLoginUrl(), 'bob');
    await expect(page.locator('h1').textContent()).resolves.toBe('Signed in');
    await checkAtEveryWidth('cli-returning');
    const href = (await page.locator('#cli-continue').getAttribute('href')) as string;
    await page.unrouteAll();
    await page.goto(href);
    await checkAtEveryWidth('cli-loopback-signed-in');
    await listener?.close();
    listener = undefined;
  });

  it('a refused CLI sign-in: the error page for the terminal and the listener\'s "Sign-in failed"', async () => {
    await holdBeforeListenerFor(await cliLoginUrl('NotOffered'), 'bob');
    await expect(page.locator('h1').textContent()).resolves.toBe('That role is not available to you');
    await checkAtEveryWidth('cli-error');
    const href = (await page.locator('#cli-continue').getAttribute('href')) as string;
    await page.unrouteAll();
    await page.goto(href);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign-in failed');
    await checkAtEveryWidth('cli-loopback-failed');
  });

  /**
   * Signs in for a CLI login; the gateway's last page moves on to the loopback listener at once, so
   * that one navigation is failed (ERR_ABORTED keeps the page) to check the page itself.
   */
  async function holdBeforeListenerFor(start: string, user: 'alice' | 'bob') {
    await browser.context.clearCookies();
    await page.route(`${listener?.redirectUri as string}**`, (route) => route.abort('aborted'));
    await demoIdpSignIn(start, user);
    await page.locator('#cli-continue').waitFor();
  }
});

describe('no page had a script error or a CSP violation', () => {
  it('collected nothing', () => {
    expect(problems).toEqual([]);
  });
});
