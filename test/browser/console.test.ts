/**
 * The console page in Chromium (issue 16, point 9) on the demo gateway: Copy puts the value on the
 * clipboard and says so in the live region, Reveal swaps the mask for the value and keeps
 * aria-expanded in step, the expiry in the viewer's time zone with the time left and a notice once
 * it has passed, PowerShell / aliyun configure / ramgate login lines with the real values (run
 * through bash where bash can read them), and "Switch role" only after an assertion with several roles.
 */
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCommand } from '../../src/cli/login.js';
import { DEMO_ACCOUNT, DEMO_PROVIDER } from '../../src/cli/demo.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { createLogger } from '../../src/http/logger.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';

let gateway: RunningGateway;
let browser: TestBrowser;

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: createLogger({ level: 'silent' }) });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

/** A fresh page signed in at the demo IdP (IdP-initiated); alice picks `role` on the picker. */
async function signedIn(user: 'alice' | 'bob', sp: 'role' | 'user', role?: string): Promise<Page> {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  await page.goto(`${gateway.url}/demo-idp/sso?sp=${sp}`);
  await idpForm(page, user);
  if (role) await pickRole(page, role);
  await page.waitForURL(`${gateway.url}/console`);
  return page;
}

async function idpForm(page: Page, user: 'alice' | 'bob') {
  await page.fill('#username', user);
  await page.fill('#password', user);
  await page.click('#sign-in');
}

async function pickRole(page: Page, role: string) {
  await page.waitForURL(`${gateway.url}/saml-role/sso`);
  await page.locator('#role-picker label', { hasText: `role/${role}` }).click();
  await page.click('#role-picker button[type="submit"]');
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').trim();

async function credentials(page: Page) {
  return {
    id: await text(page, '#access-key-id'),
    secret: await text(page, '#access-key-secret'),
    token: await text(page, '#security-token'),
    expiration: (await page.locator('#expiration').getAttribute('datetime')) ?? '',
  };
}

/** No BASH_ENV or other start-up files: bash reads only the line under test. */
const BASH_ENV_FREE = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** The words bash makes of a line whose command is replaced by a function printing its arguments. */
function bashWords(line: string, command: string): string[] {
  const out = execFileSync('bash', ['-c', `${command}() { printf '%s\\0' "$@"; }\n${line}`], {
    encoding: 'utf8',
    env: BASH_ENV_FREE,
  });
  return out.split('\0').slice(0, -1);
}

describe('copy and reveal', () => {
  it('Copy AccessKeyId puts it on the clipboard and announces it; every button has its own name', async () => {
    const page = await signedIn('bob', 'role');
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url });
    const { id } = await credentials(page);
    expect(id).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
    await expect(page.locator('#copy-status').getAttribute('aria-live')).resolves.toBe('polite');
    await page.getByRole('button', { name: 'Copy AccessKeyId', exact: true }).click();
    await expect.poll(() => text(page, '#copy-status')).toBe('AccessKeyId copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);

    await page.getByRole('button', { name: 'Copy SecurityToken', exact: true }).click();
    await expect.poll(() => text(page, '#copy-status')).toBe('SecurityToken copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe((await credentials(page)).token);

    const names = await page
      .locator('main button')
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim()));
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(new Set(names).size).toBe(names.length);
    await page.close();
  });

  it('Reveal shows the value instead of the mask and toggles aria-expanded on the element it controls', async () => {
    const page = await signedIn('bob', 'role');
    const reveal = page.locator('button[data-reveal="access-key-secret"]');
    const value = page.locator('#access-key-secret');
    const mask = page.locator('#access-key-secret-mask');
    await expect(reveal.getAttribute('aria-controls')).resolves.toBe('access-key-secret');
    await expect(reveal.getAttribute('aria-expanded')).resolves.toBe('false');
    expect([await value.isVisible(), await mask.isVisible()]).toEqual([false, true]);

    await page.getByRole('button', { name: 'Reveal AccessKeySecret', exact: true }).click();
    await expect(reveal.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(reveal.getAttribute('aria-label')).resolves.toBe('Hide AccessKeySecret');
    expect([await value.isVisible(), await mask.isVisible()]).toEqual([true, false]);
    expect(await value.innerText()).toMatch(/^[A-Za-z0-9]{44}$/);

    await reveal.click();
    await expect(reveal.getAttribute('aria-expanded')).resolves.toBe('false');
    expect([await value.isVisible(), await mask.isVisible()]).toEqual([false, true]);

    // The snippet blocks work the same way.
    await page.getByRole('button', { name: 'Reveal PowerShell lines', exact: true }).click();
    expect(await page.locator('#powershell-lines').isVisible()).toBe(true);
    expect(await page.locator('#powershell-lines-mask').isVisible()).toBe(false);
    await page.close();
  });
});

describe('expiry', () => {
  it("is shown in the viewer's time zone with the time left, the UTC value in <time datetime>", async () => {
    const page = await signedIn('bob', 'role');
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Shanghai' });
    await cdp.send('Emulation.setLocaleOverride', { locale: 'en-GB' });
    await page.reload();
    const { expiration } = await credentials(page);
    const expires = Date.parse(expiration);
    expect(await text(page, '#expiration')).toBe(expiration);
    // Shanghai is UTC+8 all year (no daylight saving).
    const shanghai = new Date(expires + 8 * 3600_000);
    const hhmm = `${String(shanghai.getUTCHours()).padStart(2, '0')}:${String(shanghai.getUTCMinutes()).padStart(2, '0')}`;
    const local = await text(page, '#expiration-local');
    expect(local).toContain(hhmm);
    expect(local).toContain(String(shanghai.getUTCDate()));
    expect(local).toMatch(/CST|GMT\+8/);
    const minutesLeft = Math.floor((expires - Date.now()) / 60_000);
    const left = await text(page, '#time-remaining');
    const m = /^(?:(\d+) h )?(\d+) min left$/.exec(left);
    expect(m, left).not.toBeNull();
    const shown = Number(m?.[1] ?? 0) * 60 + Number(m?.[2]);
    expect(Math.abs(shown - minutesLeft)).toBeLessThanOrEqual(1);
    expect(await page.locator('#expired-notice').isVisible()).toBe(false);
    await page.close();
  });

  it('once the expiry has passed, the page says so', async () => {
    const page = await signedIn('bob', 'role');
    await page.clock.install();
    await page.reload();
    const expires = Date.parse((await credentials(page)).expiration);
    expect(await page.locator('#expired-notice').isVisible()).toBe(false);
    await page.clock.fastForward(expires - Date.now() + 60_000);
    await page.locator('#expired-notice').waitFor({ state: 'visible' });
    expect(await text(page, '#expired-notice')).toMatch(/^These temporary credentials have expired/);
    await expect(page.locator('#expired-notice').getAttribute('role')).resolves.toBe('alert');
    expect(await text(page, '#time-remaining')).toBe('expired');
    await page.close();
  });
});

describe('ready-made lines', () => {
  it('bash, PowerShell, aliyun configure and ramgate login carry the real values', async () => {
    const page = await signedIn('alice', 'role', 'Admin');
    const c = await credentials(page);
    const profile = 'demo-Admin';

    const bash = await text(page, '#env-lines');
    const exported = execFileSync(
      'bash',
      [
        '-c',
        `${bash}\nprintf '%s|%s|%s' "$ALIBABA_CLOUD_ACCESS_KEY_ID" "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" "$ALIBABA_CLOUD_SECURITY_TOKEN"`,
      ],
      { encoding: 'utf8', env: BASH_ENV_FREE },
    );
    expect(exported).toBe(`${c.id}|${c.secret}|${c.token}`);

    expect((await text(page, '#powershell-lines')).split('\n')).toEqual([
      `$env:ALIBABA_CLOUD_ACCESS_KEY_ID = '${c.id}'`,
      `$env:ALIBABA_CLOUD_ACCESS_KEY_SECRET = '${c.secret}'`,
      `$env:ALIBABA_CLOUD_SECURITY_TOKEN = '${c.token}'`,
    ]);

    expect(bashWords(await text(page, '#aliyun-configure'), 'aliyun')).toEqual([
      'configure',
      'set',
      '--profile',
      profile,
      '--mode',
      'StsToken',
      '--access-key-id',
      c.id,
      '--access-key-secret',
      c.secret,
      '--sts-token',
      c.token,
      '--region',
      'cn-hangzhou',
    ]);

    const login = bashWords(await text(page, '#ramgate-login'), 'ramgate');
    expect(login).toEqual([
      'login',
      '--gateway',
      gateway.url,
      '--provider',
      `${DEMO_ACCOUNT}:${DEMO_PROVIDER}`,
      '--role',
      'Admin',
      '--profile',
      profile,
    ]);
    const known = new Set(loginCommand().options.map((o) => o.long));
    expect(login.filter((w) => w.startsWith('--')).every((flag) => known.has(flag))).toBe(true);

    const json = JSON.parse(await text(page, '#json-credentials')) as Record<string, string>;
    expect(json).toEqual({
      AccessKeyId: c.id,
      AccessKeySecret: c.secret,
      SecurityToken: c.token,
      Expiration: c.expiration,
    });
    await page.close();
  });

  it('a user-SSO console has no ramgate login line and no Switch role', async () => {
    const page = await signedIn('bob', 'user');
    expect(await page.locator('#user-name').textContent()).toBe('bob');
    expect(await page.locator('#ramgate-login').count()).toBe(0);
    expect(await page.locator('#switch-role').count()).toBe(0);
    expect(await text(page, '#powershell-lines')).toContain(`$env:ALIBABA_CLOUD_ACCESS_KEY_ID = 'STS.`);
    await page.close();
  });
});

describe('Switch role', () => {
  it('is not offered after a one-role assertion', async () => {
    const page = await signedIn('bob', 'role');
    await expect(page.locator('#role-name').textContent()).resolves.toBe('ReadOnly');
    expect(await page.locator('#switch-role').count()).toBe(0);
    await page.close();
  });

  it('after several roles: signs in again through the provider and offers exactly those roles', async () => {
    const page = await signedIn('alice', 'role', 'Admin');
    await expect(page.locator('#role-name').textContent()).resolves.toBe('Admin');
    const switchRole = page.getByRole('link', { name: 'Switch role' });
    await expect(switchRole.getAttribute('href')).resolves.toBe(
      `/login?provider=${DEMO_ACCOUNT}%3A${DEMO_PROVIDER}`,
    );
    await switchRole.click();
    // SP-initiated: a fresh AuthnRequest to the provider's IdP, whose new assertion fills the picker.
    await page.waitForURL((url) => url.pathname === '/demo-idp/sso' && url.searchParams.has('SAMLRequest'));
    await idpForm(page, 'alice');
    await page.waitForURL(`${gateway.url}/saml-role/sso`);
    const offered = await page.locator('#role-picker small').allInnerTexts();
    expect(offered.map((t) => t.replace(/\s+/g, ' ').split(' · ')[1])).toEqual([
      `acs:ram::${DEMO_ACCOUNT}:role/Admin`,
      `acs:ram::${DEMO_ACCOUNT}:role/ReadOnly`,
    ]);
    await pickRole(page, 'ReadOnly');
    await page.waitForURL(`${gateway.url}/console`);
    await expect(page.locator('#role-name').textContent()).resolves.toBe('ReadOnly');
    expect(await page.locator('#switch-role').count()).toBe(1);
    await page.close();
  });

  it('the picker refuses a role the assertion did not offer', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/demo-idp/sso?sp=role`);
    await idpForm(page, 'alice');
    await page.waitForURL(`${gateway.url}/saml-role/sso`);
    await page
      .locator('#role-picker input[name="role"]')
      .first()
      .evaluate((radio) => {
        (radio as HTMLInputElement).value = '2';
      });
    const answer = page.waitForResponse((r) => r.url().endsWith('/saml-role/choose'));
    await page.click('#role-picker button[type="submit"]');
    expect((await answer).status()).toBe(401);
    await expect(page.locator('code', { hasText: 'role-choice' }).count()).resolves.toBe(1);
    await page.close();
  });
});
