/**
 * End to end with a real IdP and a real browser: SimpleSAMLphp (registered as a SAML provider
 * through a config file) and headless Chromium complete the browser leg of `ramgate login`; the
 * official @alicloud/credentials reads the written profile and the STS SDK's GetCallerIdentity
 * succeeds with it. The same IdP's response also goes through `--saml-response`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { externalModeJson, freshCredentials } from '../../src/cli/credential-process.js';
import { runLogin, type LoginOptions } from '../../src/cli/login.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { createLogger } from '../../src/http/logger.js';
import { launchBrowser, saveScreenshot, type TestBrowser } from '../support/browser.js';
import {
  ALIYUN_ROLE_ATTRIBUTE,
  ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE,
  idpInitiatedLogin,
  startSimpleSamlPhp,
  type SimpleSamlPhpIdp,
} from '../support/simplesamlphp.js';
import { callerIdentityWith, profileCredential, testIo } from './cli-harness.js';

const ACCOUNT = '5555666677778888';
const PROVIDER_ARN = `acs:ram::${ACCOUNT}:saml-provider/ssp`;
const roleValue = (role: string) => `acs:ram::${ACCOUNT}:role/${role},${PROVIDER_ARN}`;
const USER = { username: 'carol', password: 'carol-password' };
const SESSION_NAME = 'carol@example.com';

let dir: string;
let idp: SimpleSamlPhpIdp;
let gateway: RunningGateway;
let browser: TestBrowser;
const originalHome = process.env.HOME;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ramgate-cli-ssp-'));
  process.env.HOME = dir;
  idp = await startSimpleSamlPhp({
    users: [
      {
        ...USER,
        attributes: {
          [ALIYUN_ROLE_ATTRIBUTE]: [roleValue('Developer'), roleValue('Operator')],
          [ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE]: SESSION_NAME,
        },
      },
    ],
  });
  await writeFile(join(dir, 'ssp-metadata.xml'), idp.metadataXml);
  const role = (name: string, policy: string) => ({
    name,
    trustedSamlProviders: ['ssp'],
    policies: [policy],
  });
  await writeFile(
    join(dir, 'ramgate.json'),
    JSON.stringify({
      accounts: [
        {
          id: ACCOUNT,
          alias: 'sspcorp',
          samlProviders: [{ name: 'ssp', metadataFile: 'ssp-metadata.xml' }],
          roles: [role('Developer', 'ReadOnlyAccess'), role('Operator', 'AdministratorAccess')],
        },
      ],
    }),
  );
  gateway = await startGateway({
    config: join(dir, 'ramgate.json'),
    logger: createLogger({ level: 'silent' }),
  });
  await idp.registerSp({ entityId: 'urn:alibaba:cloudcomputing', acsUrls: `${gateway.url}/saml-role/sso` });
  browser = await launchBrowser({ timeoutMs: 20_000 });
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await idp?.stop();
  process.env.HOME = originalHome;
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await browser.context.clearCookies(); // each login meets the IdP's password form
});

function options(extra: Partial<LoginOptions> = {}): LoginOptions {
  return {
    gateway: gateway.url,
    provider: 'ssp',
    account: ACCOUNT,
    profile: 'ssp',
    output: 'profile',
    noBrowser: false,
    timeoutMs: 60_000,
    ...extra,
  };
}

/** Chromium plays the person: SimpleSAMLphp's form, then the gateway's role picker when shown. */
function chromium(pickRole?: string, screenshot?: string) {
  return async (url: string) => {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      await page.locator('input[name="username"]').fill(USER.username);
      await page.locator('input[name="password"]').fill(USER.password);
      await page.locator('button[type="submit"]').click();
      if (pickRole) {
        await page.locator('#role-picker').waitFor();
        await page.getByLabel(pickRole, { exact: false }).check();
        if (screenshot) await saveScreenshot(page, `${screenshot}-picker`);
        await page.locator('#role-picker button[type="submit"]').click();
      }
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
      expect(await page.locator('h1').textContent()).toBe('Signed in');
      if (screenshot) await saveScreenshot(page, screenshot);
    } finally {
      await page.close();
    }
  };
}

describe('ramgate login with SimpleSAMLphp and Chromium', () => {
  it('signs in to the role named by --role and writes a profile the official SDKs use', async () => {
    const io = testIo(chromium(undefined, 'cli-login-ssp'));
    const result = await runLogin(options({ role: 'developer' }), io);
    expect(io.opened).toHaveLength(1);
    expect(result).toMatchObject({
      AccountId: ACCOUNT,
      AccountAlias: 'sspcorp',
      RoleName: 'Developer',
      SAMLProviderArn: PROVIDER_ARN,
      RoleSessionName: SESSION_NAME,
    });
    const identity = await callerIdentityWith(profileCredential('ssp'), gateway.url);
    expect(identity?.arn).toBe(`acs:ram::${ACCOUNT}:assumed-role/Developer/${SESSION_NAME}`);
    expect(identity?.accountId).toBe(ACCOUNT);
  });

  it('offers the role picker when the assertion has several roles', async () => {
    const result = await runLogin(options({ output: 'json' }), testIo(chromium('Operator', 'cli-login-ssp')));
    expect(result.RoleName).toBe('Operator'); // not the first role, which the picker preselects
    expect(result.AssumedRoleUser.Arn).toBe(`acs:ram::${ACCOUNT}:assumed-role/Operator/${SESSION_NAME}`);
  });

  it('credential-process refreshes through the live IdP session without asking for the password again', async () => {
    const first = await runLogin(options({ role: 'Developer', profile: 'helper' }), testIo(chromium()));
    const silently = async (url: string) => {
      const page = await browser.newPage();
      try {
        await page.goto(url); // no form to fill: SimpleSAMLphp still knows carol
        await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
      } finally {
        await page.close();
      }
    };
    const io = testIo(silently);
    const refreshed = await freshCredentials({ profile: 'helper', refreshBeforeSeconds: 24 * 3600 }, io);
    expect(io.opened).toHaveLength(1);
    expect(refreshed.RoleName).toBe('Developer');
    expect(refreshed.Credentials.AccessKeyId).not.toBe(first.Credentials.AccessKeyId);
    expect(externalModeJson(refreshed)).toBe(
      `${JSON.stringify({
        mode: 'StsToken',
        access_key_id: refreshed.Credentials.AccessKeyId,
        access_key_secret: refreshed.Credentials.AccessKeySecret,
        sts_token: refreshed.Credentials.SecurityToken,
        expiration: refreshed.Credentials.Expiration,
      })}\n`,
    );
  });

  it('exchanges a SimpleSAMLphp response with --saml-response, once', async () => {
    const login = await idpInitiatedLogin(idp, { spEntityId: 'urn:alibaba:cloudcomputing', ...USER });
    const file = join(dir, 'response.b64');
    await writeFile(file, login.samlResponse);
    const result = await runLogin(
      options({ samlResponse: file, role: 'Developer', profile: 'ci' }),
      testIo(async () => undefined),
    );
    const identity = await callerIdentityWith(profileCredential('ci'), gateway.url);
    expect(identity?.arn).toBe(result.AssumedRoleUser.Arn);
    await expect(
      runLogin(
        options({ samlResponse: file, role: 'Developer', profile: 'ci' }),
        testIo(async () => undefined),
      ),
    ).rejects.toThrow(/AuthenticationFail\.SAMLAssertion\.Invalid/);
  });
});
