/**
 * IMS GetAccountSummary (counts of the account's entities beside the quotas of the limits table)
 * and ListUserBasicInfos (the users' ids, logon names and display names, paged like ListUsers).
 */
import { requireAccount, defaultDomain } from './accounts.js';
import { MFA_LIMITS, type MfaDeviceRecord, type MfaOfUserRecord } from './mfa-devices.js';
import { listResponse, oneOf, paginate, type Params } from './params.js';
import { LIMITS, nameKey } from './rules.js';
import { C, readAll, type DirectoryContext } from './storage.js';
import type { UserRecord } from './users.js';

/** Devices whose binding both sides agree on (mfa-devices.ts: only such a binding counts). */
async function devicesInUse(
  ctx: DirectoryContext,
  accountId: string,
): Promise<{ all: number; inUse: number }> {
  const devices = await readAll<MfaDeviceRecord>(ctx, accountId, C.mfaDevice);
  const bindings = new Map(
    (await readAll<MfaOfUserRecord>(ctx, accountId, C.mfaOfUser)).map((b) => [b.key, b.value] as const),
  );
  const inUse = devices.filter(({ value: d }) => {
    const b = d.BoundTo ? bindings.get(d.BoundTo.UserKey) : undefined;
    return b !== undefined && b.UserId === d.BoundTo?.UserId && b.DeviceKey === nameKey(d.Name);
  }).length;
  return { all: devices.length, inUse };
}

export async function getAccountSummary(ctx: DirectoryContext, accountId: string) {
  await requireAccount(ctx, accountId);
  const count = (collection: string) => ctx.store.count(accountId, collection);
  const [users, groups, roles, policies, mfa] = await Promise.all([
    count(C.user),
    count(C.group),
    count(C.role),
    count(C.policy),
    devicesInUse(ctx, accountId),
  ]);
  const a = LIMITS.attachments;
  return {
    SummaryMap: {
      Users: users,
      UsersQuota: LIMITS.usersPerAccount,
      Groups: groups,
      GroupsQuota: LIMITS.groupsPerAccount,
      GroupsPerUserQuota: LIMITS.groupsPerUser,
      Roles: roles,
      RolesQuota: LIMITS.rolesPerAccount,
      Policies: policies,
      PoliciesQuota: LIMITS.customPoliciesPerAccount,
      PolicySizeQuota: LIMITS.policyDocumentChars,
      VersionsPerPolicyQuota: LIMITS.versionsPerPolicy,
      AttachedPoliciesPerUserQuota: a.User.Custom,
      AttachedPoliciesPerGroupQuota: a.Group.Custom,
      AttachedPoliciesPerRoleQuota: a.Role.Custom,
      AttachedSystemPoliciesPerUserQuota: a.User.System,
      AttachedSystemPoliciesPerGroupQuota: a.Group.System,
      AttachedSystemPoliciesPerRoleQuota: a.Role.System,
      AccessKeysPerUserQuota: LIMITS.accessKeysPerUser,
      AccountAccessKeysPerAccountQuota: LIMITS.accessKeysPerAccountPrincipal,
      MFADevices: mfa.all,
      MFADevicesInUse: mfa.inUse,
      VirtualMFADevicesQuota: MFA_LIMITS.devicesPerAccount,
    },
  };
}

/** IMS's Status filter: ramgate's users are never frozen, so they are all `active`. */
const USER_STATUSES = ['active', 'freeze', 'active,freeze', 'freeze,active'] as const;

export async function listUserBasicInfos(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const status = oneOf(params, 'Status', USER_STATUSES, 'InvalidParameter.Status') ?? 'active';
  const users = status === 'freeze' ? [] : await readAll<UserRecord>(ctx, accountId, C.user);
  const page = paginate(users, params);
  const infos = page.items.map((u) => ({
    UserId: u.UserId,
    UserPrincipalName: `${u.UserName}@${defaultDomain(account)}`,
    DisplayName: u.DisplayName,
    Status: 'active',
  }));
  return listResponse('UserBasicInfos', 'UserBasicInfo', infos, page);
}
