/**
 * Password sign-in of RAM users in Debian's headless Chromium (playwright-core): from the sign-in
 * page to the console; a wrong password; the lockout after MaxLoginAttemps (still locked with the
 * right password); the forced change of PasswordResetRequired; binding an MFA device with TOTP
 * codes the test computes (MFABindRequired); sign-in with MFA (right, wrong and replayed code);
 * and user-based SSO turning password sign-in off (to the IdP) and on again through the IMS API.
 * Every page passes axe (WCAG 2.1 AA) without overflow at its width and at 390 px (test/support/a11y.ts).
 */
import Ims, { SetUserSsoSettingsRequest } from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/cli/demo.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { createLogger } from '../../src/http/logger.js';
import { checkPage } from '../support/a11y.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import {
  boundDevice,
  createPasswordAccount,
  PW_ACCOUNT,
  PW_ALIAS,
  PW_DOMAIN,
  userWithPassword,
} from '../support/password-signin.js';
import { codeAt } from '../support/totp.js';

const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;
const DEMO_ROOT = {
  accessKeyId: 'LTAIdemo0000000000000001',
  accessKeySecret: 'demoSecretDoNotUseInProduction',
};
const PASSWORD = 'Browser-pass-1';

let gateway: RunningGateway;
let browser: TestBrowser;

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: createLogger({ level: 'silent' }) });
  await createPasswordAccount(gateway);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

/** A fresh page (no cookies of earlier tests) whose CSP violations and script errors are collected. */
async function freshPage() {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4[0-9][0-9]/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

/** axe + overflow at the page's width and at 390 px (a phone), screenshots in artifacts/. */
async function accessible(page: Page, name: string) {
  await checkPage(page, name);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await checkPage(page, name);
  if (size) await page.setViewportSize(size);
}

/** From the sign-in page: the account, then "Sign in with a RAM user name and password", then the form. */
async function signInFromAccountPage(page: Page, userName: string, password: string) {
  await page.goto(`${gateway.url}/signin?account=${PW_ALIAS}`);
  await page.click('text=Sign in with a RAM user name and password');
  await page.waitForURL(`${gateway.url}/signin/user?account=${PW_ACCOUNT}`);
  await page.fill('#logon-name', userName);
  await page.fill('#password', password);
  await page.click('#sign-in');
}

async function signInWithLogonName(page: Page, logonName: string, password: string) {
  await page.goto(`${gateway.url}/signin/user`);
  await page.fill('#logon-name', logonName);
  await page.fill('#password', password);
  await page.click('#sign-in');
}

async function expectConsoleOf(page: Page, userName: string, accountId = PW_ACCOUNT) {
  await page.waitForURL(`${gateway.url}/console`);
  await expect(page.locator('#user-name').textContent()).resolves.toBe(userName);
  await expect(page.locator('#arn').textContent()).resolves.toBe(`acs:ram::${accountId}:user/${userName}`);
}

async function signOut(page: Page) {
  await page.click('#sign-out');
  await page.waitForURL(`${gateway.url}/signed-out`);
}

describe('password sign-in in Chromium', () => {
  it('signs in from the sign-in page; a wrong password says so in plain words, with the code and request id', async () => {
    await userWithPassword(gateway, 'ana', PASSWORD);
    const { page, problems } = await freshPage();
    await page.goto(`${gateway.url}/signin?account=${PW_ALIAS}`);
    await accessible(page, 'password-signin-account');
    await page.click('text=Sign in with a RAM user name and password');
    await accessible(page, 'password-signin-form');
    await page.fill('#logon-name', 'ana');
    await page.fill('#password', 'Not-her-password-1');
    await page.click('#sign-in');
    const alert = page.locator('[role="alert"]');
    await expect(alert.locator('.problem').textContent()).resolves.toBe(
      'The user name or password is incorrect.',
    );
    expect(await alert.innerText()).toMatch(/AuthenticationFail\.Password · request id [0-9A-F-]{36}/);
    await expect(page.locator('#logon-name').inputValue()).resolves.toBe('ana');
    await accessible(page, 'password-signin-wrong');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await expectConsoleOf(page, 'ana');
    await signOut(page);
    // The full logon name works from the plain form too.
    await signInWithLogonName(page, `ana@${PW_DOMAIN}`, PASSWORD);
    await expectConsoleOf(page, 'ana');
    expect(problems).toEqual([]);
  });

  it('locks the user after MaxLoginAttemps wrong passwords: the right password then gets the same locked page', async () => {
    await userWithPassword(gateway, 'ben', PASSWORD);
    await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, { MaxLoginAttemps: 3 });
    try {
      const { page, problems } = await freshPage();
      for (let i = 0; i < 2; i++) {
        await signInWithLogonName(page, `ben@${PW_DOMAIN}`, `Wrong-${i}-pass`);
        await page.locator('.problem', { hasText: 'The user name or password is incorrect.' }).waitFor();
      }
      await signInWithLogonName(page, `ben@${PW_DOMAIN}`, 'Wrong-2-pass');
      await expect(page.locator('h1').textContent()).resolves.toBe('This RAM user is locked');
      const lockedWrong = await page.locator('.card').innerText();
      await accessible(page, 'password-signin-locked');
      await signInWithLogonName(page, `ben@${PW_DOMAIN}`, PASSWORD);
      await expect(page.locator('h1').textContent()).resolves.toBe('This RAM user is locked');
      const lockedRight = await page.locator('.card').innerText();
      const noIds = (text: string) => text.replace(/[0-9A-F-]{36}/g, 'ID');
      expect(noIds(lockedRight)).toBe(noIds(lockedWrong));
      expect(lockedRight).toContain('AuthenticationFail.User.Locked');
      expect(await page.locator('#access-key-id').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, { MaxLoginAttemps: 0 });
    }
  });

  it('PasswordResetRequired: a new password that meets the policy first, then the console; the old one no longer works', async () => {
    await userWithPassword(gateway, 'cleo', PASSWORD, { PasswordResetRequired: true });
    await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, { RequireNumbers: true });
    try {
      const { page, problems } = await freshPage();
      await signInFromAccountPage(page, 'cleo', PASSWORD);
      await expect(page.locator('h1').textContent()).resolves.toBe('Set a new password');
      await accessible(page, 'password-signin-change');
      await page.fill('#new-password', 'no-digits-here');
      await page.fill('#confirm-password', 'no-digits-here');
      await page.click('#continue');
      await page.locator('.problem', { hasText: 'contain a digit' }).waitFor();
      await page.fill('#new-password', 'Cleo-new-pass-7');
      await page.fill('#confirm-password', 'Cleo-new-pass-7');
      await page.click('#continue');
      await expectConsoleOf(page, 'cleo');
      await signOut(page);
      await signInFromAccountPage(page, 'cleo', PASSWORD);
      await page.locator('.problem', { hasText: 'The user name or password is incorrect.' }).waitFor();
      await page.fill('#password', 'Cleo-new-pass-7');
      await page.click('#sign-in');
      await expectConsoleOf(page, 'cleo');
      expect(problems).toEqual([]);
    } finally {
      await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, { RequireNumbers: false });
    }
  });

  it('MFABindRequired: binds a device from the QR page with two TOTP codes the test computes', async () => {
    await userWithPassword(gateway, 'dina', PASSWORD, { MFABindRequired: true });
    const { page, problems } = await freshPage();
    await signInFromAccountPage(page, 'dina', PASSWORD);
    await expect(page.locator('h1').textContent()).resolves.toBe('Set up an MFA device');
    const qr = await page.locator('img.qr').evaluate((img: HTMLImageElement) => ({
      src: img.src.slice(0, 22),
      width: img.naturalWidth,
    }));
    expect(qr.src).toBe('data:image/png;base64,');
    expect(qr.width).toBeGreaterThan(50); // a real, decoded PNG
    const seed = (await page.locator('#mfa-secret').textContent()) ?? '';
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);
    await accessible(page, 'password-signin-bind-mfa');
    await page.fill('#code1', '000000');
    await page.fill('#code2', '111111');
    await page.click('#continue');
    await page.locator('.problem', { hasText: 'not two consecutive codes' }).waitFor();
    const now = Date.now();
    await page.fill('#code1', codeAt(seed, new Date(now - 30_000)));
    await page.fill('#code2', codeAt(seed, new Date(now)));
    await page.click('#continue');
    await expectConsoleOf(page, 'dina');
    const info = await gateway.gw.directory.GetUserMFAInfo(PW_ACCOUNT, { UserName: 'dina' });
    expect(info.IsMFAEnable).toBe(true);
    expect(problems).toEqual([]);
  });

  it('a bound device: asks for the code; a wrong code and a replayed code are refused, the right one signs in', async () => {
    await userWithPassword(gateway, 'eli', PASSWORD);
    const seed = await boundDevice(gateway, 'eli');
    const { page, problems } = await freshPage();
    await signInFromAccountPage(page, 'eli', PASSWORD);
    await expect(page.locator('h1').textContent()).resolves.toBe('Type your MFA code');
    await accessible(page, 'password-signin-mfa');
    const right = codeAt(seed, new Date());
    await page.fill('#code', right === '000000' ? '000001' : '000000');
    await page.click('#continue');
    await page.locator('.problem', { hasText: 'not the current code' }).waitFor();
    await accessible(page, 'password-signin-mfa-wrong');
    const usedAt = Date.now();
    const code = codeAt(seed, new Date(usedAt));
    await page.fill('#code', code);
    await page.click('#continue');
    await expectConsoleOf(page, 'eli');
    await signOut(page);
    await signInFromAccountPage(page, 'eli', PASSWORD);
    await page.fill('#code', code);
    await page.click('#continue');
    const stepsLater = Math.floor(Date.now() / 30_000) - Math.floor(usedAt / 30_000);
    await page
      .locator('.problem', { hasText: stepsLater <= 1 ? 'already used' : 'not the current code' })
      .waitFor();
    expect(page.url()).toBe(`${gateway.url}/signin/user/step`);
    expect(await page.locator('#access-key-id').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('user-based SSO on turns password sign-in off (to the IdP); SetUserSsoSettings off turns it on again', async () => {
    const ims = new ImsClient(
      new OpenApi.$OpenApiUtil.Config({
        endpoint: new URL(gateway.url).host,
        protocol: 'http',
        ...DEMO_ROOT,
      }),
    );
    await userWithPassword(gateway, 'sso-fan', PASSWORD, {}, DEMO_ACCOUNT);
    const { page, problems } = await freshPage();
    await page.goto(`${gateway.url}/signin?account=demo`);
    await expect(page.locator('#password-off').textContent()).resolves.toContain('Password sign-in is off');
    expect(await page.locator('text=Sign in with a RAM user name and password').count()).toBe(0);
    await signInWithLogonName(page, 'sso-fan@demo.onaliyun.com', PASSWORD);
    await page.waitForURL(/\/demo-idp\/sso/);
    try {
      await ims.setUserSsoSettings(new SetUserSsoSettingsRequest({ ssoEnabled: false }));
      await page.goto(`${gateway.url}/signin?account=demo`);
      await page.click('text=Sign in with a RAM user name and password');
      await page.fill('#logon-name', 'sso-fan');
      await page.fill('#password', PASSWORD);
      await page.click('#sign-in');
      await expectConsoleOf(page, 'sso-fan', DEMO_ACCOUNT);
      await signOut(page);
    } finally {
      await ims.setUserSsoSettings(new SetUserSsoSettingsRequest({ ssoEnabled: true }));
    }
    await signInWithLogonName(page, 'sso-fan@demo.onaliyun.com', PASSWORD);
    await page.waitForURL(/\/demo-idp\/sso/);
    expect(problems).toEqual([]);
  });
});
