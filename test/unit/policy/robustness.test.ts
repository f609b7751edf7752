import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import {
  compilePolicy,
  evaluate,
  evaluateTrust,
  type PolicyKind,
  type TrustPrincipal,
} from '../../../src/core/policy/index.js';
import { doc } from './helpers.js';

const KINDS: PolicyKind[] = ['identity', 'trust', 'session'];
/** Cheap junk values (fast-check's jsonValue is slow to generate in bulk). */
const json = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
);

/** Compiles, or fails with one of the two policy ApiErrors; nothing else may escape. */
function compileOrPolicyError(text: string, kind: PolicyKind): void {
  try {
    compilePolicy(text, kind);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect(['InvalidParameter.PolicyGrammar', 'InvalidParameter.PolicySize']).toContain((e as ApiError).code);
    // Bounded: names from the document are cut to 80 characters; the longest fixed text lists the 21 operators.
    expect((e as ApiError).message.length).toBeLessThan(1000);
  }
}

const policyShaped = fc.record(
  {
    Version: fc.oneof(fc.constant('1'), json),
    Statement: fc.oneof(
      fc.array(
        fc.record(
          {
            Effect: fc.oneof(fc.constantFrom('Allow', 'Deny'), json),
            Action: fc.oneof(fc.constantFrom('*', 'ecs:*', 'sts:AssumeRole'), json),
            Resource: fc.oneof(fc.constant('*'), json),
            Principal: fc.oneof(fc.constant({ RAM: '1234567890123456' }), json),
            Condition: fc.dictionary(
              fc.constantFrom('StringEquals', 'IpAddress', 'DateLessThan', 'NumericLessThan', 'Bool', 'Foo'),
              fc.dictionary(fc.constantFrom('acs:SourceIp', 'acs:CurrentTime', 'x'), json),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      json,
    ),
  },
  { requiredKeys: [] },
);

describe('no input crashes the compiler', () => {
  it('arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...KINDS), compileOrPolicyError), {
      numRuns: 500,
    });
  });
  it('arbitrary JSON', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(...KINDS), (v, kind) =>
        compileOrPolicyError(JSON.stringify(v) ?? 'null', kind),
      ),
      { numRuns: 500 },
    );
  });
  it('policy-shaped JSON with wrong parts', () => {
    fc.assert(
      fc.property(policyShaped, fc.constantFrom(...KINDS), (v, kind) =>
        compileOrPolicyError(JSON.stringify(v), kind),
      ),
      { numRuns: 1000 },
    );
  });
});

describe('no request crashes the evaluator', () => {
  const identity = compilePolicy(
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
        DateLessThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' },
        NumericLessThan: { 'acs:n': 5 },
        Bool: { 'acs:SecureTransport': true },
        StringLike: { 'acs:s': 'a*' },
      },
    }),
    'identity',
  );
  const trust = compilePolicy(
    doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: '1234567890123456' } }),
    'trust',
  );
  const contextValue = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.date({ noInvalidDate: false }));
  const context = fc.dictionary(
    fc.constantFrom('acs:SourceIp', 'acs:CurrentTime', 'acs:n', 'acs:SecureTransport', 'acs:s', 'other'),
    fc.oneof(contextValue, fc.array(contextValue)),
  );

  it('arbitrary actions, resources and context values decide without throwing', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), context, (action, resource, ctx) => {
        expect(['Allow', 'ImplicitDeny']).toContain(
          evaluate(identity, { action, resource, context: ctx }).decision,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary principals are judged, never thrown on', () => {
    fc.assert(
      fc.property(fc.constantFrom('RAM', 'Federated', 'Service'), fc.string(), (type, value) => {
        const principal: TrustPrincipal =
          type === 'Service' ? { type, service: value } : { type, arn: value };
        expect(evaluateTrust(trust, { principal }).decision).toBe('ImplicitDeny');
      }),
      { numRuns: 500 },
    );
  });
});
