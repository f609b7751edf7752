import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../src/core/policy/index.js';
import { compileError, doc, expectRejected, padTo, REFERENCE_SAML_TRUST } from './helpers.js';

const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('reference §4 grammar: documents that compile', () => {
  const valid: [string, string][] = [
    ['Action and Resource "*"', doc(ALLOW_ALL)],
    [
      'Action as a list',
      doc({ Effect: 'Allow', Action: ['ecs:DescribeInstances', 'ecs:StartInstance'], Resource: '*' }),
    ],
    [
      'Resource in acs:<service>:<region>:<account>:<relative-id> form',
      doc({ Effect: 'Deny', Action: 'oss:*', Resource: ['acs:oss:*:*:mybucket', 'acs:oss:*:*:mybucket/*'] }),
    ],
    [
      'wildcards * and ? in action and resource',
      doc({
        Effect: 'Allow',
        Action: 'ecs:Describe*',
        Resource: 'acs:ecs:cn-hangzhou:123456789012????:instance/*',
      }),
    ],
    [
      'Condition block with several operators',
      doc({
        ...ALLOW_ALL,
        Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' }, Bool: { 'acs:SecureTransport': 'true' } },
      }),
    ],
    ['NotAction', doc({ Effect: 'Allow', NotAction: 'ram:*', Resource: '*' })],
    ['NotResource', doc({ Effect: 'Deny', Action: '*', NotResource: 'acs:oss:*:*:public/*' })],
    [
      'Statement members in any order',
      '{"Statement":[{"Resource":"*","Action":"*","Effect":"Allow"}],"Version":"1"}',
    ],
  ];
  it.each(valid)('%s', (_name, text) => {
    const policy = compilePolicy(text, 'identity');
    expect(policy.statements.length).toBeGreaterThan(0);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.statements[0])).toBe(true);
  });

  it('reference §2.4 trust policy for a SAML IdP compiles as a trust policy', () => {
    const text = REFERENCE_SAML_TRUST;
    // The doc masks the account id with ****: as written it is refused; with real digits it compiles.
    const real = text.replace('123456789012****', '1234567890123456');
    expect(compilePolicy(real, 'trust').statements[0]?.principal?.federated.size).toBe(1);
    expectRejected(
      text,
      'InvalidParameter.PolicyGrammar',
      'Statement[0].Principal.Federated[0]: wildcards are not allowed in a Principal; name each trusted entity',
      'trust',
    );
  });
});

describe('malformed documents name where they are wrong', () => {
  const G = 'InvalidParameter.PolicyGrammar';
  const cases: [string, string, string | RegExp][] = [
    [
      'not JSON',
      '{"Version": "1",',
      /^The policy document is not valid JSON: unexpected end of text at line 1, column 17\.$/,
    ],
    [
      'JSON syntax error with line and column',
      '{\n  "Version": "1",\n  "Statement": [,]\n}',
      'The policy document is not valid JSON: unexpected character "," at line 3, column 17.',
    ],
    [
      'a JSON array (RFC 7159 allows it, a policy must be an object)',
      '[]',
      'The policy document must be a JSON object.',
    ],
    ['a JSON string', '"x"', 'The policy document must be a JSON object.'],
    [
      'duplicate member (JSON.parse would keep the last)',
      '{"Version":"1","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}',
      /duplicate member name "Effect" at line 1, column 46/,
    ],
    ['trailing text', `${doc(ALLOW_ALL)} x`, /unexpected text after the JSON value/],
    ['missing Version', JSON.stringify({ Statement: [ALLOW_ALL] }), 'Version: is required and must be "1"'],
    [
      'Version 2',
      JSON.stringify({ Version: '2', Statement: [ALLOW_ALL] }),
      'Version: must be the string "1"',
    ],
    [
      'Version as a number',
      JSON.stringify({ Version: 1, Statement: [ALLOW_ALL] }),
      'Version: must be the string "1"',
    ],
    [
      'unknown top-level member',
      JSON.stringify({ Version: '1', Statement: [ALLOW_ALL], Id: 'x' }),
      'Id: unknown member (allowed: Version, Statement)',
    ],
    ['missing Statement', JSON.stringify({ Version: '1' }), 'Statement: is required'],
    [
      'Statement an object',
      JSON.stringify({ Version: '1', Statement: ALLOW_ALL }),
      'Statement: must be a list of statements',
    ],
    [
      'Statement empty',
      JSON.stringify({ Version: '1', Statement: [] }),
      'Statement: must contain at least one statement',
    ],
    ['statement not an object', doc(ALLOW_ALL, 'x' as unknown as object), 'Statement[1]: must be an object'],
    [
      'missing Effect',
      doc(ALLOW_ALL, { Action: '*', Resource: '*' }),
      'Statement[1].Effect: is required and must be "Allow" or "Deny"',
    ],
    [
      'Effect in the wrong case',
      doc({ ...ALLOW_ALL, Effect: 'allow' }),
      'Statement[0].Effect: is required and must be "Allow" or "Deny"',
    ],
    ['missing Action', doc({ Effect: 'Allow', Resource: '*' }), 'Statement[0].Action: is required'],
    [
      'Action and NotAction',
      doc({ ...ALLOW_ALL, NotAction: 'ecs:*' }),
      'Statement[0]: has both Action and NotAction; use one',
    ],
    [
      'Action without service',
      doc({ ...ALLOW_ALL, Action: 'DescribeInstances' }),
      'Statement[0].Action: must be "*" or <service>:<action> (letters, digits, -, _, ., * and ?)',
    ],
    [
      'Action list with a number',
      doc({ ...ALLOW_ALL, Action: ['ecs:Describe*', 5] }),
      'Statement[0].Action[1]: must be a string',
    ],
    [
      'Action empty list',
      doc({ ...ALLOW_ALL, Action: [] }),
      'Statement[0].Action: must not be an empty list',
    ],
    [
      'Action an object',
      doc({ ...ALLOW_ALL, Action: {} }),
      'Statement[0].Action: must be a string or a list of strings',
    ],
    ['missing Resource', doc({ Effect: 'Allow', Action: '*' }), 'Statement[0].Resource: is required'],
    [
      'Resource and NotResource',
      doc({ ...ALLOW_ALL, NotResource: '*' }),
      'Statement[0]: has both Resource and NotResource; use one',
    ],
    [
      'Resource not an acs: name',
      doc({ ...ALLOW_ALL, Resource: 'arn:aws:s3:::bucket' }),
      'Statement[0].Resource: must be "*" or acs:<service>:<region>:<account-id>:<relative-id>',
    ],
    [
      'Resource with too few parts',
      doc({ ...ALLOW_ALL, Resource: ['*', 'acs:oss:*:bucket'] }),
      'Statement[0].Resource[1]: must be "*" or acs:<service>:<region>:<account-id>:<relative-id>',
    ],
    [
      'Resource empty string',
      doc({ ...ALLOW_ALL, Resource: [''] }),
      'Statement[0].Resource[0]: must not be empty',
    ],
    [
      'Resource with a control character',
      doc({ ...ALLOW_ALL, Resource: 'acs:oss:*:*:a\nb' }),
      'Statement[0].Resource: contains a control character',
    ],
    [
      'Principal in an identity policy',
      doc({ ...ALLOW_ALL, Principal: { RAM: '1234567890123456' } }),
      'Statement[0].Principal: Principal is allowed only in trust policies',
    ],
    [
      'unknown statement member',
      doc({ ...ALLOW_ALL, Sid: 'x' }),
      'Statement[0].Sid: unknown member (allowed: Effect, Action, NotAction, Resource, NotResource, Condition)',
    ],
    [
      'Condition not an object',
      doc({ ...ALLOW_ALL, Condition: [] }),
      'Statement[0].Condition: must be an object of operators',
    ],
    [
      'Condition empty',
      doc({ ...ALLOW_ALL, Condition: {} }),
      'Statement[0].Condition: must name at least one operator',
    ],
    [
      'unknown operator',
      doc({ ...ALLOW_ALL, Condition: { StringEqualz: { 'acs:x': 'y' } } }),
      /^Statement\[0\]\.Condition\.StringEqualz: unknown condition operator \(supported: StringEquals, /,
    ],
    [
      'operator in the wrong case',
      doc({ ...ALLOW_ALL, Condition: { stringequals: { 'acs:x': 'y' } } }),
      /^Statement\[0\]\.Condition\.stringequals: unknown condition operator/,
    ],
    [
      'IfExists suffix is not part of RAM',
      doc({ ...ALLOW_ALL, Condition: { StringEqualsIfExists: { 'acs:x': 'y' } } }),
      /^Statement\[0\]\.Condition\.StringEqualsIfExists: unknown condition operator/,
    ],
    [
      'operator body not an object',
      doc({ ...ALLOW_ALL, Condition: { StringEquals: 'x' } }),
      'Statement[0].Condition.StringEquals: must be an object of condition keys to values',
    ],
    [
      'operator with no keys',
      doc({ ...ALLOW_ALL, Condition: { StringEquals: {} } }),
      'Statement[0].Condition.StringEquals: must name at least one condition key',
    ],
    [
      'condition key without prefix',
      doc({ ...ALLOW_ALL, Condition: { StringEquals: { SourceIp: 'x' } } }),
      'Statement[0].Condition.StringEquals.SourceIp: condition key must look like <prefix>:<name> (e.g. acs:SourceIp)',
    ],
    [
      'condition key repeated in another case',
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"acs:UserId":"a","ACS:userid":"b"}}}]}',
      'Statement[0].Condition.StringEquals["ACS:userid"]: condition key repeated (keys are case-insensitive)',
    ],
    [
      'String value a number',
      doc(ALLOW_ALL, { ...ALLOW_ALL, Condition: { StringEquals: { 'ecs:tag/env': 1 } } }),
      'Statement[1].Condition.StringEquals["ecs:tag/env"]: value must be a string or list of strings',
    ],
    [
      'String value list with null',
      doc({ ...ALLOW_ALL, Condition: { StringLike: { 'oss:Prefix': ['a/*', null] } } }),
      'Statement[0].Condition.StringLike["oss:Prefix"]: value must be a string or list of strings',
    ],
    [
      'empty value list',
      doc({ ...ALLOW_ALL, Condition: { StringEquals: { 'oss:Prefix': [] } } }),
      'Statement[0].Condition.StringEquals["oss:Prefix"]: value list must not be empty',
    ],
    [
      'Numeric value not a number',
      doc({ ...ALLOW_ALL, Condition: { NumericLessThan: { 'oss:max-keys': 'ten' } } }),
      'Statement[0].Condition.NumericLessThan["oss:max-keys"]: value must be a number (or decimal string) or list of them',
    ],
    [
      'Date value not ISO 8601',
      doc({ ...ALLOW_ALL, Condition: { DateLessThan: { 'acs:CurrentTime': '11/11/2012' } } }),
      /^Statement\[0\]\.Condition\.DateLessThan\["acs:CurrentTime"\]: value must be an ISO 8601 date/,
    ],
    [
      'Date value February 30',
      doc({ ...ALLOW_ALL, Condition: { DateLessThan: { 'acs:CurrentTime': '2023-02-30T00:00:00Z' } } }),
      /value must be an ISO 8601 date/,
    ],
    [
      'Date-time without a zone',
      doc({ ...ALLOW_ALL, Condition: { DateLessThan: { 'acs:CurrentTime': '2023-01-01T00:00:00' } } }),
      /value must be an ISO 8601 date/,
    ],
    [
      'Bool value yes',
      doc({ ...ALLOW_ALL, Condition: { Bool: { 'acs:MFAPresent': 'yes' } } }),
      'Statement[0].Condition.Bool["acs:MFAPresent"]: value must be true or false (boolean or string) or list of them',
    ],
    [
      'IpAddress value not an address',
      doc({ ...ALLOW_ALL, Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.256' } } }),
      /^Statement\[0\]\.Condition\.IpAddress\["acs:SourceIp"\]: value must be an IPv4\/IPv6 address or CIDR block/,
    ],
    [
      'IpAddress prefix too long',
      doc({ ...ALLOW_ALL, Condition: { NotIpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '10.0.0.0/33'] } } }),
      /^Statement\[0\]\.Condition\.NotIpAddress\["acs:SourceIp"\]: value must be an IPv4/,
    ],
    [
      'IPv6 prefix too long',
      doc({ ...ALLOW_ALL, Condition: { IpAddress: { 'acs:SourceIp': '2001:db8::/129' } } }),
      /value must be an IPv4\/IPv6/,
    ],
    [
      'IPv4 with leading zero (octal ambiguity)',
      doc({ ...ALLOW_ALL, Condition: { IpAddress: { 'acs:SourceIp': '010.0.0.1' } } }),
      /value must be an IPv4\/IPv6/,
    ],
    [
      'nesting too deep',
      `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":${'['.repeat(40)}${']'.repeat(40)}}]}`,
      /nesting deeper than 32 levels/,
    ],
    ['bad string escape', '{"Version":"1\\x"}', /unknown escape sequence at line 1, column 14/],
    ['raw control character in a string', '{"Version":"1\u0001"}', /control character in a string/],
  ];
  it.each(cases)('%s', (_name, text, message) => expectRejected(text, G, message));

  it('rejects a non-string document', () => {
    expectRejected(undefined as unknown as string, G, 'The policy document must be a JSON text.');
  });
});

describe('size limits (reference §3, §4)', () => {
  const base = doc(ALLOW_ALL);
  it.each([
    ['identity', 6144],
    ['trust', 6144],
    ['session', 2048],
  ] as const)('%s: %i characters compile, one more is InvalidParameter.PolicySize', (kind, limit) => {
    const text =
      kind === 'trust'
        ? doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs.aliyuncs.com' } })
        : base;
    expect(compilePolicy(padTo(text, limit), kind).text).toHaveLength(limit);
    expectRejected(
      padTo(text, limit + 1),
      'InvalidParameter.PolicySize',
      `The size of ${kind === 'identity' ? 'a custom policy document' : kind === 'trust' ? 'a trust policy document' : 'the session Policy'} must be 1 to ${limit.toLocaleString('en-US')} characters; it is ${(limit + 1).toLocaleString('en-US')}.`,
      kind,
    );
  });

  it('an empty session Policy is a size error (1 to 2,048)', () => {
    expectRejected(
      '',
      'InvalidParameter.PolicySize',
      'The size of the session Policy must be 1 to 2,048 characters; it is 0.',
      'session',
    );
  });

  it('a huge document is refused without being counted or parsed', () => {
    expectRejected(
      'x'.repeat(5_000_000),
      'InvalidParameter.PolicySize',
      'The size of a custom policy document must be 1 to 6,144 characters; it is more than 6,144.',
    );
  });

  it('counts characters, not UTF-16 units: 2,048 emoji fit a session policy', () => {
    const emoji = '\u{1F600}';
    const text = doc({ ...ALLOW_ALL, Condition: { StringEquals: { 'acs:x': 'y' } } });
    const room = 2048 - text.length;
    const filled = text.replace('"y"', `"y${emoji.repeat(room)}"`);
    expect(filled.length).toBe(2048 + room);
    expect(compilePolicy(filled, 'session').kind).toBe('session');
    expectRejected(
      filled.replace('"y', `"y${emoji}`),
      'InvalidParameter.PolicySize',
      /it is 2,049\.$/,
      'session',
    );
  });
});

describe('error messages stay short', () => {
  it('cuts a long member name in the location', () => {
    const key = `acs:${'k'.repeat(3000)}`;
    const text = doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { [key]: 1 } },
    });
    expectRejected(
      text,
      'InvalidParameter.PolicyGrammar',
      `Statement[0].Condition.StringEquals["acs:${'k'.repeat(76)}…"]: condition key must be 1 to 256 characters`,
    );
  });
  it('cuts a long duplicate member name', () => {
    const key = 'x'.repeat(500);
    const error = compileError(`{"${key}":1,"${key}":2}`);
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).toContain(`duplicate member name "${'x'.repeat(80)}…"`);
  });
});
