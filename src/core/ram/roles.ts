/** RAM roles (reference §2.4, §2.5): trust policy, MaxSessionDuration 3600–43200, ≤ 1000 per account. */
import { roleArn } from '../arn.js';
import { compilePolicy } from '../policy/index.js';
import { requireAccount } from './accounts.js';
import { formatDate, randomDigits } from './ids.js';
import {
  descriptionParam,
  checkedString,
  optionalInt,
  optionalString,
  requiredString,
  type Params,
} from './params.js';
import { checkMaxSessionDuration, checkRoleName, LIMITS, nameKey } from './rules.js';
import { C, commit, compact, json, update } from './storage.js';
import { entityOps, newDates } from './entity.js';
import type { DirectoryContext } from './storage.js';

export type RoleRecord = {
  RoleId: string;
  RoleName: string;
  Description: string;
  AssumeRolePolicyDocument: string;
  MaxSessionDuration: number;
  CreateDate: string;
  UpdateDate: string;
};

export const DEFAULT_MAX_SESSION_DURATION = 3600;

const ROLES = entityOps({
  kind: 'Role',
  collection: C.role,
  cap: LIMITS.rolesPerAccount,
  nameOf: (r: RoleRecord) => r.RoleName,
  list: { outer: 'Roles', inner: 'Role' },
  dependents: [
    {
      collection: (key) => C.attachedPolicies('Role', key),
      code: 'DeleteConflict.Role.Policy',
      describe: (n) => `still has ${n} attached policy(ies)`,
    },
  ],
  sweep: 'Role',
});

const roleMissing = ROLES.missing;

export function roleShape(accountId: string, r: RoleRecord) {
  return compact({
    RoleId: r.RoleId,
    RoleName: r.RoleName,
    Arn: roleArn(accountId, r.RoleName),
    Description: r.Description,
    AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
    MaxSessionDuration: r.MaxSessionDuration,
    CreateDate: r.CreateDate,
    UpdateDate: r.UpdateDate,
  });
}

const roleNameParam = (params: Params) => checkedString(params, 'RoleName', checkRoleName);

/** A trust policy must compile as one (grammar, size, Principal, sts:AssumeRole). */
function checkTrustPolicy(document: string): void {
  compilePolicy(document, 'trust');
}

function sessionDurationParam(params: Params, name: string): number | undefined {
  const value = optionalInt(params, name, 'InvalidParameter.MaxSessionDuration');
  if (value !== undefined) checkMaxSessionDuration(value);
  return value;
}

export const requireRole = ROLES.require;

export async function createRole(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = roleNameParam(params);
  const trust = requiredString(params, 'AssumeRolePolicyDocument');
  const description = descriptionParam(params, 'Description', LIMITS.roleDescriptionChars);
  const maxSession = sessionDurationParam(params, 'MaxSessionDuration') ?? DEFAULT_MAX_SESSION_DURATION;
  checkTrustPolicy(trust);
  const role = await ROLES.create(ctx, accountId, {
    RoleId: randomDigits(19),
    RoleName: name,
    Description: description ?? '',
    AssumeRolePolicyDocument: trust,
    MaxSessionDuration: maxSession,
    ...newDates(ctx),
  });
  return { Role: roleShape(accountId, role) };
}

export async function getRole(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  return { Role: roleShape(accountId, await requireRole(ctx, accountId, roleNameParam(params))) };
}

export async function updateRole(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = roleNameParam(params);
  const trust = optionalString(params, 'NewAssumeRolePolicyDocument');
  const maxSession = sessionDurationParam(params, 'NewMaxSessionDuration');
  const description = descriptionParam(params, 'NewDescription', LIMITS.roleDescriptionChars);
  if (trust !== undefined) checkTrustPolicy(trust);
  const role = await requireRole(ctx, accountId, name);
  const next: RoleRecord = {
    ...role,
    AssumeRolePolicyDocument: trust ?? role.AssumeRolePolicyDocument,
    MaxSessionDuration: maxSession ?? role.MaxSessionDuration,
    Description: description ?? role.Description,
    UpdateDate: formatDate(ctx.now()),
  };
  await commit(ctx.store, [update(accountId, C.role, nameKey(name), json(next), roleMissing(name))]);
  return { Role: roleShape(accountId, next) };
}

export async function listRoles(ctx: DirectoryContext, accountId: string, params: Params) {
  return ROLES.list(ctx, accountId, params, (r) => roleShape(accountId, r));
}

export async function deleteRole(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  return ROLES.remove(ctx, accountId, await requireRole(ctx, accountId, roleNameParam(params)));
}
