import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluateTrust, type TrustPrincipal } from '../../../src/core/policy/index.js';
import { doc, expectRejected, REFERENCE_SAML_TRUST } from './helpers.js';

const A = '1234567890123456';
const B = '6543210987654321';
const PROVIDER = `acs:ram::${A}:saml-provider/testprovider`;

/** Reference §2.4, with a real account id in place of the doc's masked one. */
const SAML_TRUST = compilePolicy(REFERENCE_SAML_TRUST.replace('123456789012****', A), 'trust', {
  name: 'SamlTrust',
});

const federated = (arn: string): TrustPrincipal => ({ type: 'Federated', arn });

describe('SAML trust policy of reference §2.4', () => {
  it.each([
    ['the recipient as configured', PROVIDER, 'https://signin.aliyun.com/saml-role/sso', 'Allow'],
    [
      'the recipient with an upper-case path, as STS echoes it (§2.2)',
      PROVIDER,
      'https://signin.aliyun.com/saml-role/SSO',
      'Allow',
    ],
    ['the recipient with an upper-case host', PROVIDER, 'HTTPS://SIGNIN.ALIYUN.COM/saml-role/sso', 'Allow'],
    [
      'the international recipient (another SP)',
      PROVIDER,
      'https://signin.alibabacloud.com/saml-role/sso',
      'ImplicitDeny',
    ],
    ['a recipient with a longer path', PROVIDER, 'https://signin.aliyun.com/saml-role/sso/x', 'ImplicitDeny'],
    [
      'another provider of the account',
      `acs:ram::${A}:saml-provider/other`,
      'https://signin.aliyun.com/saml-role/sso',
      'ImplicitDeny',
    ],
    [
      'the same provider name in another account',
      `acs:ram::${B}:saml-provider/testprovider`,
      'https://signin.aliyun.com/saml-role/sso',
      'ImplicitDeny',
    ],
    [
      'a provider name in another case',
      `acs:ram::${A}:saml-provider/TestProvider`,
      'https://signin.aliyun.com/saml-role/sso',
      'ImplicitDeny',
    ],
    ['a malformed provider ARN', 'not-an-arn', 'https://signin.aliyun.com/saml-role/sso', 'ImplicitDeny'],
  ])('%s → %s', (_name, arn, recipient, expected) => {
    expect(
      evaluateTrust(SAML_TRUST, { principal: federated(arn), context: { 'saml:recipient': recipient } })
        .decision,
    ).toBe(expected);
  });

  it('a missing saml:recipient fails the condition', () => {
    expect(evaluateTrust(SAML_TRUST, { principal: federated(PROVIDER) }).decision).toBe('ImplicitDeny');
  });

  it('names the deciding statement', () => {
    expect(
      evaluateTrust(SAML_TRUST, {
        principal: federated(PROVIDER),
        context: { 'SAML:Recipient': 'https://signin.aliyun.com/saml-role/sso' },
      }),
    ).toEqual({
      decision: 'Allow',
      policy: 'SamlTrust',
      statement: 0,
    });
  });

  it('a RAM principal of the same account is not the federated provider', () => {
    expect(
      evaluateTrust(SAML_TRUST, {
        principal: { type: 'RAM', arn: `acs:ram::${A}:root` },
        context: { 'saml:recipient': 'https://signin.aliyun.com/saml-role/sso' },
      }).decision,
    ).toBe('ImplicitDeny');
  });
});

describe('RAM and Service principals', () => {
  const trust = (principal: object, ...more: object[]) =>
    compilePolicy(doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal }, ...more), 'trust');
  const ram = (arn: string): TrustPrincipal => ({ type: 'RAM', arn });

  it.each([
    [
      'root admits a user of the account',
      { RAM: `acs:ram::${A}:root` },
      ram(`acs:ram::${A}:user/alice`),
      'Allow',
    ],
    [
      'root admits a role of the account',
      { RAM: [`acs:ram::${A}:root`] },
      ram(`acs:ram::${A}:role/ops`),
      'Allow',
    ],
    [
      'root admits a role session of the account',
      { RAM: `acs:ram::${A}:root` },
      ram(`acs:ram::${A}:assumed-role/ops/alice`),
      'Allow',
    ],
    ['root admits the account itself', { RAM: `acs:ram::${A}:root` }, ram(`acs:ram::${A}:root`), 'Allow'],
    [
      'root does not admit another account',
      { RAM: `acs:ram::${A}:root` },
      ram(`acs:ram::${B}:user/alice`),
      'ImplicitDeny',
    ],
    ['a bare account id is the account', { RAM: A }, ram(`acs:ram::${A}:user/bob`), 'Allow'],
    ['a bare account id admits no other account', { RAM: A }, ram(`acs:ram::${B}:user/bob`), 'ImplicitDeny'],
    [
      'a user admits that user',
      { RAM: `acs:ram::${A}:user/alice` },
      ram(`acs:ram::${A}:user/alice`),
      'Allow',
    ],
    [
      'user names compare case-insensitively',
      { RAM: `acs:ram::${A}:user/Alice` },
      ram(`acs:ram::${A}:user/alice`),
      'Allow',
    ],
    [
      'a user does not admit another user',
      { RAM: `acs:ram::${A}:user/alice` },
      ram(`acs:ram::${A}:user/bob`),
      'ImplicitDeny',
    ],
    [
      'a user does not admit a role of that name',
      { RAM: `acs:ram::${A}:user/alice` },
      ram(`acs:ram::${A}:role/alice`),
      'ImplicitDeny',
    ],
    [
      'a user does not admit the account root',
      { RAM: `acs:ram::${A}:user/alice` },
      ram(`acs:ram::${A}:root`),
      'ImplicitDeny',
    ],
    ['a role admits that role', { RAM: `acs:ram::${A}:role/ops` }, ram(`acs:ram::${A}:role/OPS`), 'Allow'],
    [
      'a role admits sessions of that role',
      { RAM: `acs:ram::${A}:role/ops` },
      ram(`acs:ram::${A}:assumed-role/ops/s1`),
      'Allow',
    ],
    [
      'a role does not admit sessions of another role',
      { RAM: `acs:ram::${A}:role/ops` },
      ram(`acs:ram::${A}:assumed-role/dev/s1`),
      'ImplicitDeny',
    ],
    ['a malformed caller ARN is not admitted', { RAM: A }, ram('acs:ram::x:user/a'), 'ImplicitDeny'],
    ['a service', { Service: 'ecs.aliyuncs.com' }, { type: 'Service', service: 'ecs.aliyuncs.com' }, 'Allow'],
    [
      'a service, case-insensitively',
      { Service: ['ECS.aliyuncs.com'] },
      { type: 'Service', service: 'ecs.ALIYUNCS.com' },
      'Allow',
    ],
    [
      'another service',
      { Service: 'ecs.aliyuncs.com' },
      { type: 'Service', service: 'fc.aliyuncs.com' },
      'ImplicitDeny',
    ],
    [
      'a RAM principal is not a service',
      { RAM: A },
      { type: 'Service', service: 'ecs.aliyuncs.com' },
      'ImplicitDeny',
    ],
    [
      'several principal types in one statement',
      { RAM: A, Service: 'fc.aliyuncs.com' },
      { type: 'Service', service: 'fc.aliyuncs.com' },
      'Allow',
    ],
  ] as const)('%s', (_name, principal, who, expected) => {
    expect(evaluateTrust(trust(principal), { principal: who as TrustPrincipal }).decision).toBe(expected);
  });

  it('a Deny statement wins over the Allow', () => {
    const t = trust(
      { RAM: A },
      { Effect: 'Deny', Action: 'sts:AssumeRole', Principal: { RAM: `acs:ram::${A}:user/mallory` } },
    );
    expect(evaluateTrust(t, { principal: ram(`acs:ram::${A}:user/alice`) }).decision).toBe('Allow');
    expect(evaluateTrust(t, { principal: ram(`acs:ram::${A}:user/mallory`) })).toEqual({
      decision: 'ExplicitDeny',
      policy: '<trust>',
      statement: 1,
    });
  });

  it('only sts:AssumeRole is granted', () => {
    expect(
      evaluateTrust(trust({ RAM: A }), {
        principal: ram(`acs:ram::${A}:root`),
        action: 'sts:AssumeRoleWithSAML',
      }).decision,
    ).toBe('ImplicitDeny');
    expect(
      evaluateTrust(trust({ RAM: A }), { principal: ram(`acs:ram::${A}:root`), action: 'STS:assumerole' })
        .decision,
    ).toBe('Allow');
  });

  it('refuses an identity policy (programming error)', () => {
    const identity = compilePolicy(doc({ Effect: 'Allow', Action: '*', Resource: '*' }), 'identity');
    expect(() => evaluateTrust(identity, { principal: ram(`acs:ram::${A}:root`) })).toThrow(
      /identity policy/,
    );
  });
});

describe('trust policy grammar', () => {
  const G = 'InvalidParameter.PolicyGrammar';
  const stmt = { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: A } };
  it.each([
    [
      'RAM role wildcard',
      { ...stmt, Principal: { RAM: `acs:ram::${A}:role/*` } },
      'Statement[0].Principal.RAM: wildcards are not allowed in a Principal; name each trusted entity',
    ],
    [
      'Service wildcard',
      { ...stmt, Principal: { Service: ['ecs.aliyuncs.com', '*.aliyuncs.com'] } },
      'Statement[0].Principal.Service[1]: wildcards are not allowed in a Principal; name each trusted entity',
    ],
    [
      'missing Principal',
      { Effect: 'Allow', Action: 'sts:AssumeRole' },
      'Statement[0].Principal: must be an object with RAM, Service and/or Federated',
    ],
    [
      'Principal "*"',
      { ...stmt, Principal: '*' },
      'Statement[0].Principal: must be an object with RAM, Service and/or Federated',
    ],
    [
      'empty Principal',
      { ...stmt, Principal: {} },
      'Statement[0].Principal: must name at least one of RAM, Service, Federated',
    ],
    [
      'unknown principal type',
      { ...stmt, Principal: { AWS: 'x' } },
      'Statement[0].Principal.AWS: unknown principal type (allowed: RAM, Service, Federated)',
    ],
    [
      'RAM "*"',
      { ...stmt, Principal: { RAM: '*' } },
      'Statement[0].Principal.RAM: wildcards are not allowed in a Principal; name each trusted entity',
    ],
    [
      'RAM list with a bad entry',
      { ...stmt, Principal: { RAM: [A, 'acs:ram::x:root'] } },
      'Statement[0].Principal.RAM[1]: must be an account id or acs:ram::<account>:root, :user/<name> or :role/<name>',
    ],
    [
      'RAM with a saml-provider',
      { ...stmt, Principal: { RAM: PROVIDER } },
      'Statement[0].Principal.RAM: a saml-provider ARN cannot be a RAM principal (use root, user/<name> or role/<name>)',
    ],
    [
      'RAM empty list',
      { ...stmt, Principal: { RAM: [] } },
      'Statement[0].Principal.RAM: must be a string or a non-empty list of strings',
    ],
    [
      'Service not a service name',
      { ...stmt, Principal: { Service: 'ecs' } },
      'Statement[0].Principal.Service: must be a service name such as ecs.aliyuncs.com',
    ],
    [
      'Federated a role ARN',
      { ...stmt, Principal: { Federated: `acs:ram::${A}:role/r` } },
      'Statement[0].Principal.Federated: must be a SAML provider ARN acs:ram::<account>:saml-provider/<name>',
    ],
    [
      'Action other than sts:AssumeRole',
      { ...stmt, Action: ['sts:AssumeRole', 'ecs:*'] },
      'Statement[0].Action[1]: a trust policy may only allow "sts:AssumeRole"',
    ],
    [
      'Action "*"',
      { ...stmt, Action: '*' },
      'Statement[0].Action: a trust policy may only allow "sts:AssumeRole"',
    ],
    [
      'Resource',
      { ...stmt, Resource: '*' },
      'Statement[0].Resource: Resource is not allowed in a trust policy',
    ],
    [
      'NotAction',
      { Effect: 'Allow', NotAction: 'ecs:*', Principal: { RAM: A } },
      'Statement[0].NotAction: NotAction is not allowed in a trust policy (use Action "sts:AssumeRole")',
    ],
  ])('%s', (_name, statement, message) => {
    expectRejected(doc(statement), G, message, 'trust');
  });
});
