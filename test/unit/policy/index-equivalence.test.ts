import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  compilePolicySet,
  evaluate,
  type CompiledPolicy,
} from '../../../src/core/policy/index.js';
import { doc } from './helpers.js';

const ACTIONS = [
  'ecs:StartInstance',
  'ECS:DescribeInstances',
  'oss:GetObject',
  'oss:PutObject',
  'ram:CreateUser',
  'rds:DescribeDBInstances',
  'noservice',
];
const ACTION_PATTERNS = [
  '*',
  'ecs:*',
  'ecs:Describe*',
  '*:Describe*',
  'oss:Get*',
  'oss:?utObject',
  'ram:CreateUser',
  'e?s:*',
  'rds:*',
];
const RESOURCES = [
  '*',
  'acs:ecs:cn-hangzhou:1:instance/i-1',
  'acs:oss:*:1:bucket/a.txt',
  'acs:oss:*:1:other/b.txt',
  'acs:oss:*:1:bucket',
  'acs:oss:*:1:bucket/x:y',
  'acs:oss:cn:1:x:1:bucket/z',
  'acs:oss:*:1:/a.txt',
  'acs:oss::1:bucket/a.txt',
];
const RESOURCE_PATTERNS = [
  '*',
  'acs:ecs:*:*:instance/*',
  'acs:oss:*:*:bucket/*',
  'acs:oss:*:1:*.txt',
  'acs:oss:*:1:bucket',
  'acs:oss:*:1:b?cket/*',
  'acs:oss:*:1:bucket/x:*',
  'acs:oss:*:1:/*',
  'acs:*:*:*:bucket/*',
  'acs:oss:*:1:other/b.txt',
];

/** A resource-shaped text from a tiny alphabet, so that colons, slashes and heads collide often. */
const pieceArb = (alphabet: string[], minLength: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength, maxLength: 6 }).map((c) => c.join(''));
const randomResourceArb = fc
  .tuple(pieceArb(['a', 'b'], 0), pieceArb(['a', '1'], 0), pieceArb(['a', 'b', ':', '/', '.'], 1))
  .map(([service, account, relative]) => `acs:${service}::${account}:${relative}`);
const randomPatternArb = fc
  .tuple(
    pieceArb(['a', 'b', '*'], 0),
    pieceArb(['a', '1', '*', '?'], 0),
    pieceArb(['a', 'b', ':', '/', '.', '*', '?'], 1),
  )
  .map(([service, account, relative]) => `acs:${service}:*:${account}:${relative}`);

const statementArb = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  actions: fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 3 }),
  notAction: fc.boolean(),
  resources: fc.array(fc.oneof(fc.constantFrom(...RESOURCE_PATTERNS), randomPatternArb), {
    minLength: 1,
    maxLength: 2,
  }),
  notResource: fc.boolean(),
  ipCondition: fc.boolean(),
});
type StatementSpec = typeof statementArb extends fc.Arbitrary<infer T> ? T : never;

function toStatement(s: StatementSpec): object {
  return {
    Effect: s.Effect,
    [s.notAction ? 'NotAction' : 'Action']: s.actions,
    [s.notResource ? 'NotResource' : 'Resource']: s.resources,
    ...(s.ipCondition ? { Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } } : {}),
  };
}

/** An independent oracle: wildcards as anchored regexes, the IP condition by prefix. */
function wildcard(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, `su${flags}`);
}

function applies(
  s: StatementSpec,
  request: { action: string; resource: string; ip: string | undefined },
): boolean {
  const action = s.actions.some((p) => wildcard(p, 'i').test(request.action)) !== s.notAction;
  const resource = s.resources.some((p) => wildcard(p, '').test(request.resource)) !== s.notResource;
  return action && resource && (!s.ipCondition || request.ip?.startsWith('10.') === true);
}

/** The reference decision: first applicable Deny in policy order, else first applicable Allow. */
function reference(
  policies: StatementSpec[][],
  request: { action: string; resource: string; ip: string | undefined },
) {
  const judged = policies.flatMap((statements, p) =>
    statements.map((s, i) => ({ s, p, i, applies: applies(s, request) })),
  );
  const hit =
    judged.find((j) => j.applies && j.s.Effect === 'Deny') ??
    judged.find((j) => j.applies && j.s.Effect === 'Allow');
  return hit
    ? { decision: hit.s.Effect === 'Deny' ? 'ExplicitDeny' : 'Allow', policy: `P${hit.p}`, statement: hit.i }
    : { decision: 'ImplicitDeny' };
}

const requestArb = fc.record({
  action: fc.constantFrom(...ACTIONS),
  resource: fc.oneof(fc.constantFrom(...RESOURCES), randomResourceArb),
  ip: fc.constantFrom('10.1.1.1', '8.8.8.8', undefined),
});

describe('the statement index decides as a plain scan would', () => {
  it('for random policies and requests, with arrays and with policy sets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(statementArb, { minLength: 1, maxLength: 4 }), { minLength: 0, maxLength: 4 }),
        fc.array(requestArb, { minLength: 1, maxLength: 12 }),
        (specs, requests) => {
          const policies: CompiledPolicy[] = specs.map((statements, p) =>
            compilePolicy(doc(...statements.map(toStatement)), 'identity', { name: `P${p}` }),
          );
          const set = compilePolicySet(policies);
          // Several requests per policy set: later ones meet the memo the earlier ones filled.
          for (const { action, resource, ip } of requests) {
            const request = { action, resource, context: { 'acs:SourceIp': ip } };
            const expected = reference(specs, { action, resource, ip });
            expect(evaluate(policies, request)).toEqual(expected);
            expect(evaluate(set, request)).toEqual(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('still decides right after more distinct actions than the memo keeps', () => {
    const policy = compilePolicy(
      doc(
        { Effect: 'Allow', Action: 'ecs:Describe*', Resource: 'acs:ecs:*:*:instance/*' },
        { Effect: 'Deny', Action: 'ecs:DescribeSecret*', Resource: '*' },
      ),
      'identity',
    );
    const decide = (action: string, resource = 'acs:ecs:cn:1:instance/i-1') =>
      evaluate(policy, { action, resource }).decision;
    for (let i = 0; i < 40_000; i++) expect(decide(`ecs:Describe${i}`)).toBe('Allow');
    expect(decide('ecs:DescribeSecretThing')).toBe('ExplicitDeny');
    expect(decide('ecs:Describe7', 'acs:ecs:cn:1:disk/d-1')).toBe('ImplicitDeny');
    expect(decide('ecs:Describe7')).toBe('Allow');
    expect(decide('ecs:Start7')).toBe('ImplicitDeny');
  });
});

describe('a list of policies met again', () => {
  it('is decided from what the list holds now, even after it was changed in place', () => {
    const allow = compilePolicy(doc({ Effect: 'Allow', Action: '*', Resource: '*' }), 'identity', {
      name: 'A',
    });
    const deny = compilePolicy(doc({ Effect: 'Deny', Action: 'ecs:*', Resource: '*' }), 'identity', {
      name: 'D',
    });
    const request = { action: 'ecs:StartInstance', resource: 'acs:ecs:cn:1:instance/i-1' };
    const list: CompiledPolicy[] = [allow];
    for (let i = 0; i < 3; i++)
      expect(evaluate(list, request)).toEqual({ decision: 'Allow', policy: 'A', statement: 0 });
    list.push(deny);
    expect(evaluate(list, request)).toEqual({ decision: 'ExplicitDeny', policy: 'D', statement: 0 });
    list[1] = allow;
    expect(evaluate(list, request)).toEqual({ decision: 'Allow', policy: 'A', statement: 0 });
    list.length = 0;
    expect(evaluate(list, request)).toEqual({ decision: 'ImplicitDeny' });
  });
});

describe('an action whose statements name too many resource heads to split by head', () => {
  it('is decided from all its statements, as a plain scan would', () => {
    // 270 statements filed under 270 heads and 270 unfiled ones: past the head-split budget.
    const specs: StatementSpec[][] = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: 45 }, (_, i) => {
        const k = p * 45 + i;
        const filed = k % 2 === 0;
        return {
          Effect: k % 10 === 0 ? 'Deny' : 'Allow',
          actions: [filed ? 'oss:*' : 'oss:Get*'],
          notAction: false,
          resources: [filed ? `acs:oss:*:1:b${k}/*` : `acs:oss:*:1:b${k + 1}*.txt`],
          notResource: false,
          ipCondition: k % 4 === 0,
        };
      }),
    );
    const policies = specs.map((statements, p) =>
      compilePolicy(doc(...statements.map(toStatement)), 'identity', { name: `P${p}` }),
    );
    const set = compilePolicySet(policies);
    for (const k of [0, 2, 10, 11, 12, 99, 100, 538, 539, 540])
      for (const ip of ['10.1.1.1', '8.8.8.8'])
        for (const action of ['oss:GetObject', 'oss:PutObject']) {
          const resource = `acs:oss:*:1:b${k}/a.txt`;
          const request = { action, resource, context: { 'acs:SourceIp': ip } };
          const expected = reference(specs, { action, resource, ip });
          expect(evaluate(set, request)).toEqual(expected);
          expect(evaluate(policies, request)).toEqual(expected);
        }
  });
});
