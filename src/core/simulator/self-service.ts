/**
 * The gateway's self-service rule (../actions/self-service.ts) in the simulator: a RAM user with no
 * session policy, on one of the rule's actions whose grant is on, on its own user ARN (either region
 * form, any letter case), is allowed where its identity policies only implicitly deny.
 */
import { SELF_SERVICE_ACTIONS } from '../actions/self-service.js';
import { userArn } from '../arn.js';
import type { Directory } from '../ram/index.js';
import type { Explanation, PolicyInput } from './explain.js';
import type { SimulatedPrincipal } from './simulate.js';

type Rule = (action: string, resource: string, explained: Explanation) => Explanation;

const unchanged: Rule = (_action, _resource, explained) => explained;

const ACTIONS = new Map(
  Object.entries(SELF_SERVICE_ACTIONS).map(([a, kind]) => [`ram:${a.toLowerCase()}`, kind]),
);

/** `acs:ram:*:<acct>:…` and `acs:ram::<acct>:…` alike, without case. */
const canonicalRam = (arn: string) => arn.toLowerCase().replace(/^acs:ram:\*:/, 'acs:ram::');

export async function selfServiceSimulated(
  directory: Directory,
  accountId: string,
  principal: SimulatedPrincipal,
  sessionPolicy: PolicyInput | undefined,
): Promise<Rule> {
  const userName =
    principal.kind === 'user'
      ? principal.name
      : principal.kind === 'caller' && principal.principal.type === 'RAMUser'
        ? principal.principal.userName
        : undefined;
  if (userName === undefined || sessionPolicy !== undefined) return unchanged;
  const p = await directory.securityPreference(accountId);
  const grants = {
    accessKeys: p.AllowUserToManageAccessKeys,
    mfaDevices: p.AllowUserToManageMFADevices,
    password: p.AllowUserToChangePassword,
  };
  const own = canonicalRam(userArn(accountId, userName));
  return (action, resource, explained) => {
    const kind = ACTIONS.get(action.toLowerCase());
    const applies =
      kind !== undefined &&
      grants[kind] &&
      explained.Decision === 'ImplicitDeny' &&
      explained.DecidedBy === 'identity' &&
      canonicalRam(resource) === own;
    return applies ? { ...explained, Decision: 'Allow', DecidedBy: 'self-service' } : explained;
  };
}
