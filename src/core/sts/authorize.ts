import { evaluateSession, type AccessRequest, type EvaluationResult } from '../policy/index.js';
import { compileCached } from '../policy-cache.js';
import type { Principal } from '../principal.js';
import type { RequestFacts, StsDirectory } from './ports.js';

const ACCOUNT_ALLOW: EvaluationResult = Object.freeze({ decision: 'Allow' as const });

/** Common condition keys of every request. */
export function requestContext(facts: RequestFacts, nowMs: number): NonNullable<AccessRequest['context']> {
  return {
    'acs:CurrentTime': new Date(nowMs),
    'acs:SourceIp': facts.sourceIp,
    'acs:SecureTransport': facts.secureTransport ?? false,
    'acs:MFAPresent': false,
  };
}

/**
 * May this principal perform `request`? The account principal may do anything in its account; a
 * RAM user has its own and its groups' policies; a role session has the role's policies ∩ the
 * session policy (reference §4 order).
 */
export async function authorize(
  directory: StsDirectory,
  principal: Principal,
  request: AccessRequest,
): Promise<EvaluationResult> {
  if (principal.type === 'Account') return ACCOUNT_ALLOW;
  const identity =
    principal.type === 'RAMUser'
      ? await directory.userPolicies(principal.accountId, principal.userName)
      : await directory.rolePolicies(principal.accountId, principal.roleName);
  const session =
    principal.sessionPolicy === undefined
      ? undefined
      : compileCached(principal.sessionPolicy, 'session', '<session policy>');
  return evaluateSession(identity, session, request);
}
