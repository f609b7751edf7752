/**
 * The security preference's self-service rule: with AllowUserToManageAccessKeys (default false) a
 * RAM user manages its OWN AccessKeys, with AllowUserToManageMFADevices (default true) its OWN MFA
 * device, with AllowUserToChangePassword (default true) changes its OWN password, without a policy
 * allowing it. The rule only turns an implicit denial by the user's
 * identity policies into an allow, and only when the one entity the call acts on is the calling
 * user itself — the same stored user (by UserId), named by whatever parameter or letter case.
 * An explicit Deny, a session policy, a role session and the root account are untouched by it.
 */
import { userArn } from '../arn.js';
import type { Principal } from '../principal.js';
import type { PreferenceSource } from '../ram/login-preference.js';
import type { PreparedCall } from './resolve.js';
import type { ActionRow } from './types.js';

export type SelfServiceKind = 'accessKeys' | 'mfaDevices' | 'password';

/** The actions the rule can allow, and the preference that turns it on for each. */
export const SELF_SERVICE_ACTIONS: Readonly<Record<string, SelfServiceKind>> = Object.freeze({
  CreateAccessKey: 'accessKeys',
  ListAccessKeys: 'accessKeys',
  UpdateAccessKey: 'accessKeys',
  DeleteAccessKey: 'accessKeys',
  GetAccessKeyLastUsed: 'accessKeys',
  BindMFADevice: 'mfaDevices',
  UnbindMFADevice: 'mfaDevices',
  GetUserMFAInfo: 'mfaDevices',
  ChangePassword: 'password',
});

export type SelfServiceGrants = Readonly<Record<SelfServiceKind, boolean>>;

const kindOf = (row: ActionRow): SelfServiceKind | undefined =>
  Object.hasOwn(SELF_SERVICE_ACTIONS, row.action) ? SELF_SERVICE_ACTIONS[row.action] : undefined;

/** The account's grants, read only when the rule could apply (a RAM user calling one of its actions). */
export async function selfServiceGrants(
  source: PreferenceSource,
  row: ActionRow,
  principal: Principal,
): Promise<SelfServiceGrants | undefined> {
  if (principal.type !== 'RAMUser' || kindOf(row) === undefined) return undefined;
  const p = await source.securityPreference(principal.accountId);
  return {
    accessKeys: p.AllowUserToManageAccessKeys,
    mfaDevices: p.AllowUserToManageMFADevices,
    password: p.AllowUserToChangePassword,
  };
}

/** Whether the rule allows this resource of this call (see the module comment for every condition). */
export function selfServiceAllows(
  grants: SelfServiceGrants | undefined,
  principal: Principal,
  call: PreparedCall,
  resource: string,
): boolean {
  if (grants === undefined || principal.type !== 'RAMUser' || principal.userId === '') return false;
  if (principal.sessionPolicy !== undefined) return false;
  const kind = kindOf(call.row);
  if (kind === undefined || !grants[kind]) return false;
  const slots = Object.keys(call.row.slots);
  if (slots.length !== 1 || slots[0] !== 'UserName' || call.accountId !== principal.accountId) return false;
  const user = call.slots.UserName;
  if (user === undefined || !user.exists || user.id !== principal.userId) return false;
  return call.resources.length === 1 && resource === userArn(call.accountId, user.name);
}
