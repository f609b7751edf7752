import { describe, expect, it } from 'vitest';
import { CONDITION_OPERATORS, evaluate, type ContextValue } from '../../../src/core/policy/index.js';
import { identity } from './helpers.js';

const REQUEST = {
  action: 'ecs:DescribeInstances',
  resource: 'acs:ecs:cn-hangzhou:1234567890123456:instance/i-1',
};

/** Allow when the one condition holds; the decision tells whether it held. */
function holds(
  operator: string,
  key: string,
  policyValue: unknown,
  requestValue?: ContextValue | ContextValue[],
): boolean {
  const policy = identity({
    Effect: 'Allow',
    Action: '*',
    Resource: '*',
    Condition: { [operator]: { [key]: policyValue } },
  });
  const context = requestValue === undefined ? {} : { [key]: requestValue };
  return evaluate([policy], { ...REQUEST, context }).decision === 'Allow';
}

type Case = [
  operator: string,
  key: string,
  policyValue: unknown,
  requestValue: ContextValue | ContextValue[],
  expected: boolean,
];

const CASES: Case[] = [
  ['StringEquals', 'ecs:tag/env', 'prod', 'prod', true],
  ['StringEquals', 'ecs:tag/env', 'prod', 'Prod', false],
  ['StringEquals', 'ecs:tag/env', ['dev', 'prod'], 'prod', true],
  ['StringEquals', 'ecs:tag/env', 'prod*', 'prod-1', false],
  ['StringNotEquals', 'ecs:tag/env', 'prod', 'dev', true],
  ['StringNotEquals', 'ecs:tag/env', ['dev', 'prod'], 'prod', false],
  ['StringEqualsIgnoreCase', 'ecs:tag/env', 'PROD', 'prod', true],
  ['StringEqualsIgnoreCase', 'ecs:tag/env', 'prod', 'produce', false],
  ['StringNotEqualsIgnoreCase', 'ecs:tag/env', 'PROD', 'Dev', true],
  ['StringNotEqualsIgnoreCase', 'ecs:tag/env', 'PROD', 'prod', false],
  ['StringLike', 'oss:Prefix', 'home/alice/*', 'home/alice/docs/a.txt', true],
  ['StringLike', 'oss:Prefix', 'home/alice/*', 'home/bob/a.txt', false],
  ['StringLike', 'oss:Prefix', 'home/?lice/*', 'home/Alice/x', true],
  ['StringLike', 'oss:Prefix', 'home/alice/*', 'HOME/alice/x', false],
  ['StringNotLike', 'oss:Prefix', 'tmp/*', 'home/x', true],
  ['StringNotLike', 'oss:Prefix', ['home/*', 'tmp/*'], 'tmp/x', false],
  ['NumericEquals', 'oss:max-keys', 100, 100, true],
  ['NumericEquals', 'oss:max-keys', '100', '100.0', true],
  ['NumericEquals', 'oss:max-keys', 100, 101, false],
  ['NumericNotEquals', 'oss:max-keys', 100, 99, true],
  ['NumericNotEquals', 'oss:max-keys', 100, 100, false],
  ['NumericLessThan', 'oss:max-keys', 100, 99, true],
  ['NumericLessThan', 'oss:max-keys', 100, 100, false],
  ['NumericLessThanEquals', 'oss:max-keys', 100, 100, true],
  ['NumericLessThanEquals', 'oss:max-keys', 100, 100.5, false],
  ['NumericGreaterThan', 'oss:max-keys', 100, 101, true],
  ['NumericGreaterThan', 'oss:max-keys', 100, 100, false],
  ['NumericGreaterThanEquals', 'oss:max-keys', -1.5, -1.5, true],
  ['NumericGreaterThanEquals', 'oss:max-keys', 100, 99, false],
  ['NumericEquals', 'oss:max-keys', 100, 'one hundred', false],
  ['DateEquals', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-12T07:59:59+08:00', true],
  ['DateEquals', 'acs:CurrentTime', '2012-11-11T23:59:59Z', new Date('2012-11-11T23:59:58Z'), false],
  ['DateNotEquals', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-11T23:59:58Z', true],
  ['DateNotEquals', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-11T23:59:59.000Z', false],
  ['DateLessThan', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-11T23:59:58Z', true],
  ['DateLessThan', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-11T23:59:59Z', false],
  ['DateLessThanEquals', 'acs:CurrentTime', '2012-11-11T23:59:59Z', new Date('2012-11-11T23:59:59Z'), true],
  ['DateLessThanEquals', 'acs:CurrentTime', '2012-11-11', '2012-11-11T00:00:01Z', false],
  ['DateGreaterThan', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2013-01-01T00:00:00Z', true],
  ['DateGreaterThan', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-11T23:59:59Z', false],
  ['DateGreaterThanEquals', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-11T23:59:59Z', true],
  ['DateGreaterThanEquals', 'acs:CurrentTime', '2012-11-11T23:59:59Z', '2012-11-11T23:59:58.999Z', false],
  ['DateLessThan', 'acs:CurrentTime', '2030-01-01T00:00:00Z', 'not a date', false],
  ['Bool', 'acs:SecureTransport', 'true', true, true],
  ['Bool', 'acs:SecureTransport', true, 'TRUE', true],
  ['Bool', 'acs:SecureTransport', 'true', false, false],
  ['Bool', 'acs:MFAPresent', false, 'false', true],
  ['Bool', 'acs:MFAPresent', 'false', 'maybe', false],
  ['IpAddress', 'acs:SourceIp', '10.0.0.0/8', '10.255.0.1', true],
  ['IpAddress', 'acs:SourceIp', '10.0.0.0/8', '11.0.0.1', false],
  ['IpAddress', 'acs:SourceIp', '10.0.0.1/32', '10.0.0.1', true],
  ['IpAddress', 'acs:SourceIp', '10.0.0.1/32', '10.0.0.2', false],
  ['IpAddress', 'acs:SourceIp', '192.168.1.7', '192.168.1.7', true],
  ['IpAddress', 'acs:SourceIp', '10.1.2.3/8', '10.9.9.9', true],
  ['IpAddress', 'acs:SourceIp', '2001:db8::/32', '2001:db8:ffff::1', true],
  ['IpAddress', 'acs:SourceIp', '2001:db8::/32', '2001:db9::1', false],
  ['IpAddress', 'acs:SourceIp', '::1', '0:0:0:0:0:0:0:1', true],
  ['IpAddress', 'acs:SourceIp', 'fe80::/10', 'febf::1', true],
  ['IpAddress', 'acs:SourceIp', 'fe80::/10', 'fec0::1', false],
  ['IpAddress', 'acs:SourceIp', '10.0.0.0/8', '::ffff:10.1.2.3', true],
  ['IpAddress', 'acs:SourceIp', '::ffff:10.0.0.0/104', '10.1.2.3', true],
  ['IpAddress', 'acs:SourceIp', '0.0.0.0/0', '2001:db8::1', false],
  ['IpAddress', 'acs:SourceIp', '::/0', '10.0.0.1', false],
  ['IpAddress', 'acs:SourceIp', '10.0.0.0/8', 'not-an-ip', false],
  ['NotIpAddress', 'acs:SourceIp', ['10.0.0.0/8', '172.16.0.0/12'], '8.8.8.8', true],
  ['NotIpAddress', 'acs:SourceIp', ['10.0.0.0/8', '172.16.0.0/12'], '172.31.255.255', false],
  ['NotIpAddress', 'acs:SourceIp', '10.0.0.0/8', '::ffff:10.0.0.1', false],
  ['NotIpAddress', 'acs:SourceIp', '2001:db8::/32', '2001:db8::5', false],
];

describe('every condition operator of reference §4, positive and negative', () => {
  it.each(CASES)('%s %s %j against %j → %s', (operator, key, policyValue, requestValue, expected) => {
    expect(holds(operator, key, policyValue, requestValue)).toBe(expected);
  });

  it('the table covers every supported operator with a true and a false case', () => {
    for (const op of CONDITION_OPERATORS) {
      const outcomes = new Set(CASES.filter((c) => c[0] === op).map((c) => c[4]));
      expect([op, [...outcomes].sort()]).toEqual([op, [false, true]]);
    }
  });
});

describe('missing request keys', () => {
  const POLICY_VALUE: Record<string, unknown> = {
    String: 'x',
    Numeric: 1,
    Date: '2020-01-01T00:00:00Z',
    Bool: 'true',
    IpAddress: '10.0.0.0/8',
    NotIpAddress: '10.0.0.0/8',
  };
  const valueFor = (op: string) =>
    POLICY_VALUE[Object.keys(POLICY_VALUE).find((p) => op.startsWith(p)) ?? ''];
  const negated = (op: string) => /Not/.test(op);
  it.each(CONDITION_OPERATORS.map((op) => [op]))(
    '%s on a missing key: positive operators fail, negated ones hold (AWS behaviour)',
    (op) => {
      expect(holds(op, 'acs:Missing', valueFor(op))).toBe(negated(op));
    },
  );

  it('an empty list of request values is a missing key', () => {
    expect(holds('StringEquals', 'ecs:tag/env', 'prod', [])).toBe(false);
    expect(holds('StringNotEquals', 'ecs:tag/env', 'prod', [])).toBe(true);
  });
});

describe('condition semantics', () => {
  it('condition keys are case-insensitive in the policy and in the request', () => {
    const policy = identity({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { IpAddress: { 'ACS:SourceIP': '10.0.0.0/8' } },
    });
    expect(evaluate([policy], { ...REQUEST, context: { 'acs:sourceip': '10.0.0.1' } }).decision).toBe(
      'Allow',
    );
  });

  it('several keys under one operator and several operators are AND-ed', () => {
    const policy = identity({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEquals: { 'ecs:tag/env': 'prod', 'ecs:tag/team': 'core' },
        IpAddress: { 'acs:SourceIp': '10.0.0.0/8' },
      },
    });
    const all = { 'ecs:tag/env': 'prod', 'ecs:tag/team': 'core', 'acs:SourceIp': '10.0.0.1' };
    expect(evaluate([policy], { ...REQUEST, context: all }).decision).toBe('Allow');
    for (const drop of Object.keys(all)) {
      const context = Object.fromEntries(Object.entries(all).filter(([k]) => k !== drop));
      expect([drop, evaluate([policy], { ...REQUEST, context }).decision]).toEqual([drop, 'ImplicitDeny']);
    }
  });

  it('multi-valued request keys: positive operators need any match, negated ones need no match', () => {
    expect(holds('StringEquals', 'acs:tags', ['a', 'b'], ['c', 'b'])).toBe(true);
    expect(holds('StringEquals', 'acs:tags', ['a', 'b'], ['c', 'd'])).toBe(false);
    expect(holds('StringNotEquals', 'acs:tags', 'a', ['b', 'c'])).toBe(true);
    expect(holds('StringNotEquals', 'acs:tags', 'a', ['b', 'a'])).toBe(false);
    expect(holds('StringLike', 'oss:Prefix', 'a/*', ['b/1', 'a/2'])).toBe(true);
    expect(holds('NumericLessThan', 'acs:n', 5, [9, 4])).toBe(true);
    expect(holds('IpAddress', 'acs:SourceIp', '10.0.0.0/8', ['1.1.1.1', '10.0.0.1'])).toBe(true);
    expect(holds('NotIpAddress', 'acs:SourceIp', '10.0.0.0/8', ['1.1.1.1', '10.0.0.1'])).toBe(false);
  });

  it('a context key given twice in different case is a programming error', () => {
    const policy = identity({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { Bool: { 'acs:MFAPresent': true } },
    });
    expect(() =>
      evaluate([policy], { ...REQUEST, context: { 'acs:MFAPresent': true, 'ACS:mfapresent': false } }),
    ).toThrow(/twice/);
  });
});
