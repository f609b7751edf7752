import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type ContextValue } from '../../../src/core/policy/index.js';
import { identity } from './helpers.js';

/** The plain definition: some request value and some policy value satisfy the comparison. */
const ORDER: Record<string, (r: number, p: number) => boolean> = {
  Equals: (r, p) => r === p,
  LessThan: (r, p) => r < p,
  LessThanEquals: (r, p) => r <= p,
  GreaterThan: (r, p) => r > p,
  GreaterThanEquals: (r, p) => r >= p,
};

function decide(operator: string, key: string, policyValues: unknown[], requestValues: ContextValue[]) {
  const policy = identity({
    Effect: 'Allow',
    Action: '*',
    Resource: '*',
    Condition: { [operator]: { [key]: policyValues } },
  });
  const request = {
    action: 'ecs:Run',
    resource: 'acs:ecs:cn:1:instance/i',
    context: { [key]: requestValues },
  };
  return evaluate(policy, request).decision === 'Allow';
}

const someOf = <T>(request: T[], policy: T[], test: (r: T, p: T) => boolean) =>
  request.some((r) => policy.some((p) => test(r, p)));

describe('condition operators agree with their definition on random value lists', () => {
  it('Numeric… and Date… (any request value against any policy value)', () => {
    const numbers = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ORDER)), numbers, numbers, (name, policy, request) => {
        const test = ORDER[name] as (r: number, p: number) => boolean;
        const expected = someOf(request, policy, test);
        expect(decide(`Numeric${name}`, 'acs:n', policy, request)).toBe(expected);
        const day = (n: number) => new Date(Date.UTC(2020, 0, 10 + n));
        const dates = policy.map((n) => day(n).toISOString());
        expect(decide(`Date${name}`, 'acs:CurrentTime', dates, request.map(day))).toBe(expected);
        if (name === 'Equals') {
          expect(decide('NumericNotEquals', 'acs:n', policy, request)).toBe(!expected);
          expect(decide('DateNotEquals', 'acs:CurrentTime', dates, request.map(day))).toBe(!expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('String… (case rules, wildcards) and Bool', () => {
    const words = fc.array(fc.constantFrom('a', 'A', 'ab', 'aB', 'b', 'a*', '*b', 'a?'), {
      minLength: 1,
      maxLength: 10,
    });
    const like = (p: string) => new RegExp(`^${p.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    fc.assert(
      fc.property(words, words, (policy, request) => {
        const equal = someOf(request, policy, (r, p) => r === p);
        const folded = someOf(request, policy, (r, p) => r.toLowerCase() === p.toLowerCase());
        const matched = someOf(request, policy, (r, p) => like(p).test(r));
        expect(decide('StringEquals', 'acs:s', policy, request)).toBe(equal);
        expect(decide('StringNotEquals', 'acs:s', policy, request)).toBe(!equal);
        expect(decide('StringEqualsIgnoreCase', 'acs:s', policy, request)).toBe(folded);
        expect(decide('StringNotEqualsIgnoreCase', 'acs:s', policy, request)).toBe(!folded);
        expect(decide('StringLike', 'acs:s', policy, request)).toBe(matched);
        expect(decide('StringNotLike', 'acs:s', policy, request)).toBe(!matched);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(true, false, 'true', 'FALSE'), { minLength: 1, maxLength: 2 }),
        fc.array(fc.constantFrom<ContextValue>(true, false, 'True', 'false', 'yes'), {
          minLength: 1,
          maxLength: 3,
        }),
        (policy, request) => {
          const norm = (v: unknown) => String(v).toLowerCase();
          const expected = someOf<unknown>(request, policy, (r, p) => norm(r) === norm(p));
          expect(decide('Bool', 'acs:b', policy, request)).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('condition keys are found in the request context case-insensitively', () => {
  it('exactly when the two keys lower-case alike (ASCII and the odd Unicode letters)', () => {
    const letters = [
      'a',
      'A',
      'i',
      'I',
      '\u0130',
      '\u0307',
      'k',
      'K',
      '\u212a',
      'σ',
      'Σ',
      'ς',
      'é',
      'É',
      'ß',
      '/',
    ];
    const nameArb = fc
      .array(fc.constantFrom(...letters), { minLength: 1, maxLength: 4 })
      .map((l) => l.join(''));
    fc.assert(
      fc.property(nameArb, nameArb, (policyName, requestName) => {
        const policyKey = `acs:${policyName}`;
        const requestKey = `acs:${requestName}`;
        const policy = identity({
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { [policyKey]: 'v' } },
        });
        const request = { action: 'ecs:Run', resource: '*', context: { [requestKey]: 'v' } };
        const expected = requestKey.toLowerCase() === policyKey.toLowerCase();
        expect([policyKey, requestKey, evaluate(policy, request).decision === 'Allow']).toEqual([
          policyKey,
          requestKey,
          expected,
        ]);
      }),
      { numRuns: 3000 },
    );
  });
});
