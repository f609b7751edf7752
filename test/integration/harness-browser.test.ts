import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCapturingAcs, type CapturingAcs } from '../support/acs-capture.js';
import { launchBrowser, saveScreenshot, type TestBrowser } from '../support/browser.js';
import {
  ALIYUN_ROLE_ATTRIBUTE,
  startSimpleSamlPhp,
  type SimpleSamlPhpIdp,
} from '../support/simplesamlphp.js';

const USER = { username: 'bob', password: 'builder' };
const SP_ENTITY_ID = 'urn:ramgate:test:sp:browser';
const ROLE = 'acs:ram::1234567890123456:role/dev,acs:ram::1234567890123456:saml-provider/ssp';

let acs: CapturingAcs;
let idp: SimpleSamlPhpIdp;
let browser: TestBrowser;

beforeAll(async () => {
  acs = await startCapturingAcs();
  // One at a time, so that afterAll can stop whatever did start when a later step fails.
  idp = await startSimpleSamlPhp({
    users: [{ ...USER, attributes: { [ALIYUN_ROLE_ATTRIBUTE]: [ROLE] } }],
    sps: [{ entityId: SP_ENTITY_ID, acsUrls: `${acs.origin}/saml-role/sso` }],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await idp?.stop();
  await acs?.close();
});

describe('Chromium harness', () => {
  it('logs in at SimpleSAMLphp and lands on the SP with the POSTed SAMLResponse', async () => {
    const page = await browser.newPage();
    const start = new URL(idp.ssoUrl);
    start.searchParams.set('spentityid', SP_ENTITY_ID);
    start.searchParams.set('RelayState', 'browser-smoke');
    await page.goto(start.href);

    await page.locator('input[name="username"]').fill(USER.username);
    await page.locator('input[name="password"]').fill(USER.password);
    expect(existsSync(await saveScreenshot(page, 'harness-browser-idp-login'))).toBe(true);
    await Promise.all([
      page.waitForURL(`${acs.origin}/saml-role/sso`),
      page.locator('button[type="submit"]').click(),
    ]);

    await expect
      .poll(() => page.locator('#captured').textContent())
      .toBe('SAMLResponse received at /saml-role/sso');
    expect(await page.locator('#relay-state').textContent()).toBe('browser-smoke');
    const shot = await saveScreenshot(page, 'harness-browser-sp-landing');
    expect(existsSync(shot)).toBe(true);

    const post = await acs.nextPost();
    expect(post.relayState).toBe('browser-smoke');
    const xml = Buffer.from(post.samlResponse ?? '', 'base64').toString('utf8');
    expect(xml).toContain(`<saml:Issuer>${idp.entityId}</saml:Issuer>`);
    expect(xml).toContain(`Destination="${acs.origin}/saml-role/sso"`);
    expect(xml).toContain(ROLE);
  });
});
