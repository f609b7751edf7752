/**
 * Policy attachments to users, groups and roles. Each attachment is two records written in one
 * batch: principal → policy (attached:<Type>:<name>) and policy → principal (attachments:<Type>:<name>).
 */
import { ApiError } from '../errors.js';
import { requireAccount } from './accounts.js';
import { groupsOfUser, requireGroup } from './groups.js';
import { formatDate } from './ids.js';
import { requiredString, type Params } from './params.js';
import {
  policyNameParam,
  policyTypeParam,
  requirePolicy,
  resolvePolicy,
  type ResolvedPolicy,
} from './policies.js';
import { LIMITS, nameKey } from './rules.js';
import { requireRole } from './roles.js';
import { C, commit, compact, create, json, read, readAll, remove, update } from './storage.js';
import type { DirectoryContext, PolicyType, PrincipalType } from './storage.js';
import type { AttachedPolicy, PolicyAttachment } from './user-links.js';
import { requireUser } from './users.js';

const PRINCIPAL_PARAM: Record<PrincipalType, string> = {
  User: 'UserName',
  Group: 'GroupName',
  Role: 'RoleName',
};
const PRINCIPAL_COLLECTION: Record<PrincipalType, string> = { User: C.user, Group: C.group, Role: C.role };

/** The principal's record and its stored (original-case) name. */
async function requirePrincipal(ctx: DirectoryContext, accountId: string, type: PrincipalType, name: string) {
  switch (type) {
    case 'User': {
      const record = await requireUser(ctx, accountId, name);
      return { record, name: record.UserName };
    }
    case 'Group': {
      const record = await requireGroup(ctx, accountId, name);
      return { record, name: record.GroupName };
    }
    case 'Role': {
      const record = await requireRole(ctx, accountId, name);
      return { record, name: record.RoleName };
    }
  }
}

async function attachmentTarget(
  ctx: DirectoryContext,
  accountId: string,
  type: PrincipalType,
  params: Params,
) {
  await requireAccount(ctx, accountId);
  const policyType = policyTypeParam(params) as PolicyType;
  const policyName = policyNameParam(params);
  const principalName = requiredString(params, PRINCIPAL_PARAM[type]);
  const [principal, policy] = await Promise.all([
    requirePrincipal(ctx, accountId, type, principalName),
    requirePolicy(ctx, accountId, policyType, policyName),
  ]);
  const principalKey = nameKey(principal.name);
  const policyKey = nameKey(policy.PolicyName);
  return {
    principal,
    policy,
    forward: C.attachedPolicies(type, principalKey),
    forwardKey: `${policyType}:${policyKey}`,
    reverse: C.policyAttachments(policyType, policyKey),
    reverseKey: `${type}:${principalKey}`,
    principalKey,
  };
}

export async function attachPolicy(
  ctx: DirectoryContext,
  accountId: string,
  type: PrincipalType,
  params: Params,
) {
  const t = await attachmentTarget(ctx, accountId, type, params);
  const limits = LIMITS.attachments[type];
  const policyType = t.policy.PolicyType;
  const attachedOfType = (await readAll<AttachedPolicy>(ctx, accountId, t.forward)).filter(
    (a) => a.value.PolicyType === policyType,
  ).length;
  const limitExceeded = () =>
    new ApiError(
      'LimitExceeded.Attachment',
      `At most ${limits[policyType]} ${policyType} policies can be attached to the ${type.toLowerCase()} ${t.principal.name}.`,
    );
  // Checked per type here; the write's own guard caps the total, which holds across instances.
  if (attachedOfType >= limits[policyType] && !(await isAttached(ctx, accountId, t))) throw limitExceeded();
  const date = formatDate(ctx.now());
  const attached: AttachedPolicy = {
    PolicyName: t.policy.PolicyName,
    PolicyType: t.policy.PolicyType,
    AttachDate: date,
  };
  const link: PolicyAttachment = { PrincipalType: type, PrincipalName: t.principal.name, AttachDate: date };
  const already = () =>
    new ApiError(
      'EntityAlreadyExists.Attachment',
      `The ${t.policy.PolicyType} policy ${t.policy.PolicyName} is already attached to the ${type.toLowerCase()} ${t.principal.name}.`,
    );
  await commit(ctx.store, [
    create(
      accountId,
      t.forward,
      t.forwardKey,
      json(attached),
      {
        exists: already,
        limit: limitExceeded,
      },
      limits.Custom + limits.System,
    ),
    create(accountId, t.reverse, t.reverseKey, json(link), { exists: already }),
    // Re-writing the principal asserts it still exists when the attachment is written.
    update(accountId, PRINCIPAL_COLLECTION[type], t.principalKey, json(t.principal.record)),
  ]);
  return {};
}

async function isAttached(
  ctx: DirectoryContext,
  accountId: string,
  t: { forward: string; forwardKey: string },
): Promise<boolean> {
  return (await read<AttachedPolicy>(ctx, accountId, t.forward, t.forwardKey)) !== undefined;
}

export async function detachPolicy(
  ctx: DirectoryContext,
  accountId: string,
  type: PrincipalType,
  params: Params,
) {
  const t = await attachmentTarget(ctx, accountId, type, params);
  const notAttached = () =>
    new ApiError(
      'EntityNotExist.Attachment',
      `The ${t.policy.PolicyType} policy ${t.policy.PolicyName} is not attached to the ${type.toLowerCase()} ${t.principal.name}.`,
    );
  await commit(ctx.store, [
    remove(accountId, t.forward, t.forwardKey, notAttached),
    remove(accountId, t.reverse, t.reverseKey, notAttached),
  ]);
  return {};
}

/** Attached policies of a principal with their current default documents (dangling ones skipped). */
async function attachedPolicies(
  ctx: DirectoryContext,
  accountId: string,
  type: PrincipalType,
  principalKey: string,
) {
  const attached = await readAll<AttachedPolicy>(ctx, accountId, C.attachedPolicies(type, principalKey));
  const resolved = await Promise.all(
    attached.map(async ({ value }) => {
      const policy = await resolvePolicy(ctx, accountId, value.PolicyType, value.PolicyName);
      return policy && { policy, attachDate: value.AttachDate };
    }),
  );
  return resolved.filter((r): r is { policy: ResolvedPolicy; attachDate: string } => r !== undefined);
}

export async function listPoliciesFor(
  ctx: DirectoryContext,
  accountId: string,
  type: PrincipalType,
  params: Params,
) {
  await requireAccount(ctx, accountId);
  const principal = await requirePrincipal(
    ctx,
    accountId,
    type,
    requiredString(params, PRINCIPAL_PARAM[type]),
  );
  const policies = await attachedPolicies(ctx, accountId, type, nameKey(principal.name));
  return {
    Policies: {
      Policy: policies.map(({ policy, attachDate }) =>
        compact({
          PolicyName: policy.PolicyName,
          PolicyType: policy.PolicyType,
          Description: policy.Description,
          DefaultVersion: policy.DefaultVersion,
          AttachDate: attachDate,
        }),
      ),
    },
  };
}

export async function listEntitiesForPolicy(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const policyType = policyTypeParam(params) as PolicyType;
  const policy = await requirePolicy(ctx, accountId, policyType, policyNameParam(params));
  const links = await readAll<PolicyAttachment>(
    ctx,
    accountId,
    C.policyAttachments(policyType, nameKey(policy.PolicyName)),
  );
  const of = (type: PrincipalType) =>
    links
      .filter((l) => l.value.PrincipalType === type)
      .map((l) => ({ [PRINCIPAL_PARAM[type]]: l.value.PrincipalName, AttachDate: l.value.AttachDate }));
  return { Users: { User: of('User') }, Groups: { Group: of('Group') }, Roles: { Role: of('Role') } };
}

export type EffectivePolicy = {
  PolicyType: PolicyType;
  PolicyName: string;
  DefaultVersion: string;
  PolicyDocument: string;
  /** How the policy reaches the principal: directly or through a group. */
  AttachedVia: { type: PrincipalType; name: string };
};

function effective(policy: ResolvedPolicy, via: EffectivePolicy['AttachedVia']): EffectivePolicy {
  return {
    PolicyType: policy.PolicyType,
    PolicyName: policy.PolicyName,
    DefaultVersion: policy.DefaultVersion,
    PolicyDocument: policy.PolicyDocument,
    AttachedVia: via,
  };
}

/** The user's own and its groups' attached policies (default versions), each policy once. */
export async function effectivePoliciesForUser(ctx: DirectoryContext, accountId: string, userName: string) {
  const user = await requireUser(ctx, accountId, userName);
  const userKey = nameKey(user.UserName);
  const own = (await attachedPolicies(ctx, accountId, 'User', userKey)).map((p) =>
    effective(p.policy, { type: 'User', name: user.UserName }),
  );
  const groups = await groupsOfUser(ctx, accountId, user.UserName);
  const viaGroups = await Promise.all(
    groups.map(async ({ key, value }) =>
      (await attachedPolicies(ctx, accountId, 'Group', key)).map((p) =>
        effective(p.policy, { type: 'Group', name: value.GroupName }),
      ),
    ),
  );
  const seen = new Set<string>();
  return [...own, ...viaGroups.flat()].filter((p) => {
    const id = `${p.PolicyType}:${p.PolicyName.toLowerCase()}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The role's attached policies (default versions). */
export async function policiesForRole(ctx: DirectoryContext, accountId: string, roleName: string) {
  const role = await requireRole(ctx, accountId, roleName);
  return (await attachedPolicies(ctx, accountId, 'Role', nameKey(role.RoleName))).map((p) =>
    effective(p.policy, { type: 'Role', name: role.RoleName }),
  );
}

/** The group's attached policies (default versions). */
export async function policiesForGroup(ctx: DirectoryContext, accountId: string, groupName: string) {
  const group = await requireGroup(ctx, accountId, groupName);
  return (await attachedPolicies(ctx, accountId, 'Group', nameKey(group.GroupName))).map((p) =>
    effective(p.policy, { type: 'Group', name: group.GroupName }),
  );
}
