/**
 * One test per rule quoted in reference §4 (RAM policy language) and §2.4 (trust policy), so a
 * reader can check the engine against the reference line by line.
 */
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  evaluate,
  evaluateSession,
  evaluateTrust,
  POLICY_LIMITS,
} from '../../../src/core/policy/index.js';
import { doc, expectRejected, identity, REFERENCE_SAML_TRUST } from './helpers.js';

const ACCOUNT = '1234567890123456';
const G = 'InvalidParameter.PolicyGrammar';
const decide = (statement: object, action: string, resource: string, context = {}) =>
  evaluate([identity(statement)], { action, resource, context }).decision;

describe('reference §4', () => {
  it('policy = { <version_block>, <statement_block> }; "The current policy version is 1. The version cannot be changed."', () => {
    expect(
      compilePolicy(
        '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        'identity',
      ).statements,
    ).toHaveLength(1);
    expectRejected(
      '{"Version":"2","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      G,
      'Version: must be the string "1"',
    );
  });

  it('<effect_block> = "Effect" : ("Allow" | "Deny")', () => {
    expect(decide({ Effect: 'Allow', Action: '*', Resource: '*' }, 'ecs:A', '*')).toBe('Allow');
    expect(decide({ Effect: 'Deny', Action: '*', Resource: '*' }, 'ecs:A', '*')).toBe('ExplicitDeny');
    expectRejected(
      doc({ Effect: 'Permit', Action: '*', Resource: '*' }),
      G,
      'Statement[0].Effect: is required and must be "Allow" or "Deny"',
    );
  });

  it('<action_block> = "Action" : ("*" | [<action_string>, ...]); an action is <service-name>:<action-name>', () => {
    expect(decide({ Effect: 'Allow', Action: '*', Resource: '*' }, 'oss:PutObject', '*')).toBe('Allow');
    expect(
      decide(
        { Effect: 'Allow', Action: ['ecs:StartInstance', 'ecs:StopInstance'], Resource: '*' },
        'ecs:StopInstance',
        '*',
      ),
    ).toBe('Allow');
    expect(
      decide({ Effect: 'Allow', Action: 'ecs:StartInstance', Resource: '*' }, 'ecs:StopInstance', '*'),
    ).toBe('ImplicitDeny');
  });

  it('Resource is acs:<service-name>:<region>:<account-id>:<relative-id>', () => {
    const resource = `acs:ecs:cn-hangzhou:${ACCOUNT}:instance/i-001`;
    expect(decide({ Effect: 'Allow', Action: '*', Resource: resource }, 'ecs:StartInstance', resource)).toBe(
      'Allow',
    );
    expect(
      decide(
        { Effect: 'Allow', Action: '*', Resource: resource },
        'ecs:StartInstance',
        resource.replace('001', '002'),
      ),
    ).toBe('ImplicitDeny');
  });

  it('Wildcards: * (zero or more characters) and ? (one character)', () => {
    expect(
      decide(
        { Effect: 'Allow', Action: 'ecs:*', Resource: 'acs:ecs:*:*:instance/*' },
        'ecs:Any',
        `acs:ecs:cn-beijing:${ACCOUNT}:instance/i-1`,
      ),
    ).toBe('Allow');
    expect(
      decide(
        { Effect: 'Allow', Action: 'ecs:*', Resource: 'acs:ecs:*:*:instance/i-?' },
        'ecs:Any',
        `acs:ecs:cn-beijing:${ACCOUNT}:instance/i-12`,
      ),
    ).toBe('ImplicitDeny');
  });

  it('Trust policies also use Principal (RAM/Service/Federated) and Action sts:AssumeRole', () => {
    const trust = compilePolicy(
      doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }),
      'trust',
    );
    expect(
      evaluateTrust(trust, { principal: { type: 'Service', service: 'ecs.aliyuncs.com' } }).decision,
    ).toBe('Allow');
    expectRejected(
      doc({ Effect: 'Allow', Action: '*', Resource: '*', Principal: { Service: 'ecs.aliyuncs.com' } }),
      G,
      'Statement[0].Principal: Principal is allowed only in trust policies',
    );
  });

  it('"If the value in a request matches any of the values, the condition is met"', () => {
    const s = {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'rds:ResourceTag/owner': ['alice', 'bob'] } },
    };
    expect(decide(s, 'rds:DescribeDBInstances', '*', { 'rds:ResourceTag/owner': 'bob' })).toBe('Allow');
    expect(decide(s, 'rds:DescribeDBInstances', '*', { 'rds:ResourceTag/owner': 'carol' })).toBe(
      'ImplicitDeny',
    );
  });

  it('several keys under one operator are AND-ed; "A condition block is met only if all of its conditions are met"', () => {
    const s = {
      Effect: 'Allow',
      Action: 'oss:ListObjects',
      Resource: '*',
      Condition: {
        StringEquals: { 'oss:Delimiter': '/', 'oss:Prefix': 'logs/' },
        Bool: { 'acs:SecureTransport': 'true' },
      },
    };
    const all = { 'oss:Delimiter': '/', 'oss:Prefix': 'logs/', 'acs:SecureTransport': true };
    expect(decide(s, 'oss:ListObjects', '*', all)).toBe('Allow');
    expect(decide(s, 'oss:ListObjects', '*', { ...all, 'oss:Delimiter': ',' })).toBe('ImplicitDeny');
    expect(decide(s, 'oss:ListObjects', '*', { ...all, 'acs:SecureTransport': false })).toBe('ImplicitDeny');
  });

  it('common keys: acs:CurrentTime (ISO 8601, e.g. 2012-11-11T23:59:59Z), acs:SecureTransport, acs:SourceIp, acs:MFAPresent', () => {
    const s = {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        DateLessThan: { 'acs:CurrentTime': '2012-11-11T23:59:59Z' },
        Bool: { 'acs:SecureTransport': 'true', 'acs:MFAPresent': 'true' },
        IpAddress: { 'acs:SourceIp': '10.0.0.1/32' },
      },
    };
    const ok = {
      'acs:CurrentTime': '2012-11-11T23:59:58Z',
      'acs:SecureTransport': 'true',
      'acs:MFAPresent': true,
      'acs:SourceIp': '10.0.0.1',
    };
    expect(decide(s, 'ecs:A', '*', ok)).toBe('Allow');
    expect(decide(s, 'ecs:A', '*', { ...ok, 'acs:CurrentTime': '2012-11-12T00:00:00Z' })).toBe(
      'ImplicitDeny',
    );
    expect(decide(s, 'ecs:A', '*', { ...ok, 'acs:MFAPresent': false })).toBe('ImplicitDeny');
    expect(decide(s, 'ecs:A', '*', { ...ok, 'acs:SourceIp': '10.0.0.2' })).toBe('ImplicitDeny');
  });

  it('service keys such as ecs:tag/<k> work with the string operators', () => {
    const s = {
      Effect: 'Allow',
      Action: 'ecs:*',
      Resource: '*',
      Condition: { StringLike: { 'ecs:tag/project': 'web-*' } },
    };
    expect(decide(s, 'ecs:StartInstance', '*', { 'ecs:tag/project': 'web-shop' })).toBe('Allow');
    expect(decide(s, 'ecs:StartInstance', '*', { 'ecs:tag/project': 'db' })).toBe('ImplicitDeny');
  });

  it('Evaluation: Deny first (an explicit Deny ends evaluation), then Allow, otherwise Implicit Deny', () => {
    const policies = [
      identity({ Effect: 'Allow', Action: '*', Resource: '*' }),
      identity({ Effect: 'Deny', Action: 'ram:*', Resource: '*' }),
    ];
    expect(evaluate(policies, { action: 'ram:CreateUser', resource: '*' }).decision).toBe('ExplicitDeny');
    expect(evaluate(policies, { action: 'ecs:StartInstance', resource: '*' }).decision).toBe('Allow');
    expect(evaluate([], { action: 'ecs:StartInstance', resource: '*' }).decision).toBe('ImplicitDeny');
  });

  it('the session policy is checked first; the STS token permission is role ∩ session Policy', () => {
    const role = [identity({ Effect: 'Allow', Action: ['ecs:*', 'oss:*'], Resource: '*' })];
    const session = compilePolicy(doc({ Effect: 'Allow', Action: 'oss:Get*', Resource: '*' }), 'session');
    expect(evaluateSession(role, session, { action: 'oss:GetObject', resource: '*' }).decision).toBe('Allow');
    expect(evaluateSession(role, session, { action: 'ecs:StartInstance', resource: '*' }).decision).toBe(
      'ImplicitDeny',
    );
  });

  it('"JSON is validated on create/update (RFC 7159)"', () => {
    expectRejected(
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",}]}',
      G,
      /not valid JSON: expected a quoted member name at line 1, column 75/,
    );
  });

  it('limits: custom policy 6,144 characters; STS session Policy 1–2,048 characters', () => {
    expect(POLICY_LIMITS.identity).toEqual({ min: 1, max: 6144 });
    expect(POLICY_LIMITS.session).toEqual({ min: 1, max: 2048 });
  });
});

describe('reference §2.4', () => {
  it('the SAML trust policy example, with a real account id, admits its provider for the recipient', () => {
    const trust = compilePolicy(REFERENCE_SAML_TRUST.replace('123456789012****', ACCOUNT), 'trust');
    const principal = { type: 'Federated', arn: `acs:ram::${ACCOUNT}:saml-provider/testprovider` } as const;
    expect(
      evaluateTrust(trust, {
        principal,
        context: { 'saml:recipient': 'https://signin.aliyun.com/saml-role/sso' },
      }).decision,
    ).toBe('Allow');
  });

  it('the intl example uses https://signin.alibabacloud.com/saml-role/sso', () => {
    const trust = compilePolicy(
      REFERENCE_SAML_TRUST.replace('123456789012****', ACCOUNT).replace(
        'signin.aliyun.com',
        'signin.alibabacloud.com',
      ),
      'trust',
    );
    const principal = { type: 'Federated', arn: `acs:ram::${ACCOUNT}:saml-provider/testprovider` } as const;
    expect(
      evaluateTrust(trust, {
        principal,
        context: { 'saml:recipient': 'https://signin.alibabacloud.com/saml-role/SSO' },
      }).decision,
    ).toBe('Allow');
    expect(
      evaluateTrust(trust, {
        principal,
        context: { 'saml:recipient': 'https://signin.aliyun.com/saml-role/sso' },
      }).decision,
    ).toBe('ImplicitDeny');
  });

  it('other principal types: "RAM": ["acs:ram::<id>:root" | "…:user/<name>" | "…:role/<name>"] and "Service": ["ecs.aliyuncs.com"]', () => {
    const trust = compilePolicy(
      doc({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: {
          RAM: [
            `acs:ram::${ACCOUNT}:root`,
            'acs:ram::6543210987654321:user/alice',
            'acs:ram::6543210987654321:role/ops',
          ],
          Service: ['ecs.aliyuncs.com'],
        },
      }),
      'trust',
    );
    const allowed = (principal: Parameters<typeof evaluateTrust>[1]['principal']) =>
      evaluateTrust(trust, { principal }).decision;
    expect(allowed({ type: 'RAM', arn: `acs:ram::${ACCOUNT}:user/anyone` })).toBe('Allow');
    expect(allowed({ type: 'RAM', arn: 'acs:ram::6543210987654321:user/alice' })).toBe('Allow');
    expect(allowed({ type: 'RAM', arn: 'acs:ram::6543210987654321:user/bob' })).toBe('ImplicitDeny');
    expect(allowed({ type: 'RAM', arn: 'acs:ram::6543210987654321:role/ops' })).toBe('Allow');
    expect(allowed({ type: 'Service', service: 'ecs.aliyuncs.com' })).toBe('Allow');
  });
});
