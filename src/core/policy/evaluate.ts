/**
 * Evaluation (reference §4): an explicit Deny anywhere wins, else an Allow, else implicit deny.
 * Statements were compiled and indexed once (statement-index.ts); a request is prepared once
 * (request.ts: each context key read is folded and typed on first use) and each candidate
 * statement costs a resource match and its conditions.
 */
import { principalMatches, type TrustPrincipal } from './principal.js';
import { prepareRequest, type AccessRequest, type PreparedRequest } from './request.js';
import { StatementIndex } from './statement-index.js';
import { listMatches } from './statement-test.js';
import type { CompiledPolicy, CompiledStatement, EvaluationResult, PolicySet } from './types.js';

export const IMPLICIT_DENY: EvaluationResult = Object.freeze({ decision: 'ImplicitDeny' });

export interface TrustRequest {
  readonly principal: TrustPrincipal;
  /** Condition keys such as `saml:recipient`. */
  readonly context?: AccessRequest['context'];
  /** Defaults to `sts:AssumeRole`. */
  readonly action?: string;
}

function checkIdentity(policy: CompiledPolicy): void {
  if (policy.kind === 'trust')
    throw new TypeError(`the trust policy ${policy.name} cannot decide a request; use evaluateTrust()`);
}

/** Merge identity or session policies into one index, for a principal whose policies decide many requests. */
export function compilePolicySet(policies: readonly CompiledPolicy[]): PolicySet {
  policies.forEach(checkIdentity);
  const frozen = Object.freeze([...policies]);
  return Object.freeze({
    kind: 'set',
    policies: frozen,
    index: new StatementIndex(frozen.flatMap((p) => p.statements)),
  });
}

function decideIndexed(indexed: PolicySet | CompiledPolicy, prepared: PreparedRequest): EvaluationResult {
  return indexed.index.decide(prepared)?.result ?? IMPLICIT_DENY;
}

function decideEach(policies: readonly CompiledPolicy[], prepared: PreparedRequest): EvaluationResult {
  policies.forEach(checkIdentity);
  for (let p = 0; p < policies.length; p++) {
    const deny = (policies[p] as CompiledPolicy).index.firstDeny(prepared);
    if (deny) return deny.result;
  }
  for (let p = 0; p < policies.length; p++) {
    const allow = (policies[p] as CompiledPolicy).index.firstAllow(prepared);
    if (allow) return allow.result;
  }
  return IMPLICIT_DENY;
}

/**
 * Identity (or session) policies for one request: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' and
 * the deciding statement (the first Deny that applies, else the first Allow, in policy order).
 * Takes one policy, a list of policies, or a PolicySet built once for a principal.
 */
export function evaluate(
  policies: readonly CompiledPolicy[] | PolicySet | CompiledPolicy,
  request: AccessRequest | PreparedRequest,
): EvaluationResult {
  const prepared = prepareRequest(request);
  if (!Array.isArray(policies)) {
    const indexed = policies as PolicySet | CompiledPolicy;
    if (indexed.kind !== 'set') checkIdentity(indexed);
    return decideIndexed(indexed, prepared);
  }
  return decideEach(policies as readonly CompiledPolicy[], prepared);
}

/**
 * A role session's permission (reference §4 order): the session policy is checked first and ends
 * evaluation unless it allows; then the identity policies decide. Without a session policy the
 * identity policies alone decide. The result is thus role policies ∩ session policy.
 */
export function evaluateSession(
  identityPolicies: readonly CompiledPolicy[] | PolicySet,
  sessionPolicy: CompiledPolicy | undefined,
  request: AccessRequest | PreparedRequest,
): EvaluationResult {
  const prepared = prepareRequest(request);
  if (sessionPolicy !== undefined) {
    const bySession = evaluate(sessionPolicy, prepared);
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
  const applies = (s: CompiledStatement) =>
    s.principal !== undefined &&
    principalMatches(s.principal, request.principal) &&
    listMatches(s.actions, prepared.action) &&
    s.applies(prepared);
  const decided =
    trustPolicy.statements.find((s) => s.effect === 'Deny' && applies(s)) ??
    trustPolicy.statements.find((s) => s.effect === 'Allow' && applies(s));
  return decided?.result ?? IMPLICIT_DENY;
}
