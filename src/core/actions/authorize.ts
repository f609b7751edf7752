/**
 * Step 3 of a management call: every resource of the action's row, on its canonical ARN, is
 * authorized by the policy engine; the first refusal answers `NoPermission` with Alibaba's
 * AccessDeniedDetail (which action, which principal, implicit or explicit, which policy type, and
 * the sealed diagnostic message).
 */
import { ApiError } from '../errors.js';
import { principalArn, type Principal } from '../principal.js';
import { authorizeExplained, callerFacts, requestContext, type ExplainedDecision } from '../sts/authorize.js';
import type { TokenKeyring } from '../sts/keyring.js';
import type { RequestFacts, StsDirectory } from '../sts/ports.js';
import { encodeDiagnostic } from './diagnostic.js';
import type { PreparedCall } from './resolve.js';
import { selfServiceAllows, type SelfServiceGrants } from './self-service.js';

export interface AuthorizationDeps {
  directory: StsDirectory;
  keyring: () => Promise<TokenKeyring>;
  now: () => number;
}

function displayName(principal: Principal): { type: string; name: string } {
  switch (principal.type) {
    case 'Account':
      return { type: 'Account', name: principal.accountId };
    case 'RAMUser':
      return { type: 'SubUser', name: principal.userName };
    case 'AssumedRoleUser':
      return { type: 'AssumedRoleUser', name: `${principal.roleName}:${principal.sessionName}` };
  }
}

async function refusal(
  deps: AuthorizationDeps,
  principal: Principal,
  action: string,
  resource: string,
  decided: ExplainedDecision,
): Promise<ApiError> {
  const denial = decided.result.decision === 'ExplicitDeny' ? 'ExplicitDeny' : 'ImplicitDeny';
  const bySession = decided.decidedBy === 'session';
  const who = displayName(principal);
  const encoded = encodeDiagnostic(await deps.keyring(), {
    AuthAction: action,
    Resource: resource,
    Principal: principalArn(principal),
    Decision: denial,
    DecidedBy: bySession ? 'session' : 'identity',
    ...(decided.result.policy !== undefined ? { Policy: decided.result.policy } : {}),
    ...(decided.result.statement !== undefined ? { Statement: decided.result.statement } : {}),
    EvaluatedAt: deps.now(),
  });
  return new ApiError(
    'NoPermission',
    `You are not authorized to do this action. ${principalArn(principal)} may not call ${action} on ${resource} (${denial === 'ExplicitDeny' ? 'an explicit Deny' : 'no policy allows it'}).`,
    {
      extra: {
        AccessDeniedDetail: {
          AuthAction: action,
          AuthPrincipalType: who.type,
          AuthPrincipalOwnerId: principal.accountId,
          AuthPrincipalDisplayName: who.name,
          PolicyType: bySession ? 'SessionPolicy' : 'AccountLevelIdentityBasedPolicy',
          NoPermissionType: denial,
          EncodedDiagnosticMessage: encoded,
        },
      },
    },
  );
}

/**
 * Every resource of the call is allowed for the principal, or NoPermission names the first that is
 * not. `selfService`: the account's self-service grants (self-service.ts), which allow a RAM user's
 * calls on itself that its identity policies only implicitly deny.
 */
export async function authorizeCall(
  deps: AuthorizationDeps,
  principal: Principal,
  call: PreparedCall,
  facts: RequestFacts,
  selfService?: SelfServiceGrants,
): Promise<void> {
  if (call.row.authorizedBy !== 'table') return;
  const context = requestContext(callerFacts(principal, facts), deps.now());
  const action = call.row.policyAction;
  for (const resource of call.resources) {
    const decided = await authorizeExplained(deps.directory, principal, { action, resource, context });
    if (decided.result.decision === 'Allow') continue;
    const implicitByIdentity = decided.result.decision === 'ImplicitDeny' && decided.decidedBy === 'identity';
    if (implicitByIdentity && selfServiceAllows(selfService, principal, call, resource)) continue;
    throw await refusal(deps, principal, action, resource, decided);
  }
}
