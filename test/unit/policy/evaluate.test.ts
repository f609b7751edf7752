import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  compilePolicySet,
  evaluate,
  evaluateSession,
  PolicyCache,
  prepareRequest,
} from '../../../src/core/policy/index.js';
import { doc, identity } from './helpers.js';

const ACCOUNT = '1234567890123456';
const INSTANCE = `acs:ecs:cn-hangzhou:${ACCOUNT}:instance/i-abc`;
const req = (action: string, resource = INSTANCE, context = {}) => ({ action, resource, context });

describe('explicit Deny > Allow > implicit deny (reference §4)', () => {
  const allowEcs = compilePolicy(doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }), 'identity', {
    name: 'AllowEcs',
  });
  const denyDelete = compilePolicy(
    doc(
      { Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' },
      { Effect: 'Deny', Action: 'ecs:Delete*', Resource: '*' },
    ),
    'identity',
    { name: 'DenyDelete' },
  );

  it.each([
    [
      'allowed by one policy',
      [allowEcs],
      'ecs:StartInstance',
      { decision: 'Allow', policy: 'AllowEcs', statement: 0 },
    ],
    [
      'denied although another policy allows (order does not matter)',
      [allowEcs, denyDelete],
      'ecs:DeleteInstance',
      { decision: 'ExplicitDeny', policy: 'DenyDelete', statement: 1 },
    ],
    [
      'denied with the deny policy first',
      [denyDelete, allowEcs],
      'ecs:DeleteInstance',
      { decision: 'ExplicitDeny', policy: 'DenyDelete', statement: 1 },
    ],
    ['nothing matches', [allowEcs, denyDelete], 'rds:DescribeDBInstances', { decision: 'ImplicitDeny' }],
    ['no policies at all', [], 'ecs:StartInstance', { decision: 'ImplicitDeny' }],
  ] as const)('%s', (_name, policies, action, expected) => {
    expect(evaluate(policies, req(action))).toEqual(expected);
  });

  it('a Deny whose condition does not hold does not deny', () => {
    const p = identity(
      { Effect: 'Allow', Action: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } },
      },
    );
    expect(evaluate([p], req('ecs:StartInstance', INSTANCE, { 'acs:SourceIp': '10.1.1.1' })).decision).toBe(
      'Allow',
    );
    expect(evaluate([p], req('ecs:StartInstance', INSTANCE, { 'acs:SourceIp': '8.8.8.8' })).decision).toBe(
      'ExplicitDeny',
    );
    // No source IP at all: NotIpAddress holds on a missing key, so the guard denies.
    expect(evaluate([p], req('ecs:StartInstance')).decision).toBe('ExplicitDeny');
  });

  it('refuses a trust policy (programming error)', () => {
    const trust = compilePolicy(
      doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ACCOUNT } }),
      'trust',
    );
    expect(() => evaluate([trust], req('sts:AssumeRole'))).toThrow(/evaluateTrust/);
  });
});

describe('wildcards and case rules', () => {
  type Row = [
    pattern: { Action?: string; Resource?: string },
    action: string,
    resource: string,
    expected: 'Allow' | 'ImplicitDeny',
  ];
  const rows: Row[] = [
    [{ Action: 'ecs:DescribeInstances' }, 'ecs:describeinstances', INSTANCE, 'Allow'],
    [{ Action: 'ECS:DESCRIBEINSTANCES' }, 'ecs:DescribeInstances', INSTANCE, 'Allow'],
    [{ Action: 'ecs:Describe*' }, 'ECS:DescribeRegions', INSTANCE, 'Allow'],
    [{ Action: 'ecs:Describe*' }, 'ecs:Describe', INSTANCE, 'Allow'],
    [{ Action: 'ecs:Describe*' }, 'ecs:StartInstance', INSTANCE, 'ImplicitDeny'],
    [{ Action: '*:Describe*' }, 'rds:DescribeDBInstances', INSTANCE, 'Allow'],
    [{ Action: 'ecs:*Instance' }, 'ecs:StopInstance', INSTANCE, 'Allow'],
    [{ Action: 'ecs:*Instance' }, 'ecs:StopInstances', INSTANCE, 'ImplicitDeny'],
    [{ Action: 'ecs:St??tInstance' }, 'ecs:StartInstance', INSTANCE, 'Allow'],
    [{ Action: 'ecs:St?tInstance' }, 'ecs:StartInstance', INSTANCE, 'ImplicitDeny'],
    [{ Action: 'ecs:*' }, 'ecsx:StartInstance', INSTANCE, 'ImplicitDeny'],
    [{ Resource: 'acs:ecs:*:*:instance/*' }, 'ecs:StartInstance', INSTANCE, 'Allow'],
    [{ Resource: 'acs:ecs:cn-hangzhou:*:instance/i-abc' }, 'ecs:StartInstance', INSTANCE, 'Allow'],
    [{ Resource: 'acs:ecs:cn-hangzhou:*:instance/I-ABC' }, 'ecs:StartInstance', INSTANCE, 'ImplicitDeny'],
    [{ Resource: 'acs:ECS:*:*:instance/*' }, 'ecs:StartInstance', INSTANCE, 'ImplicitDeny'],
    [{ Resource: 'acs:ecs:cn-????????:*:instance/*' }, 'ecs:StartInstance', INSTANCE, 'Allow'],
    [{ Resource: 'acs:ecs:cn-???????:*:instance/*' }, 'ecs:StartInstance', INSTANCE, 'ImplicitDeny'],
    [{ Resource: 'acs:ecs:cn-?????????:*:instance/*' }, 'ecs:StartInstance', INSTANCE, 'ImplicitDeny'],
    [{ Resource: 'acs:oss:*:*:bucket/*' }, 'oss:GetObject', 'acs:oss:*:*:bucket/a/b/c.txt', 'Allow'],
    [{ Resource: 'acs:oss:*:*:bucket/*' }, 'oss:GetObject', 'acs:oss:*:*:bucket', 'ImplicitDeny'],
    [
      { Resource: 'acs:oss:*:*:bucket/*.txt' },
      'oss:GetObject',
      'acs:oss:*:*:bucket/a.txt.bak',
      'ImplicitDeny',
    ],
    [{ Resource: 'acs:oss:*:*:bucket/*.txt' }, 'oss:GetObject', 'acs:oss:*:*:bucket/x/.txt', 'Allow'],
    [{ Resource: 'acs:oss:*:*:b/?.txt' }, 'oss:GetObject', 'acs:oss:*:*:b/\u{1F600}.txt', 'Allow'],
    [{ Resource: 'acs:oss:*:*:b/*?' }, 'oss:GetObject', 'acs:oss:*:*:b/', 'ImplicitDeny'],
  ];
  it.each(rows)('%j: %s on %s → %s', (pattern, action, resource, expected) => {
    const p = identity({ Effect: 'Allow', Action: pattern.Action ?? '*', Resource: pattern.Resource ?? '*' });
    expect(evaluate([p], req(action, resource)).decision).toBe(expected);
  });
});

describe('NotAction and NotResource', () => {
  const p = identity(
    { Effect: 'Allow', NotAction: ['ram:*', 'sts:*'], Resource: '*' },
    { Effect: 'Deny', Action: 'oss:*', NotResource: ['acs:oss:*:*:public', 'acs:oss:*:*:public/*'] },
  );
  it.each([
    ['ecs:StartInstance', INSTANCE, 'Allow'],
    ['RAM:CreateUser', '*', 'ImplicitDeny'],
    ['sts:AssumeRole', '*', 'ImplicitDeny'],
    ['oss:GetObject', 'acs:oss:*:*:public/a.txt', 'Allow'],
    ['oss:GetObject', 'acs:oss:*:*:private/a.txt', 'ExplicitDeny'],
  ])('%s on %s → %s', (action, resource, expected) => {
    expect(evaluate([p], req(action, resource)).decision).toBe(expected);
  });
});

describe('role session: role policies ∩ session policy', () => {
  const rolePolicies = [
    compilePolicy(doc({ Effect: 'Allow', Action: ['ecs:*', 'oss:*'], Resource: '*' }), 'identity', {
      name: 'Role',
    }),
    compilePolicy(doc({ Effect: 'Deny', Action: 'ecs:DeleteInstance', Resource: '*' }), 'identity', {
      name: 'Guard',
    }),
  ];
  const session = compilePolicy(
    doc(
      { Effect: 'Allow', Action: ['ecs:*', 'rds:*'], Resource: '*' },
      { Effect: 'Deny', Action: 'ecs:Stop*', Resource: '*' },
    ),
    'session',
    {
      name: 'Session',
    },
  );
  it.each([
    ['allowed by both', 'ecs:StartInstance', { decision: 'Allow', policy: 'Role', statement: 0 }],
    ['allowed by the role only', 'oss:GetObject', { decision: 'ImplicitDeny' }],
    ['allowed by the session only', 'rds:DescribeDBInstances', { decision: 'ImplicitDeny' }],
    [
      'denied by the session',
      'ecs:StopInstance',
      { decision: 'ExplicitDeny', policy: 'Session', statement: 1 },
    ],
    [
      'allowed by the session, denied by the role',
      'ecs:DeleteInstance',
      { decision: 'ExplicitDeny', policy: 'Guard', statement: 0 },
    ],
  ] as const)('%s: %s', (_name, action, expected) => {
    expect(evaluateSession(rolePolicies, session, req(action))).toEqual(expected);
  });

  it('without a session policy the role policies alone decide', () => {
    expect(evaluateSession(rolePolicies, undefined, req('oss:GetObject')).decision).toBe('Allow');
  });

  it('a prepared request gives the same decisions as a plain one', () => {
    const plain = req('ecs:StopInstance');
    expect(evaluateSession(rolePolicies, session, prepareRequest(plain))).toEqual(
      evaluateSession(rolePolicies, session, plain),
    );
  });
});

describe('compiled policies', () => {
  it('are immutable and keep the original text', () => {
    const text = doc({ Effect: 'Allow', Action: ['ecs:*'], Resource: '*' });
    const p = compilePolicy(text, 'identity');
    expect(p.text).toBe(text);
    expect(p.name).toBe('<identity>');
    expect(() => (p.statements as unknown[]).push(1)).toThrow();
    expect(Object.isFrozen(p.statements[0]?.actions.matchers)).toBe(true);
    expect(Object.isFrozen(p.statements[0]?.result)).toBe(true);
  });
});

describe('PolicyCache', () => {
  const text = (n: number) => doc({ Effect: 'Allow', Action: `ecs:Action${n}`, Resource: '*' });

  it('returns the same compiled policy for the same kind, name and text', () => {
    const cache = new PolicyCache(10);
    const a = cache.compile(text(1), 'session');
    expect(cache.compile(text(1), 'session')).toBe(a);
    expect(cache.compile(text(1), 'identity')).not.toBe(a);
    expect(cache.compile(text(1), 'session', { name: 'S' }).name).toBe('S');
    expect(cache.size).toBe(3);
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const cache = new PolicyCache(2);
    const first = cache.compile(text(1), 'identity');
    cache.compile(text(2), 'identity');
    cache.compile(text(1), 'identity'); // 1 is now the most recent
    cache.compile(text(3), 'identity'); // evicts 2
    expect(cache.size).toBe(2);
    expect(cache.compile(text(1), 'identity')).toBe(first);
  });

  it('does not keep documents that fail, and reports each failure', () => {
    const cache = new PolicyCache(2);
    expect(() => cache.compile('{}', 'session')).toThrow(/Version: is required/);
    expect(() => cache.compile('{}', 'session')).toThrow(/Version: is required/);
    expect(cache.size).toBe(0);
    expect(() => new PolicyCache(0)).toThrow(RangeError);
  });
});

describe('evaluate takes one policy, a list, or a policy set', () => {
  const a = compilePolicy(doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }), 'identity', {
    name: 'A',
  });
  const d = compilePolicy(doc({ Effect: 'Deny', Action: 'ecs:Delete*', Resource: '*' }), 'identity', {
    name: 'D',
  });
  it.each(['ecs:StartInstance', 'ecs:DeleteInstance', 'oss:GetObject'])('%s decides alike', (action) => {
    const r = req(action);
    expect(evaluate(compilePolicySet([a, d]), r)).toEqual(evaluate([a, d], r));
    expect(evaluate(a, r)).toEqual(evaluate([a], r));
  });
  it('refuses a trust policy in every form', () => {
    const trust = compilePolicy(
      doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ACCOUNT } }),
      'trust',
    );
    expect(() => evaluate(trust, req('sts:AssumeRole'))).toThrow(/evaluateTrust/);
    expect(() => compilePolicySet([a, trust])).toThrow(/evaluateTrust/);
  });
});
