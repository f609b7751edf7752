/**
 * Fuzz properties of the RAM policy compiler: policy-shaped JSON with odd values, mutated texts of
 * valid policies and random text, for each policy kind. Contract: a CompiledPolicy or ApiError
 * InvalidParameter.PolicyGrammar / .PolicySize, nothing else; a compiled policy decides any request
 * without throwing, and the same document re-serialized by JSON.stringify compiles to a policy
 * with the same decisions (the compiler reads the JSON value, not its spelling).
 */
import fc from 'fast-check';
import { ApiError } from '../../src/core/errors.js';
import {
  CONDITION_OPERATORS,
  POLICY_LIMITS,
  characterCount,
  compilePolicy,
  evaluate,
  evaluateTrust,
  type AccessRequest,
  type CompiledPolicy,
  type PolicyKind,
  type TrustPrincipal,
} from '../../src/core/policy/index.js';
import { fuzzProperty, violation, type FuzzProperty, type Timer } from './harness.js';

const KINDS: readonly PolicyKind[] = ['identity', 'session', 'trust'];
const ACCOUNT = '1234567890123456';
const GOOD_ACTIONS = [
  '*',
  'ecs:*',
  'ecs:Describe*',
  'oss:Get?bject',
  'sts:AssumeRole',
  'ram:*',
  'OSS:GETOBJECT',
];
const ACTIONS = [...GOOD_ACTIONS, '**', 'ecs:', 'a:b:c'];
const RESOURCES = [
  '*',
  'acs:ecs:*:*:instance/*',
  `acs:oss:*:${ACCOUNT}:bucket/a/*`,
  `acs:ram::${ACCOUNT}:role/admin`,
  'acs::::',
  'acs:*:*:*:*',
  'x',
];
const CONDITION_KEYS = [
  'acs:SourceIp',
  'acs:CurrentTime',
  'acs:SecureTransport',
  'acs:MFAPresent',
  'saml:recipient',
  'oss:Prefix',
  'rds:ResourceTag/owner',
  'sts:ExternalId',
];
const VALUES = [
  '10.0.0.0/8',
  '192.168.1.1',
  '2001:db8::/32',
  '::ffff:10.0.0.1',
  '999.1.1.1/99',
  '2012-11-11T23:59:59Z',
  '2012-11-11',
  '2012-13-45T25:61:61+99:99',
  'true',
  'FALSE',
  '1',
  '-0',
  '1e400',
  '0x10',
  'abc*',
  '?',
  '',
  'https://signin.aliyun.com/saml-role/sso',
  `acs:ram::${ACCOUNT}:saml-provider/idp`,
  `acs:ram::${ACCOUNT}:root`,
  ACCOUNT,
  'ecs.aliyuncs.com',
  '\u0000',
  '\uD800',
];
const MEMBERS = [
  'Version',
  'Statement',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'Principal',
];

const scalar = fc.oneof(
  fc.constantFrom(...VALUES, ...ACTIONS, ...RESOURCES, 'Allow', 'Deny', '1'),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

/** Any JSON value, keys drawn mostly from the policy vocabulary. */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(...MEMBERS, ...CONDITION_OPERATORS, ...CONDITION_KEYS, 'RAM', 'Service', 'Federated'),
        fc.string({ maxLength: 6 }),
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

const listOf = (items: readonly string[]) =>
  fc.oneof(fc.constantFrom(...items), fc.array(fc.constantFrom(...items), { minLength: 1, maxLength: 3 }));

/** Values that suit each operator family, so that most generated conditions compile. */
const FITTING: Record<string, readonly string[]> = {
  String: ['alice', 'abc*', '', 'https://signin.aliyun.com/saml-role/sso'],
  Numeric: ['1', '-0', '3.5'],
  Date: ['2012-11-11T23:59:59Z', '2026-06-01T12:00:00+08:00'],
  Bool: ['true', 'false'],
  IpAddress: ['10.0.0.0/8', '192.168.1.1', '2001:db8::/32'],
  NotIpAddress: ['10.0.0.0/8', '::1'],
};
const fittingValue = (operator: string) =>
  listOf(Object.entries(FITTING).find(([prefix]) => operator.startsWith(prefix))?.[1] ?? VALUES);

const condition = fc
  .array(fc.constantFrom(...CONDITION_OPERATORS, 'StringEqualsIgnorecase'), { minLength: 1, maxLength: 2 })
  .chain((operators) =>
    fc.tuple(
      ...operators.map((operator) =>
        fc.tuple(
          fc.constant(operator),
          fc.dictionary(
            fc.constantFrom(...CONDITION_KEYS),
            fc.oneof({ weight: 12, arbitrary: fittingValue(operator) }, { weight: 1, arbitrary: scalar }),
            { minKeys: 1, maxKeys: 2 },
          ),
        ),
      ),
    ),
  )
  .map((entries) => Object.fromEntries(entries));

/** A statement of `kind` that is valid more often than not; a member may be added or replaced by any value. */
function statementFor(kind: PolicyKind) {
  const trust = kind === 'trust';
  return fc
    .record({
      Effect: fc.constantFrom('Allow', 'Deny'),
      action: fc.tuple(
        trust ? fc.constant('Action') : fc.constantFrom('Action', 'NotAction'),
        trust ? fc.constantFrom('sts:AssumeRole', 'sts:assumerole', 'sts:*') : listOf(GOOD_ACTIONS),
      ),
      target: trust
        ? fc.tuple(
            fc.constant('Principal'),
            fc.oneof(
              fc.record({
                Federated: listOf([`acs:ram::${ACCOUNT}:saml-provider/idp`, 'acs:ram::1:saml-provider/x']),
              }),
              fc.record({ RAM: listOf([`acs:ram::${ACCOUNT}:root`, ACCOUNT, `acs:ram::${ACCOUNT}:role/r`]) }),
              fc.record({ Service: listOf(['ecs.aliyuncs.com', 'ECS.aliyuncs.com']) }),
              fc.dictionary(fc.constantFrom('RAM', 'Service', 'Federated'), listOf(VALUES), {
                minKeys: 1,
                maxKeys: 2,
              }),
            ),
          )
        : fc.tuple(fc.constantFrom('Resource', 'NotResource'), listOf(RESOURCES)),
      Condition: fc.option(condition, { freq: 2, nil: undefined }),
      junk: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...MEMBERS), jsonValue) },
      ),
    })
    .map(({ Effect, action, target, Condition, junk }) => ({
      Effect,
      [action[0]]: action[1],
      [target[0]]: target[1],
      ...(Condition ? { Condition } : {}),
      ...(junk ? { [junk[0]]: junk[1] } : {}),
    }));
}

/** [document, kind]: mostly policy-shaped documents of that kind, sometimes any JSON value. */
const policyDocument = fc.constantFrom(...KINDS).chain((kind) =>
  fc.tuple(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          Version: fc.oneof({ weight: 15, arbitrary: fc.constant('1') }, { weight: 1, arbitrary: scalar }),
          Statement: fc.array(statementFor(kind), { minLength: 1, maxLength: 2 }),
        }),
      },
      { weight: 1, arbitrary: jsonValue },
    ),
    fc.constant(kind),
  ),
);

const VALID = [
  { Version: '1', Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: 'acs:ecs:*:*:instance/*' }] },
  {
    Version: '1',
    Statement: [
      {
        Effect: 'Deny',
        NotAction: ['oss:Get*'],
        NotResource: '*',
        Condition: { Bool: { 'acs:SecureTransport': 'false' } },
      },
      {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8'] } },
      },
    ],
  },
  {
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Federated: [`acs:ram::${ACCOUNT}:saml-provider/idp`] },
        Condition: { StringEquals: { 'saml:recipient': 'https://signin.aliyun.com/saml-role/sso' } },
      },
    ],
  },
].map((doc) => JSON.stringify(doc, null, 2));

const JSON_TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\u',
  '\\ud800',
  '1e999',
  '-',
  'null',
  ' ',
  '\u0000',
  '[[[[[[[[',
  '"Version":"1",',
  '\uFEFF',
];

const textEdit = fc.oneof(
  fc.record({
    at: fc.nat(),
    remove: fc.integer({ min: 0, max: 8 }),
    insert: fc.constantFrom(...JSON_TOKENS),
  }),
  fc.record({
    at: fc.nat(),
    remove: fc.integer({ min: 0, max: 8 }),
    insert: fc.string({ unit: 'binary', maxLength: 6 }),
  }),
  fc.record({
    at: fc.nat(),
    remove: fc.constant(0),
    insert: fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n)),
  }),
);

const request: fc.Arbitrary<AccessRequest> = fc.record({
  action: fc.constantFrom(...ACTIONS, 'ecs:StartInstance', 'oss:GetObject'),
  resource: fc.constantFrom(...RESOURCES, `acs:ecs:cn-hangzhou:${ACCOUNT}:instance/i-1`),
  context: fc.dictionary(
    fc.constantFrom(...CONDITION_KEYS),
    fc.oneof(fc.constantFrom(...VALUES), fc.boolean(), fc.integer()),
    { maxKeys: 3 },
  ),
});
const principal: fc.Arbitrary<TrustPrincipal> = fc.oneof(
  fc.record({ type: fc.constant('Federated' as const), arn: fc.constantFrom(...VALUES) }),
  fc.record({ type: fc.constant('RAM' as const), arn: fc.constantFrom(...VALUES) }),
  fc.record({ type: fc.constant('Service' as const), service: fc.constantFrom(...VALUES) }),
);
const requests = fc.array(fc.tuple(request, principal), { minLength: 1, maxLength: 3 });
type Requests = Array<[AccessRequest, TrustPrincipal]>;

/** The compiled policy, or undefined when it was refused with one of the policy errors. */
function compile(text: string, kind: PolicyKind, timed: Timer): CompiledPolicy | undefined {
  try {
    return timed(() => compilePolicy(text, kind));
  } catch (err) {
    violation(err instanceof ApiError, `threw ${String(err)}, not an ApiError`);
    violation(/^InvalidParameter\.Policy(Grammar|Size)$/.test(err.code), `threw ApiError ${err.code}`);
    return undefined;
  }
}

function decisions(policy: CompiledPolicy, list: Requests, timed: Timer): string[] {
  return list.map(([req, who]) =>
    timed(() =>
      policy.kind === 'trust'
        ? evaluateTrust(policy, { principal: who, context: req.context }).decision
        : evaluate([policy], req).decision,
    ),
  );
}

function checkText(text: string, kind: PolicyKind, list: Requests, timed: Timer): void {
  const policy = compile(text, kind, timed);
  if (!policy) return;
  const decided = decisions(policy, list, timed);
  const respelled = JSON.stringify(JSON.parse(text));
  if (characterCount(respelled) > POLICY_LIMITS[kind].max) return;
  const again = compile(respelled, kind, timed);
  violation(again, `the re-serialized document is refused: ${respelled}`);
  violation(
    JSON.stringify(decisions(again, list, timed)) === JSON.stringify(decided),
    `the re-serialized document decides differently: ${respelled}`,
  );
}

export const POLICY_PROPERTIES: FuzzProperty[] = [
  fuzzProperty({
    name: 'policy: policy-shaped JSON compiles or is refused with a policy error, and then decides consistently',
    suiteRuns: 600,
    arbitrary: fc.tuple(policyDocument, requests),
    check: ([[doc, kind], list], timed) => checkText(JSON.stringify(doc), kind, list, timed),
  }),
  fuzzProperty({
    name: 'policy: mutated valid policies and random text compile or are refused with a policy error',
    suiteRuns: 600,
    arbitrary: fc.tuple(
      fc.oneof(
        fc
          .tuple(fc.constantFrom(...VALID), fc.array(textEdit, { minLength: 1, maxLength: 3 }))
          .map(([text, edits]) =>
            edits.reduce((t, e) => {
              const i = e.at % (t.length + 1);
              return t.slice(0, i) + e.insert + t.slice(i + e.remove);
            }, text),
          ),
        fc.string({ unit: 'binary', maxLength: 100 }),
      ),
      fc.constantFrom(...KINDS),
      requests,
    ),
    check: ([text, kind, list], timed) => checkText(text, kind, list, timed),
  }),
];
