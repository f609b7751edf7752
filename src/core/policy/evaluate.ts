/**
 * Evaluation (reference §4): an explicit Deny anywhere wins, else an Allow, else implicit deny.
 * Statements were compiled once; a request is prepared once (action lower-cased, context keys
 * folded) and each statement costs a few matcher calls.
 */
import { conditionsHold } from './conditions.js';
import { principalMatches, type TrustPrincipal } from './principal.js';
import { prepareRequest, type AccessRequest, type PreparedRequest } from './request.js';
import type { CompiledPolicy, CompiledStatement, EvaluationResult, PatternList } from './types.js';

export const IMPLICIT_DENY: EvaluationResult = Object.freeze({ decision: 'ImplicitDeny' });

export interface TrustRequest {
  readonly principal: TrustPrincipal;
  /** Condition keys such as `saml:recipient`. */
  readonly context?: AccessRequest['context'];
  /** Defaults to `sts:AssumeRole`. */
  readonly action?: string;
}

function listMatches(list: PatternList, input: string): boolean {
  const matchers = list.matchers;
  for (let i = 0; i < matchers.length; i++) {
    if ((matchers[i] as (s: string) => boolean)(input)) return !list.negated;
  }
  return list.negated;
}

function statementApplies(s: CompiledStatement, request: PreparedRequest): boolean {
  return (
    listMatches(s.actions, request.action) &&
    (s.resources === undefined || listMatches(s.resources, request.resource)) &&
    (s.conditions.length === 0 || conditionsHold(s.conditions, request))
  );
}

/** Identity (or session) policies for one request: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' and the deciding statement. */
export function evaluate(
  policies: readonly CompiledPolicy[],
  request: AccessRequest | PreparedRequest,
): EvaluationResult {
  const prepared = prepareRequest(request);
  let allowed: EvaluationResult | undefined;
  for (let p = 0; p < policies.length; p++) {
    const policy = policies[p] as CompiledPolicy;
    if (policy.kind === 'trust')
      throw new TypeError(`evaluate() was given the trust policy ${policy.name}; use evaluateTrust()`);
    const statements = policy.statements;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i] as CompiledStatement;
      if (s.effect === 'Allow' && allowed !== undefined) continue;
      if (!statementApplies(s, prepared)) continue;
      if (s.effect === 'Deny') return s.result;
      allowed = s.result;
    }
  }
  return allowed ?? IMPLICIT_DENY;
}

/**
 * A role session's permission (reference §4 order): the session policy is checked first and ends
 * evaluation unless it allows; then the identity policies decide. Without a session policy the
 * identity policies alone decide. The result is thus role policies ∩ session policy.
 */
export function evaluateSession(
  identityPolicies: readonly CompiledPolicy[],
  sessionPolicy: CompiledPolicy | undefined,
  request: AccessRequest | PreparedRequest,
): EvaluationResult {
  const prepared = prepareRequest(request);
  if (sessionPolicy !== undefined) {
    const bySession = evaluate([sessionPolicy], prepared);
    if (bySession.decision !== 'Allow') return bySession;
  }
  return evaluate(identityPolicies, prepared);
}

/** May this principal assume the role whose trust policy this is? */
export function evaluateTrust(trustPolicy: CompiledPolicy, request: TrustRequest): EvaluationResult {
  if (trustPolicy.kind !== 'trust')
    throw new TypeError(`evaluateTrust() was given the ${trustPolicy.kind} policy ${trustPolicy.name}`);
  const prepared = prepareRequest({
    action: request.action ?? 'sts:AssumeRole',
    resource: '',
    context: request.context,
  });
  let allowed: EvaluationResult | undefined;
  for (const s of trustPolicy.statements) {
    if (s.principal === undefined || !principalMatches(s.principal, request.principal)) continue;
    if (!statementApplies(s, prepared)) continue;
    if (s.effect === 'Deny') return s.result;
    allowed ??= s.result;
  }
  return allowed ?? IMPLICIT_DENY;
}
