import { evaluate, prepareRequest, type AccessRequest, type EvaluationResult } from '../policy/index.js';
import { compileCached } from '../policy-cache.js';
import { mfaPresentOf, type Principal } from '../principal.js';
import type { CallerFacts, RequestFacts, StsDirectory } from './ports.js';

const ACCOUNT_ALLOW: EvaluationResult = Object.freeze({ decision: 'Allow' as const });

/**
 * Common condition keys of every request. `acs:MFAPresent` is the caller's own (its session passed
 * MFA), so it is a required fact: each caller says where it comes from.
 */
export function requestContext(facts: CallerFacts, nowMs: number): NonNullable<AccessRequest['context']> {
  return {
    'acs:CurrentTime': new Date(nowMs),
    'acs:SourceIp': facts.sourceIp,
    'acs:SecureTransport': facts.secureTransport ?? false,
    'acs:MFAPresent': facts.mfaPresent === true,
  };
}

/** The request's facts with the principal's own MFA: a request parameter or header never sets it. */
export function callerFacts(principal: Principal, facts: RequestFacts): CallerFacts {
  return { ...facts, mfaPresent: mfaPresentOf(principal) };
}

/** A decision and which policies made it: the session policy, the identity policies, or none (the account). */
export interface ExplainedDecision {
  readonly result: EvaluationResult;
  readonly decidedBy: 'account' | 'session' | 'identity';
}

/**
 * May this principal perform `request`, and which kind of policy decided? The account principal may
 * do anything in its account; a RAM user has its own and its groups' policies; a role session has
 * the role's policies ∩ the session policy (reference §4 order: the session policy is checked
 * first and ends evaluation unless it allows).
 */
export async function authorizeExplained(
  directory: StsDirectory,
  principal: Principal,
  request: AccessRequest,
): Promise<ExplainedDecision> {
  if (principal.type === 'Account') return { result: ACCOUNT_ALLOW, decidedBy: 'account' };
  const prepared = prepareRequest(request);
  if (principal.sessionPolicy !== undefined) {
    const session = compileCached(principal.sessionPolicy, 'session', '<session policy>');
    const bySession = evaluate(session, prepared);
    if (bySession.decision !== 'Allow') return { result: bySession, decidedBy: 'session' };
  }
  const identity =
    principal.type === 'RAMUser'
      ? await directory.userPolicies(principal.accountId, principal.userName)
      : await directory.rolePolicies(principal.accountId, principal.roleName);
  return { result: evaluate(identity, prepared), decidedBy: 'identity' };
}

/** The decision alone (see authorizeExplained). */
export async function authorize(
  directory: StsDirectory,
  principal: Principal,
  request: AccessRequest,
): Promise<EvaluationResult> {
  return (await authorizeExplained(directory, principal, request)).result;
}
