/**
 * Why a request is allowed or denied: the decision exactly as the gateway makes it (the same
 * evaluation over the same policies), and every statement that took part — the Deny statements
 * that apply when one does, else the Allow statements that apply — with the policy's name, type,
 * version and the statement's index. A role session's session policy is evaluated first and ends
 * evaluation unless it allows (reference §4), so its statements are reported beside the role's.
 */
import { compileCached } from '../policy-cache.js';
import {
  evaluate,
  prepareRequest,
  type AccessRequest,
  type CompiledPolicy,
  type Decision,
  type PreparedRequest,
} from '../policy/index.js';
import { listMatches } from '../policy/statement-test.js';

export interface PolicyInput {
  PolicyName: string;
  PolicyType: 'System' | 'Custom' | 'Session';
  /** Default version of an attached policy; absent for a session policy. */
  VersionId?: string;
  PolicyDocument: string;
  /** How the policy reaches the principal, e.g. `user/alice`, `group/admins`. */
  AttachedTo?: string;
}

export interface MatchedStatement {
  PolicyName: string;
  PolicyType: PolicyInput['PolicyType'];
  VersionId?: string;
  AttachedTo?: string;
  StatementIndex: number;
  Effect: 'Allow' | 'Deny';
}

export interface Explanation {
  Decision: Decision;
  /**
   * Which policies ended evaluation: the session policy (a refusal there) or the identity policies;
   * `self-service`: the security preference's self-service rule allowed what they did not.
   */
  DecidedBy: 'identity' | 'session' | 'account' | 'self-service';
  MatchedStatements: MatchedStatement[];
}

interface Compiled {
  input: PolicyInput;
  policy: CompiledPolicy;
}

function compile(input: PolicyInput): Compiled {
  const kind = input.PolicyType === 'Session' ? 'session' : 'identity';
  return { input, policy: compileCached(input.PolicyDocument, kind, input.PolicyName) };
}

/** The statements of these policies with this effect that apply to the request. */
function applying(policies: readonly Compiled[], effect: 'Allow' | 'Deny', request: PreparedRequest) {
  return policies.flatMap(({ input, policy }) =>
    policy.statements
      .filter((s) => s.effect === effect && listMatches(s.actions, request.action) && s.applies(request))
      .map((s): MatchedStatement => ({
        PolicyName: input.PolicyName,
        PolicyType: input.PolicyType,
        ...(input.VersionId ? { VersionId: input.VersionId } : {}),
        ...(input.AttachedTo ? { AttachedTo: input.AttachedTo } : {}),
        StatementIndex: s.index,
        Effect: effect,
      })),
  );
}

function decided(policies: readonly Compiled[], decision: Decision, request: PreparedRequest) {
  if (decision === 'ImplicitDeny') return [];
  return applying(policies, decision === 'Allow' ? 'Allow' : 'Deny', request);
}

export function explain(
  identity: readonly PolicyInput[],
  session: PolicyInput | undefined,
  request: AccessRequest,
): Explanation {
  const prepared = prepareRequest(request);
  const sessionPolicy = session && compile(session);
  if (sessionPolicy) {
    const bySession = evaluate(sessionPolicy.policy, prepared).decision;
    if (bySession !== 'Allow')
      return {
        Decision: bySession,
        DecidedBy: 'session',
        MatchedStatements: decided([sessionPolicy], bySession, prepared),
      };
  }
  const policies = identity.map(compile);
  const decision = evaluate(
    policies.map((p) => p.policy),
    prepared,
  ).decision;
  const statements = decided(policies, decision, prepared);
  if (sessionPolicy && decision === 'Allow') statements.push(...decided([sessionPolicy], 'Allow', prepared));
  return { Decision: decision, DecidedBy: 'identity', MatchedStatements: statements };
}
