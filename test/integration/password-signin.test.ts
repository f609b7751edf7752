/**
 * Password sign-in of RAM users at the HTTP level (the Chromium walk-through is
 * password-signin-browser.test.ts): the same answer for an unknown user, an unknown domain, a user
 * without a login profile and a wrong password; the double-submit token on every form; field
 * limits; the lockout answering the same page for right and wrong passwords; MaxPasswordAge with
 * and without HardExpire; an inactive profile; single use of a pending step; the login rate limit.
 */
import Ims, { GetUserRequest } from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { DEMO_PASSWORD_USER } from '../../src/cli/demo-password.js';
import { createLogger } from '../../src/http/logger.js';
import { MAX_LOGON_NAME } from '../../src/sso/password-signin.js';
import { inputValue, WebSession } from '../support/gateway-client.js';
import {
  createPasswordAccount,
  normalized,
  PW_ACCOUNT,
  PW_DOMAIN,
  submitLogon,
  submitStep,
  userWithPassword,
  boundDevice,
} from '../support/password-signin.js';
import { codeAt } from '../support/totp.js';
import { MFA_ONLY_GET_USER } from '../support/mfa-policy.js';

const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;

const PASSWORD = 'Correct-horse-9';
let offsetMs = 0;
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway({
    demo: true,
    logger: createLogger({ level: 'silent' }),
    now: () => Date.now() + offsetMs,
  });
  await createPasswordAccount(gateway);
  await userWithPassword(gateway, 'carol', PASSWORD);
  await gateway.gw.directory.CreateUser(PW_ACCOUNT, { UserName: 'noprofile' });
});
afterAll(() => gateway?.close());

const web = () => new WebSession();

/** Run `body` under a password policy, then put IMS's defaults back. */
async function withPolicy(policy: Record<string, number | boolean>, body: () => Promise<void>) {
  await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, policy);
  try {
    await body();
  } finally {
    await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, {
      MaxLoginAttemps: 0,
      MaxPasswordAge: 0,
      HardExpire: false,
    });
  }
}

describe('password sign-in: what a failure reveals', () => {
  it('signs in with the right password: 303 to the console, a RAM user session, LastLoginTime recorded', async () => {
    const session = web();
    const page = await submitLogon(gateway, session, { logonName: `carol@${PW_DOMAIN}`, password: PASSWORD });
    expect(page.status).toBe(303);
    expect(page.location).toBe('/console');
    const console = await session.request(`${gateway.url}/console`);
    expect(console.html).toContain(`<dd id="user-name">carol</dd>`);
    expect(console.html).toContain(`>acs:ram::${PW_ACCOUNT}:user/carol</dd>`);
    const profile = await gateway.gw.directory.GetLoginProfile(PW_ACCOUNT, { UserName: 'carol' });
    expect(profile.LoginProfile.LastLoginTime).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('unknown user, unknown domain, no login profile and wrong password: the same status and page', async () => {
    const answers = [];
    for (const logonName of [
      `carol@${PW_DOMAIN}`,
      `nosuch@${PW_DOMAIN}`,
      'carol@nosuch.example.com',
      `noprofile@${PW_DOMAIN}`,
    ]) {
      const page = await submitLogon(gateway, web(), { logonName, password: 'Wrong-password-1' });
      answers.push({ status: page.status, html: normalized(page.html).replace(logonName, 'NAME') });
    }
    expect(answers[0]?.status).toBe(401);
    expect(answers[0]?.html).toContain('The user name or password is incorrect.');
    expect(answers[0]?.html).toContain('<code>AuthenticationFail.Password</code>');
    for (const other of answers.slice(1)) expect(other).toEqual(answers[0]);
  });

  it('the account chosen on the sign-in page: the bare user name signs in; another account’s domain does not', async () => {
    const ok = await submitLogon(gateway, web(), {
      account: PW_ACCOUNT,
      logonName: 'carol',
      password: PASSWORD,
    });
    expect(ok.location).toBe('/console');
    const other = await submitLogon(gateway, web(), {
      account: PW_ACCOUNT,
      logonName: 'carol@demo.onaliyun.com',
      password: PASSWORD,
    });
    expect(other.status).toBe(401);
  });
});

describe('password sign-in: demo mode', () => {
  it('the demo has a RAM user with a password in an account without user SSO, linked from the sign-in page', async () => {
    const home = await web().request(`${gateway.url}/signin`);
    expect(home.html).toContain(
      `Password sign-in (${DEMO_PASSWORD_USER.name} / ${DEMO_PASSWORD_USER.password})`,
    );
    const page = await submitLogon(gateway, web(), {
      logonName: `${DEMO_PASSWORD_USER.name}@demo-password.onaliyun.com`,
      password: DEMO_PASSWORD_USER.password,
    });
    expect(page.location).toBe('/console');
  });
});

describe('password sign-in: forms and limits', () => {
  it('refuses a POST without the form cookie, or with another token (Forbidden.CSRF), before checking anything', async () => {
    const none = await web().request(`${gateway.url}/signin/user`, {
      csrf: 'x'.repeat(32),
      'logon-name': `carol@${PW_DOMAIN}`,
      password: PASSWORD,
    });
    expect(none.status).toBe(403);
    expect(none.html).toContain('Forbidden.CSRF');
    const session = web();
    await session.request(`${gateway.url}/signin/user`);
    const forged = await session.request(`${gateway.url}/signin/user`, {
      csrf: 'y'.repeat(32),
      'logon-name': `carol@${PW_DOMAIN}`,
      password: PASSWORD,
    });
    expect(forged.status).toBe(403);
    expect(session.cookies.has('ramgate_session')).toBe(false);
  });

  it('limits every field: logon name, password, codes; the form says what was wrong', async () => {
    const long = await submitLogon(gateway, web(), {
      logonName: `${'a'.repeat(MAX_LOGON_NAME)}@x`,
      password: 'p',
    });
    expect(long.status).toBe(400);
    expect(long.html).toContain(`The logon name is longer than ${MAX_LOGON_NAME} characters.`);
    const pw = await submitLogon(gateway, web(), {
      logonName: `carol@${PW_DOMAIN}`,
      password: 'p'.repeat(129),
    });
    expect(pw.status).toBe(400);
    expect(pw.html).toContain('The password is longer than 128 characters.');
    const empty = await submitLogon(gateway, web(), { logonName: '', password: '' });
    expect(empty.status).toBe(400);
    const form = await web().request(`${gateway.url}/signin/user`);
    expect(form.html).toContain(`maxlength="${MAX_LOGON_NAME}"`);
    expect(form.html).toContain('autocomplete="current-password"');
    expect(form.html).toContain('<label for="password">Password</label>');
  });

  it('the form body is size-limited', async () => {
    const session = web();
    await session.request(`${gateway.url}/signin/user`);
    const res = await fetch(`${gateway.url}/signin/user`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `password=${'a'.repeat(400 * 1024)}`,
    });
    expect(res.status).toBe(413);
  });
});

describe('password sign-in: lockout, expiry, disabled profiles, pending steps', () => {
  it('MaxLoginAttemps: the third wrong password locks the user for an hour; right and wrong passwords then get the same page', async () => {
    await userWithPassword(gateway, 'dave', PASSWORD);
    await withPolicy({ MaxLoginAttemps: 3 }, async () => {
      const logon = { logonName: `dave@${PW_DOMAIN}` };
      for (let i = 0; i < 2; i++)
        expect((await submitLogon(gateway, web(), { ...logon, password: 'Wrong-1' })).status).toBe(401);
      const third = await submitLogon(gateway, web(), { ...logon, password: 'Wrong-1' });
      expect(third.status).toBe(403);
      expect(third.html).toContain('This RAM user is locked');
      const right = await submitLogon(gateway, web(), { ...logon, password: PASSWORD });
      const wrong = await submitLogon(gateway, web(), { ...logon, password: 'Wrong-1' });
      expect(right.status).toBe(403);
      expect(normalized(right.html)).toBe(normalized(wrong.html));
      // Another user is not affected, and an hour later dave signs in again.
      expect(
        (await submitLogon(gateway, web(), { logonName: `carol@${PW_DOMAIN}`, password: PASSWORD })).status,
      ).toBe(303);
      offsetMs += 3601_000;
      expect((await submitLogon(gateway, web(), { ...logon, password: PASSWORD })).status).toBe(303);
    });
  });

  it('a success resets the count of wrong passwords', async () => {
    await userWithPassword(gateway, 'erin', PASSWORD);
    await withPolicy({ MaxLoginAttemps: 2 }, async () => {
      const logon = { logonName: `erin@${PW_DOMAIN}` };
      expect((await submitLogon(gateway, web(), { ...logon, password: 'Wrong-1' })).status).toBe(401);
      expect((await submitLogon(gateway, web(), { ...logon, password: PASSWORD })).status).toBe(303);
      expect((await submitLogon(gateway, web(), { ...logon, password: 'Wrong-1' })).status).toBe(401);
      expect((await submitLogon(gateway, web(), { ...logon, password: PASSWORD })).status).toBe(303);
    });
  });

  it('MaxPasswordAge: an expired password must be changed at sign-in; with HardExpire only an administrator can help', async () => {
    await userWithPassword(gateway, 'frank', PASSWORD);
    await withPolicy({ MaxPasswordAge: 1 }, async () => {
      offsetMs += 2 * 24 * 3600_000;
      const logon = { logonName: `frank@${PW_DOMAIN}`, password: PASSWORD };
      await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, { HardExpire: true });
      const hard = await submitLogon(gateway, web(), logon);
      expect(hard.status).toBe(403);
      expect(hard.html).toContain('Your password has expired');
      expect(hard.html).toContain('AuthenticationFail.Password.Expired');
      await gateway.gw.directory.SetPasswordPolicy(PW_ACCOUNT, { HardExpire: false });
      const session = web();
      const change = await submitLogon(gateway, session, logon);
      expect(change.status).toBe(200);
      expect(change.html).toContain('Your password has expired under the password policy');
      const reused = await submitStep(gateway, session, change, {
        'new-password': PASSWORD.slice(0, 4),
        'confirm-password': PASSWORD.slice(0, 4),
      });
      expect(reused.status).toBe(400);
      expect(reused.html).toContain('at least 8 characters');
      const done = await submitStep(gateway, session, reused, {
        'new-password': 'Brand-new-pass-2',
        'confirm-password': 'Brand-new-pass-2',
      });
      expect(done.location).toBe('/console');
      expect((await submitLogon(gateway, web(), { ...logon, password: 'Brand-new-pass-2' })).location).toBe(
        '/console',
      );
    });
  });

  it('an Inactive login profile: the right password says sign-in is disabled, a wrong one is just incorrect', async () => {
    await userWithPassword(gateway, 'gina', PASSWORD, { Status: 'Inactive' });
    const right = await submitLogon(gateway, web(), { logonName: `gina@${PW_DOMAIN}`, password: PASSWORD });
    expect(right.status).toBe(403);
    expect(right.html).toContain('Console sign-in is disabled for you');
    const wrong = await submitLogon(gateway, web(), {
      logonName: `gina@${PW_DOMAIN}`,
      password: 'Nope-nope-1',
    });
    expect(wrong.status).toBe(401);
  });

  it('a pending step is single use, bound to its token, and refuses a step it is not at', async () => {
    await userWithPassword(gateway, 'hank', PASSWORD, { PasswordResetRequired: true });
    const session = web();
    const change = await submitLogon(gateway, session, {
      logonName: `hank@${PW_DOMAIN}`,
      password: PASSWORD,
    });
    expect(change.html).toContain('An administrator asked you to set a new password');
    const stranger = new WebSession();
    const stolen = await submitStep(gateway, stranger, change, {
      'new-password': 'x',
      'confirm-password': 'x',
    });
    expect(stolen.status).toBe(403);
    // The refused attempt used the pending sign-in up: the owner starts again.
    const again = await submitLogon(gateway, session, { logonName: `hank@${PW_DOMAIN}`, password: PASSWORD });
    const wrongStep = await web().request(`${gateway.url}/signin/user/step`, {
      csrf: inputValue(again.html, 'csrf') ?? '',
      pending: inputValue(again.html, 'pending') ?? '',
      step: 'mfa',
      code: '123456',
    });
    expect(wrongStep.status).toBe(403); // no cookie: the token check comes first
    const third = await submitLogon(gateway, session, { logonName: `hank@${PW_DOMAIN}`, password: PASSWORD });
    const mismatch = await submitStep(gateway, session, third, {
      'new-password': 'Brand-new-pass-3',
      'confirm-password': 'Brand-new-pass-4',
    });
    expect(mismatch.html).toContain('The two new passwords are not the same.');
    const done = await submitStep(gateway, session, mismatch, {
      'new-password': 'Brand-new-pass-3',
      'confirm-password': 'Brand-new-pass-3',
    });
    expect(done.location).toBe('/console');
    const replayed = await submitStep(gateway, session, mismatch, {
      'new-password': 'Brand-new-pass-5',
      'confirm-password': 'Brand-new-pass-5',
    });
    expect(replayed.status).toBe(401);
    expect(replayed.html).toContain('AuthenticationFail.Session');
  });
});

describe('password sign-in: changes while a sign-in is pending', () => {
  it('a profile disabled or a password changed by an administrator meanwhile ends the pending sign-in', async () => {
    await userWithPassword(gateway, 'lee', PASSWORD, { PasswordResetRequired: true });
    const d = gateway.gw.directory;
    const newPassword = { 'new-password': 'Lee-new-pass-1', 'confirm-password': 'Lee-new-pass-1' };
    const session = web();
    const change = await submitLogon(gateway, session, { logonName: `lee@${PW_DOMAIN}`, password: PASSWORD });
    await d.UpdateLoginProfile(PW_ACCOUNT, { UserName: 'lee', Status: 'Inactive' });
    const disabled = await submitStep(gateway, session, change, newPassword);
    expect(disabled.status).toBe(401);
    expect(disabled.html).toContain('AuthenticationFail.Session');
    await d.UpdateLoginProfile(PW_ACCOUNT, { UserName: 'lee', Status: 'Active' });
    const again = await submitLogon(gateway, session, { logonName: `lee@${PW_DOMAIN}`, password: PASSWORD });
    await d.UpdateLoginProfile(PW_ACCOUNT, { UserName: 'lee', Password: 'Admin-set-pass-1' });
    const changed = await submitStep(gateway, session, again, newPassword);
    expect(changed.status).toBe(401);
    expect(session.cookies.has('ramgate_session')).toBe(false);
  });
});

describe('password sign-in: the security preference', () => {
  it('LoginNetworkMasks outside the client address refuses, LoginSessionDuration sets the session, mandatory MFA asks for a binding', async () => {
    await userWithPassword(gateway, 'ivy', PASSWORD);
    const d = gateway.gw.directory;
    const logon = { logonName: `ivy@${PW_DOMAIN}`, password: PASSWORD };
    try {
      await d.SetSecurityPreference(PW_ACCOUNT, { LoginNetworkMasks: '10.0.0.0/8' });
      const outside = await submitLogon(gateway, web(), logon);
      expect(outside.status).toBe(401);
      expect(outside.html).toContain('AuthenticationFail.LoginNetworkMask');
      await d.SetSecurityPreference(PW_ACCOUNT, {
        LoginNetworkMasks: '127.0.0.0/8',
        LoginSessionDuration: 1,
      });
      const session = web();
      expect((await submitLogon(gateway, session, logon)).location).toBe('/console');
      const expiry =
        (await session.request(`${gateway.url}/console`)).html.match(
          /id="expiration" datetime="([^"]+)"/,
        )?.[1] ?? '';
      const seconds = (Date.parse(expiry) - gateway.gw.now()) / 1000;
      expect(seconds).toBeGreaterThan(3500);
      expect(seconds).toBeLessThanOrEqual(3600);
      await d.SetSecurityPreference(PW_ACCOUNT, { MFAOperationForLogin: 'mandatory' });
      const bind = await submitLogon(gateway, web(), logon);
      expect(bind.status).toBe(200);
      expect(bind.html).toContain('Set up an MFA device');
    } finally {
      await d.SetSecurityPreference(PW_ACCOUNT, {
        LoginNetworkMasks: '',
        LoginSessionDuration: 6,
        MFAOperationForLogin: 'independent',
      });
    }
  });
});

describe('password sign-in: the session carries MFA', () => {
  /** The temporary credentials shown on the console page. */
  const credentialsOf = (html: string) => {
    const value = (id: string) => new RegExp(`id="${id}"[^>]*>([^<]+)<`).exec(html)?.[1]?.trim() ?? '';
    return {
      accessKeyId: value('access-key-id'),
      accessKeySecret: value('access-key-secret'),
      securityToken: value('security-token'),
    };
  };
  const getUser = async (keys: ReturnType<typeof credentialsOf>, upn: string) => {
    const ims = new ImsClient(
      new OpenApi.$OpenApiUtil.Config({ endpoint: new URL(gateway.url).host, protocol: 'http', ...keys }),
    );
    try {
      await ims.getUser(new GetUserRequest({ userPrincipalName: upn }));
      return 'ok';
    } catch (error) {
      return (error as { code: string }).code;
    }
  };

  it('"Bool": {"acs:MFAPresent": "true"} allows the session that typed an MFA code and denies one that did not', async () => {
    offsetMs = 0; // the SDK signs with the real clock
    const d = gateway.gw.directory;
    await d.CreatePolicy(PW_ACCOUNT, {
      PolicyName: 'NeedsMfa',
      PolicyDocument: JSON.stringify(MFA_ONLY_GET_USER),
    });
    for (const name of ['jo', 'kim']) {
      await userWithPassword(gateway, name, PASSWORD);
      await d.AttachPolicyToUser(PW_ACCOUNT, {
        PolicyType: 'Custom',
        PolicyName: 'NeedsMfa',
        UserName: name,
      });
    }
    const seed = await boundDevice(gateway, 'jo');
    const withMfa = web();
    const mfaPage = await submitLogon(gateway, withMfa, { logonName: `jo@${PW_DOMAIN}`, password: PASSWORD });
    const signedIn = await submitStep(gateway, withMfa, mfaPage, {
      code: codeAt(seed, new Date(gateway.gw.now())),
    });
    expect(signedIn.location).toBe('/console');
    const mfaKeys = credentialsOf((await withMfa.request(`${gateway.url}/console`)).html);
    expect(mfaKeys.accessKeyId).toMatch(/^STS\./);
    expect(await getUser(mfaKeys, `jo@${PW_DOMAIN}`)).toBe('ok');
    const without = web();
    expect(
      (await submitLogon(gateway, without, { logonName: `kim@${PW_DOMAIN}`, password: PASSWORD })).location,
    ).toBe('/console');
    const plainKeys = credentialsOf((await without.request(`${gateway.url}/console`)).html);
    expect(await getUser(plainKeys, `kim@${PW_DOMAIN}`)).toBe('NoPermission');
  });
});

describe('password sign-in: the login rate limit', () => {
  it('counts the POSTs per client address in the login class', async () => {
    const limited = await startGateway({
      demo: true,
      logger: createLogger({ level: 'silent' }),
      rateLimits: { login: 2 },
    });
    try {
      const session = new WebSession();
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const page = await submitLogon(limited, session, {
          logonName: 'x@nosuch.example.com',
          password: 'whatever-1',
        });
        statuses.push(page.status);
      }
      expect(statuses.slice(0, 2)).toEqual([401, 401]);
      expect(statuses[2]).toBe(400);
    } finally {
      await limited.close();
    }
  });
});
