import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import { compilePolicy, findSystemPolicy, type CompiledPolicy } from '../../../src/core/policy/index.js';
import type { Principal } from '../../../src/core/principal.js';
import { decodeSecurityToken } from '../../../src/core/sts/credentials.js';
import { TokenKeyring, newTokenKey } from '../../../src/core/sts/keyring.js';
import {
  assumeRole,
  assumeRoleWithSaml,
  getCallerIdentity,
  userConsoleSession,
  userSsoSession,
  type SamlLogin,
} from '../../../src/core/sts/operations.js';
import type { RoleView, StsDeps, StsDirectory } from '../../../src/core/sts/ports.js';

const ACCT = '1234567890123456';
const OTHER = '6543210987654321';
const PROVIDER = `acs:ram::${ACCT}:saml-provider/okta`;
const RECIPIENT = 'https://signin.aliyun.com/saml-role/sso';
const NOW = Date.parse('2026-03-01T12:00:00Z');

const samlTrust = JSON.stringify({
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Federated: [PROVIDER] },
      Condition: { StringEquals: { 'saml:recipient': RECIPIENT } },
    },
  ],
});
const accountTrust = (account: string) =>
  JSON.stringify({
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${account}:root`] } },
    ],
  });

function role(name: string, trust: string, max = 3600): RoleView {
  return {
    accountId: ACCT,
    roleName: name,
    roleId: `30000000000000000${name.length}`,
    arn: `acs:ram::${ACCT}:role/${name}`,
    maxSessionDuration: max,
    trustPolicy: compilePolicy(trust, 'trust'),
  };
}

const system = (name: string) => {
  const p = findSystemPolicy(name);
  if (!p) throw new Error(`no system policy ${name}`);
  return compilePolicy(p.document, 'identity', { name });
};

const roles = new Map<string, RoleView>([
  ['admin', role('Admin', samlTrust, 7200)],
  ['ops', role('Ops', accountTrust(ACCT), 43_200)],
  ['partner', role('Partner', accountTrust(OTHER))],
  [
    'mfa-only',
    role(
      'Mfa-Only',
      JSON.stringify({
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { RAM: [`acs:ram::${ACCT}:root`] },
            Condition: { Bool: { 'acs:MFAPresent': 'true' } },
          },
        ],
      }),
    ),
  ],
]);
const userPolicies: Record<string, CompiledPolicy[]> = {
  alice: [system('AliyunSTSAssumeRoleAccess')],
  bob: [],
};
const directory: StsDirectory = {
  findRole: async (_a, name) => roles.get(name.toLowerCase()),
  findSamlProvider: async (_a, name) => (name === 'okta' ? { arn: PROVIDER } : undefined),
  userPolicies: async (_a, user) => userPolicies[user] ?? [],
  rolePolicies: async (_a, name) =>
    name === 'Ops' ? [system('AliyunSTSAssumeRoleAccess')] : [system('ReadOnlyAccess')],
};
const keyring = new TokenKeyring([newTokenKey(NOW)]);
const deps: StsDeps = { directory, keyring: async () => keyring, now: () => NOW };
const alice: Principal = {
  type: 'RAMUser',
  accountId: ACCT,
  userName: 'alice',
  userId: '200000000000000001',
};
const bob: Principal = { type: 'RAMUser', accountId: ACCT, userName: 'bob', userId: '200000000000000002' };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
}

const opsArn = `acs:ram::${ACCT}:role/Ops`;

describe('AssumeRole', () => {
  it('mints credentials for a caller whose policy allows it and whom the trust policy admits', async () => {
    const result = await assumeRole(deps, alice, {
      RoleArn: opsArn,
      RoleSessionName: 'alice-cli',
      DurationSeconds: '7200',
    });
    expect(result.AssumedRoleUser).toEqual({
      Arn: `acs:ram::${ACCT}:assumed-role/Ops/alice-cli`,
      AssumedRoleId: `300000000000000003:alice-cli`,
    });
    expect(result.Credentials.Expiration).toBe('2026-03-01T14:00:00Z');
    const claims = decodeSecurityToken(
      keyring,
      result.Credentials.SecurityToken,
      result.Credentials.AccessKeyId,
      NOW,
    );
    expect(claims).toMatchObject({
      acct: ACCT,
      role: 'Ops',
      session: 'alice-cli',
      via: 'sts:AssumeRole',
      source: `acs:ram::${ACCT}:user/alice`,
    });
  });

  it.each([
    [{ RoleSessionName: 's1' }, 'MissingParameter.RoleArn'],
    [{ RoleArn: opsArn }, 'MissingParameter.RoleSessionName'],
    [{ RoleArn: 'acs:ram::1:user/x', RoleSessionName: 's1' }, 'InvalidParameter.RoleArn'],
    [{ RoleArn: `acs:ram::${ACCT}:role/Nope`, RoleSessionName: 's1' }, 'EntityNotExist.Role'],
    [{ RoleArn: opsArn, RoleSessionName: 'a' }, 'InvalidParameter.RoleSessionName'],
    [{ RoleArn: opsArn, RoleSessionName: 'ab' }, 'ok'],
    [{ RoleArn: opsArn, RoleSessionName: 'a'.repeat(64) }, 'ok'],
    [{ RoleArn: opsArn, RoleSessionName: 'a'.repeat(65) }, 'InvalidParameter.RoleSessionName'],
    [{ RoleArn: opsArn, RoleSessionName: 'a+b' }, 'InvalidParameter.RoleSessionName'],
    [{ RoleArn: opsArn, RoleSessionName: 's1', DurationSeconds: '899' }, 'InvalidParameter.DurationSeconds'],
    [{ RoleArn: opsArn, RoleSessionName: 's1', DurationSeconds: '900' }, 'ok'],
    [{ RoleArn: opsArn, RoleSessionName: 's1', DurationSeconds: '43200' }, 'ok'],
    [
      { RoleArn: opsArn, RoleSessionName: 's1', DurationSeconds: '43201' },
      'InvalidParameter.DurationSeconds',
    ],
    [{ RoleArn: opsArn, RoleSessionName: 's1', DurationSeconds: '1e3' }, 'InvalidParameter.DurationSeconds'],
    [{ RoleArn: opsArn, RoleSessionName: 's1', Policy: '{"Version":"1"' }, 'InvalidParameter.PolicyGrammar'],
    [{ RoleArn: opsArn, RoleSessionName: 's1', ExternalId: 'x' }, 'InvalidParameter.ExternalId'],
  ])('%j → %s', async (params, code) => {
    expect(await codeOf(assumeRole(deps, alice, params))).toBe(code);
  });

  it('limits the session Policy to 2,048 characters', async () => {
    const policyOf = (len: number) => {
      const base = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}';
      return base + ' '.repeat(len - base.length);
    };
    expect(
      await codeOf(
        assumeRole(deps, alice, { RoleArn: opsArn, RoleSessionName: 's1', Policy: policyOf(2048) }),
      ),
    ).toBe('ok');
    expect(
      await codeOf(
        assumeRole(deps, alice, { RoleArn: opsArn, RoleSessionName: 's1', Policy: policyOf(2049) }),
      ),
    ).toBe('InvalidParameter.PolicySize');
  });

  it('refuses a caller whose identity policy does not allow sts:AssumeRole', async () => {
    expect(await codeOf(assumeRole(deps, bob, { RoleArn: opsArn, RoleSessionName: 's1' }))).toBe(
      'NoPermission',
    );
  });

  it('refuses a caller the trust policy does not admit', async () => {
    const result = assumeRole(deps, alice, {
      RoleArn: `acs:ram::${ACCT}:role/Partner`,
      RoleSessionName: 's1',
    });
    await expect(result).rejects.toThrow(
      /trust policy .* does not admit acs:ram::1234567890123456:user\/alice/,
    );
  });

  it('refuses the account principal (Alibaba: roles may not be assumed by root accounts); a role session chains', async () => {
    const root: Principal = { type: 'Account', accountId: ACCT };
    expect(await codeOf(assumeRole(deps, root, { RoleArn: opsArn, RoleSessionName: 'root1' }))).toBe(
      'NoPermission',
    );
    const session: Principal = {
      type: 'AssumedRoleUser',
      accountId: ACCT,
      roleName: 'Ops',
      roleId: '1',
      sessionName: 'x',
    };
    expect(await codeOf(assumeRole(deps, session, { RoleArn: opsArn, RoleSessionName: 'chain' }))).toBe('ok');
    const narrowed = {
      ...session,
      sessionPolicy: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Resource":"*"}]}',
    };
    expect(await codeOf(assumeRole(deps, narrowed, { RoleArn: opsArn, RoleSessionName: 'chain' }))).toBe(
      'NoPermission',
    );
  });
});

describe('AssumeRole and MFA', () => {
  const claimsOf = (c: { AccessKeyId: string; SecurityToken: string }) =>
    decodeSecurityToken(keyring, c.SecurityToken, c.AccessKeyId, NOW);
  const mfaRoleArn = `acs:ram::${ACCT}:role/Mfa-Only`;

  // AWS: role chaining from an MFA session keeps aws:MultiFactorAuthPresent; Alibaba's AssumeRole
  // takes no MFA code, so the caller's own session is the only source.
  it('the role session carries MFA exactly when the calling session passed it', async () => {
    const withMfa = await assumeRole(
      deps,
      { ...alice, mfaPresent: true },
      { RoleArn: opsArn, RoleSessionName: 'm1' },
    );
    expect(claimsOf(withMfa.Credentials).mfa).toBe(true);
    const without = await assumeRole(deps, alice, { RoleArn: opsArn, RoleSessionName: 'm2' });
    expect('mfa' in claimsOf(without.Credentials)).toBe(false);
    const falseFlag = await assumeRole(
      deps,
      { ...alice, mfaPresent: false },
      { RoleArn: opsArn, RoleSessionName: 'm3' },
    );
    expect('mfa' in claimsOf(falseFlag.Credentials)).toBe(false);
  });

  it('a trust policy requiring acs:MFAPresent admits an MFA session and refuses the rest; facts cannot claim MFA', async () => {
    const params = { RoleArn: mfaRoleArn, RoleSessionName: 'chain' };
    expect(await codeOf(assumeRole(deps, { ...alice, mfaPresent: true }, params))).toBe('ok');
    expect(await codeOf(assumeRole(deps, alice, params))).toBe('NoPermission');
    // The request's facts never set MFA: only the principal (from its token) does.
    expect(await codeOf(assumeRole(deps, alice, params, { mfaPresent: true }))).toBe('NoPermission');
    const root: Principal = { type: 'Account', accountId: ACCT };
    expect(await codeOf(assumeRole(deps, root, params, { mfaPresent: true }))).toBe('NoPermission');
  });

  it('AssumeRoleWithSAML without an MFA context mints no MFA claim', async () => {
    const result = await assumeRoleWithSaml(
      deps,
      {
        issuer: 'https://idp.example.com',
        recipient: RECIPIENT,
        offeredRoles: [{ roleArn: `acs:ram::${ACCT}:role/Admin`, providerArn: PROVIDER }],
        sessionName: 'alice',
      },
      { SAMLProviderArn: PROVIDER, RoleArn: `acs:ram::${ACCT}:role/Admin` },
    );
    expect('mfa' in claimsOf(result.Credentials)).toBe(false);
  });
});

describe('userConsoleSession (user-based SSO and password sign-in)', () => {
  const user = { accountId: ACCT, userName: 'alice', userId: '200000000000000001' };

  it('defaults to via sso:user without MFA; password sign-in with a TOTP step mints via signin:password and mfa', async () => {
    const sso = await userConsoleSession(deps, user, {}, 3600);
    expect(sso.claims).toMatchObject({ kind: 'RAMUser', user: 'alice', via: 'sso:user' });
    expect('mfa' in sso.claims).toBe(false);
    const password = await userConsoleSession(deps, user, { via: 'signin:password', mfaPresent: true }, 3600);
    const decoded = decodeSecurityToken(
      keyring,
      password.credentials.SecurityToken,
      password.credentials.AccessKeyId,
      NOW,
    );
    expect(decoded).toMatchObject({ via: 'signin:password', mfa: true, user: 'alice' });
    const noTotp = await userConsoleSession(deps, user, { via: 'signin:password', mfaPresent: false }, 3600);
    expect('mfa' in noTotp.claims).toBe(false);
  });

  it('the former name userSsoSession still works', () => {
    expect(userSsoSession).toBe(userConsoleSession);
  });
});

describe('AssumeRoleWithSAML', () => {
  const adminArn = `acs:ram::${ACCT}:role/Admin`;
  const login: SamlLogin = {
    issuer: 'http://www.okta.com/exk1',
    nameId: 'alice@example.com',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    recipient: RECIPIENT,
    offeredRoles: [{ roleArn: adminArn, providerArn: PROVIDER }],
    sessionName: 'alice@example.com',
  };
  const params = { SAMLProviderArn: PROVIDER, RoleArn: adminArn };

  it('mints role credentials and echoes the assertion info', async () => {
    const result = await assumeRoleWithSaml(deps, login, params);
    expect(result.SAMLAssertionInfo).toEqual({
      SubjectType: 'emailAddress',
      Subject: 'alice@example.com',
      Recipient: RECIPIENT,
      Issuer: 'http://www.okta.com/exk1',
    });
    expect(result.AssumedRoleUser.Arn).toBe(`acs:ram::${ACCT}:assumed-role/Admin/alice@example.com`);
    expect(result.Credentials.Expiration).toBe('2026-03-01T13:00:00Z');
  });

  it.each([
    [{ RoleArn: adminArn }, login, 'MissingParameter.SAMLProviderArn'],
    [{ SAMLProviderArn: PROVIDER }, login, 'MissingParameter.RoleArn'],
    [
      { ...params, SAMLProviderArn: `acs:ram::${ACCT}:saml-provider/nope` },
      login,
      'EntityNotExist.SAMLProvider',
    ],
    [{ ...params, RoleArn: `acs:ram::${ACCT}:role/nope` }, login, 'EntityNotExist.RoleArn'],
    [{ ...params, RoleArn: opsArn }, login, 'AuthenticationFail.SAMLAssertion.Invalid'],
    [params, { ...login, sessionName: 'DOMAIN\\alice' }, 'InvalidParameter.RoleSessionName'],
    [params, { ...login, sessionName: undefined }, 'AuthenticationFail.SAMLAssertion.Invalid'],
    [params, { ...login, recipient: 'https://evil.example/saml-role/sso' }, 'NoPermission'],
    [{ ...params, DurationSeconds: '7200' }, login, 'ok'],
    [{ ...params, DurationSeconds: '7201' }, login, 'InvalidParameter.DurationSeconds'],
    [params, { ...login, sessionNotOnOrAfter: NOW }, 'AuthenticationFail.SAMLAssertion.Expired'],
  ] as const)('%j → %s', async (p, l, code) => {
    expect(await codeOf(assumeRoleWithSaml(deps, l as SamlLogin, p))).toBe(code);
  });

  it('matches the offered pair case-insensitively', async () => {
    const upper = {
      ...login,
      offeredRoles: [
        { roleArn: adminArn.toUpperCase().replace('ACS:RAM', 'acs:ram'), providerArn: PROVIDER },
      ],
    };
    expect(await codeOf(assumeRoleWithSaml(deps, upper, params))).toBe('ok');
  });

  it('never outlives the IdP session and caps the console duration at MaxSessionDuration', async () => {
    const short = await assumeRoleWithSaml(deps, { ...login, sessionNotOnOrAfter: NOW + 600_000 }, params);
    expect(short.Credentials.Expiration).toBe('2026-03-01T12:10:00Z');
    const capped = await assumeRoleWithSaml(deps, login, { ...params, DurationSeconds: '43200' }, 'cap');
    expect(capped.Credentials.Expiration).toBe('2026-03-01T14:00:00Z');
  });
});

describe('GetCallerIdentity', () => {
  it('is the same for a session with or without MFA (MFA is no part of the identity)', () => {
    expect(getCallerIdentity({ ...alice, mfaPresent: true })).toEqual(getCallerIdentity(alice));
  });

  it('describes accounts, users and role sessions as Alibaba does', () => {
    expect(getCallerIdentity({ type: 'Account', accountId: ACCT })).toEqual({
      AccountId: ACCT,
      IdentityType: 'Account',
      Arn: `acs:ram::${ACCT}:root`,
      PrincipalId: ACCT,
    });
    expect(getCallerIdentity(alice)).toEqual({
      AccountId: ACCT,
      IdentityType: 'RAMUser',
      Arn: `acs:ram::${ACCT}:user/alice`,
      UserId: '200000000000000001',
      PrincipalId: '200000000000000001',
    });
    expect(
      getCallerIdentity({
        type: 'AssumedRoleUser',
        accountId: ACCT,
        roleName: 'Admin',
        roleId: '3001',
        sessionName: 'alice',
      }),
    ).toEqual({
      AccountId: ACCT,
      IdentityType: 'AssumedRoleUser',
      Arn: `acs:ram::${ACCT}:assumed-role/Admin/alice`,
      RoleId: '3001',
      PrincipalId: '3001:alice',
    });
  });
});
