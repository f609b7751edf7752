/**
 * The RAM policy engine: parse, validate, compile and evaluate the RAM policy language
 * (reference §2.4, §4). Pure TypeScript, no I/O. This file is the stable API.
 *
 * - compilePolicy(text, 'identity' | 'trust' | 'session', { name }) → frozen CompiledPolicy, or an
 *   ApiError InvalidParameter.PolicySize / InvalidParameter.PolicyGrammar whose message starts with
 *   the location (`Statement[0].Condition.StringEquals["ecs:tag/env"]: …`, indices 0-based).
 * - evaluate(policy | policies | PolicySet, request) → { decision, policy?, statement? }. A list is
 *   decided policy by policy; compilePolicySet(policies) merges a principal's policies into one
 *   index for callers that keep them (the STS directory cache does).
 *   Each index remembers, per action, the statements it selects (bounded), so a decision looks
 *   only at statements whose Action matches and whose resource head can match.
 * - evaluateSession(rolePolicies, sessionPolicy?, request): role policies ∩ session policy.
 * - evaluateTrust(trustPolicy, { principal, context }): may this principal assume the role?
 * Case rules: actions and condition keys case-insensitive; resources and values case-sensitive
 * (except StringEqualsIgnoreCase and `saml:recipient`). Negated condition operators hold when
 * the request lacks the key (AWS behaviour).
 */
export { compilePolicy, type CompileOptions } from './compile.js';
export { PolicyCache } from './cache.js';
export {
  compilePolicySet,
  evaluate,
  evaluateSession,
  evaluateTrust,
  IMPLICIT_DENY,
  type TrustRequest,
} from './evaluate.js';
export { prepareRequest, PreparedRequest, type AccessRequest, type ContextValue } from './request.js';
export type { TrustPrincipal } from './principal.js';
export { POLICY_LIMITS, characterCount } from './limits.js';
export { CONDITION_OPERATORS } from './conditions.js';
export {
  SYSTEM_POLICIES,
  findSystemPolicy,
  compiledSystemPolicy,
  findSystemPolicyIgnoringCase,
  EXACT_COPIES,
  type SystemPolicy,
} from './system-policies.js';
export type {
  CompiledPolicy,
  CompiledStatement,
  Decision,
  EvaluationResult,
  PolicyKind,
  PolicySet,
} from './types.js';
