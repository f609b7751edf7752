/**
 * IMS 2019-08-15 and RAM 2015-05-01 management actions over the RAM directory. Every call is
 * authorized by the policy engine as `ram:<Action>` on the resource it names, in the caller's own
 * account (`acs:ram:*:<account>:user/<name>`, …), then performed by the directory function of the
 * same name.
 */
import { ApiError } from '../../core/errors.js';
import { principalArn, type Principal } from '../../core/principal.js';
import { authorize, requestContext } from '../../core/sts/authorize.js';
import type { Directory } from '../../core/ram/index.js';
import type { Gateway } from '../../sso/gateway.js';
import type { RpcAction, RpcHandlerContext } from '../rpc/types.js';
import { principalOf } from './caller.js';

type DirectoryAction = {
  [K in keyof Directory]: Directory[K] extends (
    accountId: string,
    params?: Record<string, unknown>,
  ) => Promise<unknown>
    ? K
    : never;
}[keyof Directory];

/** Users, groups and AccessKeys: both IMS 2019-08-15 and RAM 2015-05-01 have them. */
const USER_ACTIONS: DirectoryAction[] = [
  'CreateUser',
  'GetUser',
  'UpdateUser',
  'ListUsers',
  'DeleteUser',
  'CreateAccessKey',
  'ListAccessKeys',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'CreateGroup',
  'GetGroup',
  'UpdateGroup',
  'ListGroups',
  'DeleteGroup',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'ListGroupsForUser',
  'ListUsersForGroup',
];

const IMS_ACTIONS: DirectoryAction[] = [
  ...USER_ACTIONS,
  'CreateSAMLProvider',
  'GetSAMLProvider',
  'UpdateSAMLProvider',
  'DeleteSAMLProvider',
  'ListSAMLProviders',
  'SetUserSsoSettings',
  'GetUserSsoSettings',
  'GetDefaultDomain',
  'SetDefaultDomain',
];

const RAM_ACTIONS: DirectoryAction[] = [
  ...USER_ACTIONS,
  'CreateRole',
  'GetRole',
  'UpdateRole',
  'ListRoles',
  'DeleteRole',
  'CreatePolicy',
  'GetPolicy',
  'ListPolicies',
  'DeletePolicy',
  'CreatePolicyVersion',
  'GetPolicyVersion',
  'ListPolicyVersions',
  'SetDefaultPolicyVersion',
  'DeletePolicyVersion',
  'AttachPolicyToUser',
  'AttachPolicyToGroup',
  'AttachPolicyToRole',
  'DetachPolicyFromUser',
  'DetachPolicyFromGroup',
  'DetachPolicyFromRole',
  'ListPoliciesForUser',
  'ListPoliciesForGroup',
  'ListPoliciesForRole',
  'ListEntitiesForPolicy',
  'GetAccountAlias',
  'SetAccountAlias',
];

const ACCESS_KEY_ACTIONS = new Set<string>([
  'CreateAccessKey',
  'ListAccessKeys',
  'UpdateAccessKey',
  'DeleteAccessKey',
]);

/**
 * AccessKey calls without UserName act on the caller's own keys, as in RAM: a RAM user's, or the
 * account's root keys when the account itself calls. A role session has no keys of its own.
 */
function ownAccessKeyParams(principal: Principal, params: Record<string, string>): Record<string, unknown> {
  if (params.UserName !== undefined || params.UserPrincipalName !== undefined) return params;
  switch (principal.type) {
    case 'Account':
      return { ...params, AccountPrincipal: true };
    case 'RAMUser':
      return { ...params, UserName: principal.userName };
    case 'AssumedRoleUser':
      throw new ApiError(
        'MissingParameter',
        'A role session has no AccessKeys of its own: name the user (UserName).',
      );
  }
}

/** The resource a management call names, for policy evaluation. */
export function managementResource(accountId: string, params: Record<string, string>): string {
  const prefix = `acs:ram:*:${accountId}:`;
  const user = params.UserName ?? params.UserPrincipalName?.split('@')[0];
  if (params.RoleName) return `${prefix}role/${params.RoleName}`;
  if (params.SAMLProviderName) return `${prefix}saml-provider/${params.SAMLProviderName}`;
  if (params.PolicyName) return `${prefix}policy/${params.PolicyName}`;
  if (params.GroupName && !user) return `${prefix}group/${params.GroupName}`;
  if (user) return `${prefix}user/${user}`;
  return `${prefix}*`;
}

/** The policy engine's word on `ram:<action>` by the signer on the resource the parameters name. */
export async function authorizeManagementCall(
  gw: Gateway,
  ctx: RpcHandlerContext,
  action: string,
): Promise<Principal> {
  const principal = principalOf(ctx.caller as NonNullable<RpcHandlerContext['caller']>);
  const resource = managementResource(principal.accountId, ctx.params);
  const decision = await authorize(gw.stsDirectory, principal, {
    action: `ram:${action}`,
    resource,
    context: requestContext({ sourceIp: ctx.sourceIp, secureTransport: ctx.secureTransport }, gw.now()),
  });
  if (decision.decision !== 'Allow') {
    throw new ApiError(
      'NoPermission',
      `${principalArn(principal)} is not allowed to call ram:${action} on ${resource}.`,
    );
  }
  return principal;
}

function managementAction(
  gw: Gateway,
  product: 'Ims' | 'Ram',
  version: string,
  action: DirectoryAction,
): RpcAction {
  return {
    product,
    version,
    action,
    anonymous: false,
    handler: async (ctx: RpcHandlerContext) => {
      const caller = principalOf(ctx.caller as NonNullable<RpcHandlerContext['caller']>);
      const params = ACCESS_KEY_ACTIONS.has(action) ? ownAccessKeyParams(caller, ctx.params) : ctx.params;
      const named: Record<string, string> =
        typeof params.UserName === 'string' ? { UserName: params.UserName } : {};
      const principal = await authorizeManagementCall(
        gw,
        { ...ctx, params: { ...ctx.params, ...named } },
        action,
      );
      const operation = gw.directory[action] as (
        accountId: string,
        params: Record<string, unknown>,
      ) => Promise<Record<string, unknown>>;
      const result = await operation(principal.accountId, params);
      return result ?? {};
    },
  };
}

export function managementActions(gw: Gateway): RpcAction[] {
  return [
    ...IMS_ACTIONS.map((a) => managementAction(gw, 'Ims', '2019-08-15', a)),
    ...RAM_ACTIONS.map((a) => managementAction(gw, 'Ram', '2015-05-01', a)),
  ];
}
