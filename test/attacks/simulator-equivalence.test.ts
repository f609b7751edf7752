/**
 * The simulator says what the gateway does: for random policies (Allow/Deny, action and resource
 * wildcards, both ARN region forms, any letter case, SourceIp, SecureTransport and MFAPresent
 * conditions), random requests of the gateway's own actions and random request facts (a session that
 * passed MFA or not), the decision of
 * RamgateSimulatePrincipalPolicy for the caller equals the outcome of the real call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTION_TABLE, SLOT_PARAMS, type SlotName } from '../../src/core/actions/index.js';
import { isApiError } from '../../src/core/errors.js';
import { mfaPresentOf, type Principal } from '../../src/core/principal.js';
import { simulate, simulatedContext } from '../../src/core/simulator/index.js';
import { gatewayActions } from '../../src/http/api/actions.js';
import { callerOf } from '../../src/http/api/caller.js';
import { ACCOUNT, ARN_TYPE, OTHER, TARGET, buildWorld } from './authorization-world.js';

const RUNS = Number(process.env.RAMGATE_SIM_RUNS ?? 150);

/** Rows with one resource named by one existing slot and no other required parameter. */
const ROWS = ACTION_TABLE.filter(
  (r) =>
    r.authorizedBy === 'table' &&
    r.resources.length === 1 &&
    Object.keys(r.slots).length === 1 &&
    Object.values(r.slots)[0] === 'existing' &&
    r.params.every((p) => !p.required) &&
    !r.extension,
);

const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((up) => [...text].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));

const resourcePattern = fc.oneof(
  fc.constant('*'),
  fc
    .tuple(
      fc.constantFrom('', '*', 'cn-hangzhou'),
      fc.constantFrom(ACCOUNT, '*'),
      fc.constantFrom('user', 'group', 'role', 'policy', 'saml-provider'),
      fc.constantFrom(...Object.values(TARGET), ...Object.values(OTHER), '*', 'ops-*', 'a*e', 'd?v?'),
    )
    .chain(([region, account, type, name]) =>
      anyCase(name).map((n) => `acs:ram:${region}:${account}:${type}/${n}`),
    ),
);

const condition = fc.option(
  fc.oneof(
    fc.boolean().map((b) => ({ Bool: { 'acs:SecureTransport': String(b) } })),
    fc.boolean().map((b) => ({ Bool: { 'acs:MFAPresent': String(b) } })),
    fc.constantFrom('127.0.0.0/8', '10.0.0.0/8').map((cidr) => ({ IpAddress: { 'acs:SourceIp': cidr } })),
  ),
  { nil: undefined },
);

const statement = fc
  .record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.constantFrom(
      '*',
      'ram:*',
      'ram:Get*',
      'ram:List*',
      'RAM:GETUSER',
      'ram:GetRole',
      'ram:UpdateRole',
    ),
    Resource: fc.array(resourcePattern, { minLength: 1, maxLength: 3 }),
    Condition: condition,
  })
  .map((s) => (s.Condition === undefined ? { ...s, Condition: undefined } : s))
  .map(({ Condition, ...rest }) => (Condition ? { ...rest, Condition } : rest));

describe('the simulator decides as the gateway does', () => {
  it('for the caller, on every action of the table with one resource', async () => {
    expect(ROWS.length).toBeGreaterThan(10);
    const seen = { allowed: 0, denied: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(statement, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('user' as const, 'role-session' as const),
        fc.constantFrom(...ROWS),
        fc.boolean(),
        fc.constantFrom('127.0.0.1', '10.1.2.3', '192.0.2.7'),
        fc.boolean(),
        fc.boolean(),
        async (statements, as, row, target, sourceIp, secure, mfa) => {
          const world = await buildWorld({ Version: '1', Statement: statements }, as);
          const principal = { ...world.principal, ...(mfa ? { mfaPresent: true } : {}) } as Principal;
          const [slot] = Object.keys(row.slots) as SlotName[];
          const kind = SLOT_PARAMS[slot as SlotName].kind;
          const name = (target ? TARGET : OTHER)[kind];
          const version = row.versions[0];
          const action = gatewayActions(world.gw).find(
            (a) => a.action === row.action && a.version === version,
          );
          if (!action) throw new Error(`${row.action} is not served`);
          let outcome = 'OK';
          try {
            await action.handler({
              // A device is named by its SerialNumber, `acs:ram::<account>:mfa/<name>`.
              params: {
                [SLOT_PARAMS[slot as SlotName].params[0] as string]:
                  kind === 'mfa-device'
                    ? `acs:ram::${ACCOUNT}:mfa/${name.toUpperCase()}`
                    : name.toUpperCase(),
              },
              caller: callerOf(principal),
              accessKeyId: 'LTAIsim00000000000000001',
              requestId: 'R',
              sourceIp,
              secureTransport: secure,
            });
          } catch (error) {
            if (!isApiError(error)) throw error;
            outcome = error.code;
          }
          const type = ARN_TYPE[kind];
          const simulated = await simulate(world.gw.directory, ACCOUNT, {
            principal: { kind: 'caller', principal },
            actions: [row.policyAction],
            resources: [`acs:ram::${ACCOUNT}:${type}/${name}`],
            context: simulatedContext(
              undefined,
              { sourceIp, secureTransport: secure, mfaPresent: mfaPresentOf(principal) },
              world.gw.now(),
            ),
          });
          const decision = simulated.EvaluationResults.EvaluationResult[0]?.Decision;
          expect([row.action, decision === 'Allow']).toEqual([row.action, outcome !== 'NoPermission']);
          seen[decision === 'Allow' ? 'allowed' : 'denied']++;
        },
      ),
      { numRuns: RUNS },
    );
    // Neither side of the comparison is vacuous.
    expect(seen.allowed).toBeGreaterThan(RUNS / 20);
    expect(seen.denied).toBeGreaterThan(RUNS / 20);
  });
});
