/**
 * The gateway in a real browser (Debian's headless Chromium via playwright-core) with a real IdP
 * (SimpleSAMLphp): SP-initiated login through SimpleSAMLphp's form, the role picker, the console
 * and its hidden credentials, the credentials with the official STS SDK, and sign-out; and
 * IdP-initiated user-based SSO from SimpleSAMLphp's SSO page.
 * Screenshots of the picker and the consoles go to artifacts/screenshots/ (gitignored).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, type TestBrowser } from '../support/browser.js';
import * as ssp from '../support/simplesamlphp-gateway.js';

const ALICE = { username: 'alice', password: 'alice-browser-pw' };

let env: ssp.SimpleSamlPhpGateway;
let browser: TestBrowser;

beforeAll(async () => {
  env = await ssp.startSimpleSamlPhpGateway({
    users: [ssp.ssoUser(ALICE.username, ALICE.password, ['Admin', 'ReadOnly'])],
    // Another site than the IdP's 127.0.0.1, as in production: SameSite cookies must still work.
    publicHost: 'localhost',
  });
  await env.registerRoleSp({ validateAuthnRequest: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

/** A new page whose CSP violations, script errors and 4xx/5xx answers on the gateway are collected. */
async function watchedPage(from: TestBrowser, gateway: string) {
  const page = await from.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.location().url.startsWith(gateway))
      problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && response.url().startsWith(gateway))
      problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  return { page, problems };
}

/** SimpleSAMLphp's exampleauth UserPass form. */
async function signInAtIdp(page: Page, user: { username: string; password: string }) {
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await page.click('#submit_button');
}

describe('the gateway in Chromium with SimpleSAMLphp', () => {
  it('logs in through the IdP form, picks a role, reads the credentials and signs out', async () => {
    const gateway = env.gateway.url;
    const { page, problems } = await watchedPage(browser, gateway);

    // SP-initiated: the gateway redirects to SimpleSAMLphp, which shows its login form.
    await page.goto(`${gateway}/login?provider=${ssp.ACCOUNT}:${ssp.PROVIDER}`);
    expect(page.url().startsWith(env.idp.baseUrl)).toBe(true);
    await signInAtIdp(page, ALICE);

    // SimpleSAMLphp's auto-submit form posts the response to the gateway: alice has two roles.
    await page.waitForURL(`${gateway}/saml-role/sso`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Choose a role');
    // SimpleSAMLphp's NameID is a transient handle: the picker greets the RoleSessionName.
    await expect(page.locator('.muted strong').textContent()).resolves.toBe(ssp.upn('alice'));
    const options = page.locator('#role-picker input[name="role"]');
    expect(await options.count()).toBe(2);
    const picker = await page.locator('#role-picker').innerText();
    expect(picker).toContain(ssp.roleArn('ReadOnly'));
    expect(picker).toContain(`Account ${ssp.ALIAS} (${ssp.ACCOUNT})`);
    expect(existsSync(await saveScreenshot(page, 'gateway-browser-role-picker'))).toBe(true);
    await page.locator('label', { hasText: ssp.roleArn('ReadOnly') }).click();
    await page.click('#role-picker button[type="submit"]');

    await page.waitForURL(`${gateway}/console`);
    await expect(page.locator('#role-name').textContent()).resolves.toBe('ReadOnly');
    await expect(page.locator('#session-name').textContent()).resolves.toBe(ssp.upn('alice'));
    await expect(page.locator('#arn').textContent()).resolves.toBe(
      `acs:ram::${ssp.ACCOUNT}:assumed-role/ReadOnly/${ssp.upn('alice')}`,
    );
    const secret = page.locator('#access-key-secret');
    const token = page.locator('#security-token');
    expect(await secret.isVisible()).toBe(false);
    await page.click('button[data-reveal="access-key-secret"]');
    await page.click('button[data-reveal="security-token"]');
    expect(await secret.isVisible()).toBe(true);
    expect(await token.isVisible()).toBe(true);
    const keys = {
      accessKeyId: (await page.locator('#access-key-id').innerText()).trim(),
      accessKeySecret: (await secret.innerText()).trim(),
      securityToken: (await token.innerText()).trim(),
    };
    expect(keys.accessKeyId).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
    expect(keys.accessKeySecret).toMatch(/^[A-Za-z0-9]{44}$/);
    expect(existsSync(await saveScreenshot(page, 'gateway-browser-console'))).toBe(true);

    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway });
    await page.click('button[data-copy="security-token"]');
    await page.locator('button[data-copy="security-token"]', { hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keys.securityToken);

    const me = await ssp.callerIdentity(gateway, keys);
    expect(me).toMatchObject({ identityType: 'AssumedRoleUser', accountId: ssp.ACCOUNT });
    expect(me?.arn).toBe(`acs:ram::${ssp.ACCOUNT}:assumed-role/ReadOnly/${ssp.upn('alice')}`);

    await page.click('#sign-out');
    await page.waitForURL(`${gateway}/signed-out`);
    await page.goto(`${gateway}/console`);
    expect(page.url()).toBe(`${gateway}/signin`);
    expect(await page.locator('#access-key-id').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('signs in IdP-initiated from SimpleSAMLphp to user-based SSO and lands on the RelayState path', async () => {
    const gateway = env.gateway.url;
    await env.registerUserSp();
    const fresh = await launchBrowser(); // no IdP session left over from the other test
    try {
      const { page, problems } = await watchedPage(fresh, gateway);
      const start = new URL(env.idp.ssoUrl);
      start.searchParams.set('spentityid', env.userAcs);
      start.searchParams.set('RelayState', '/console?via=idp');
      await page.goto(start.href);
      await signInAtIdp(page, ALICE);
      await page.waitForURL(`${gateway}/console?via=idp`);
      await expect(page.locator('#user-name').textContent()).resolves.toBe('alice');
      await expect(page.locator('#arn').textContent()).resolves.toBe(`acs:ram::${ssp.ACCOUNT}:user/alice`);
      expect(await page.locator('#role-name').count()).toBe(0);
      expect(existsSync(await saveScreenshot(page, 'gateway-browser-user-console'))).toBe(true);
      await page.click('#sign-out');
      await page.waitForURL(`${gateway}/signed-out`);
      expect(problems).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
