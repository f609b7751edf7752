/**
 * The policy simulator (a ramgate extension): for a principal — a RAM user, a group, a role (with
 * an optional session policy) or the caller itself — and actions × resources × context values, what
 * the gateway would decide and why. The decision is the one the gateway's own evaluation gives for
 * the same principal, request and context (explain.ts).
 */
import type { ContextValue } from '../policy/index.js';
import { principalArn, type Principal } from '../principal.js';
import type { Directory, EffectivePolicy } from '../ram/index.js';
import { explain, type Explanation, type PolicyInput } from './explain.js';
import { selfServiceSimulated } from './self-service.js';

export type SimulatedPrincipal =
  { kind: 'caller'; principal: Principal } | { kind: 'user' | 'group' | 'role'; name: string };

export interface SimulationRequest {
  principal: SimulatedPrincipal;
  actions: readonly string[];
  resources: readonly string[];
  context: Readonly<Record<string, ContextValue | readonly ContextValue[]>>;
  /** A session policy to intersect with (a role or user principal); the caller's own is taken as is. */
  sessionPolicy?: string;
}

export interface SimulationResult {
  EvaluationResults: {
    EvaluationResult: Array<{ ActionName: string; ResourceArn: string } & Explanation>;
  };
  Principal: string;
}

function asInput(p: EffectivePolicy): PolicyInput {
  return {
    PolicyName: p.PolicyName,
    PolicyType: p.PolicyType,
    VersionId: p.DefaultVersion,
    PolicyDocument: p.PolicyDocument,
    AttachedTo: `${p.AttachedVia.type.toLowerCase()}/${p.AttachedVia.name}`,
  };
}

const session = (text: string | undefined): PolicyInput | undefined =>
  text === undefined
    ? undefined
    : { PolicyName: '<session policy>', PolicyType: 'Session', PolicyDocument: text };

/** The identity policies, session policy and ARN of the simulated principal (undefined policies: the account, allowed all). */
async function principalPolicies(directory: Directory, accountId: string, request: SimulationRequest) {
  const p = request.principal;
  const arn = (type: string, name: string) => `acs:ram::${accountId}:${type}/${name}`;
  switch (p.kind) {
    case 'user':
      return {
        arn: arn('user', p.name),
        identity: (await directory.effectivePoliciesForUser(accountId, p.name)).map(asInput),
        session: session(request.sessionPolicy),
      };
    case 'group':
      return {
        arn: arn('group', p.name),
        identity: (await directory.policiesForGroup(accountId, p.name)).map(asInput),
        session: session(request.sessionPolicy),
      };
    case 'role':
      return {
        arn: arn('role', p.name),
        identity: (await directory.policiesForRole(accountId, p.name)).map(asInput),
        session: session(request.sessionPolicy),
      };
    case 'caller': {
      const caller = p.principal;
      if (caller.type === 'Account')
        return { arn: principalArn(caller), identity: undefined, session: undefined };
      const identity =
        caller.type === 'RAMUser'
          ? await directory.effectivePoliciesForUser(accountId, caller.userName)
          : await directory.policiesForRole(accountId, caller.roleName);
      return {
        arn: principalArn(caller),
        identity: identity.map(asInput),
        session: session(caller.sessionPolicy),
      };
    }
  }
}

const ACCOUNT_ALLOWS: Explanation = { Decision: 'Allow', DecidedBy: 'account', MatchedStatements: [] };

export async function simulate(
  directory: Directory,
  accountId: string,
  request: SimulationRequest,
): Promise<SimulationResult> {
  const { arn, identity, session: sessionPolicy } = await principalPolicies(directory, accountId, request);
  const selfService = await selfServiceSimulated(directory, accountId, request.principal, sessionPolicy);
  const results = request.actions.flatMap((action) =>
    request.resources.map((resource) => ({
      ActionName: action,
      ResourceArn: resource,
      ...(identity === undefined
        ? ACCOUNT_ALLOWS
        : selfService(
            action,
            resource,
            explain(identity, sessionPolicy, { action, resource, context: request.context }),
          )),
    })),
  );
  return { EvaluationResults: { EvaluationResult: results }, Principal: arn };
}
