/** RAM user groups and memberships (a user joins at most 5 groups). */
import { ApiError } from '../errors.js';
import { requireAccount } from './accounts.js';
import { formatDate, randomDigits } from './ids.js';
import { checkedString, listResponse, optionalString, paginate, type Params } from './params.js';
import { checkComments, checkGroupName, LIMITS, nameKey } from './rules.js';
import { C, commit, compact, create, json, read, readAll, remove, update } from './storage.js';
import { entityOps, newDates } from './entity.js';
import type { DirectoryContext } from './storage.js';
import type { MemberOfGroup, MembershipOfUser } from './user-links.js';
import { userFromParams, userMissing, type UserRecord } from './users.js';

export type GroupRecord = {
  GroupName: string;
  GroupId: string;
  Comments: string;
  CreateDate: string;
  UpdateDate: string;
};

const GROUPS = entityOps({
  kind: 'Group',
  collection: C.group,
  cap: LIMITS.groupsPerAccount,
  nameOf: (g: GroupRecord) => g.GroupName,
  list: { outer: 'Groups', inner: 'Group' },
  dependents: [
    {
      collection: C.usersOfGroup,
      code: 'DeleteConflict.Group.User',
      describe: (n) => `still has ${n} member(s)`,
    },
    {
      collection: (key) => C.attachedPolicies('Group', key),
      code: 'DeleteConflict.Group.Policy',
      describe: (n) => `still has ${n} attached policy(ies)`,
    },
  ],
  sweep: 'Group',
});

export const groupMissing = GROUPS.missing;

function groupShape(g: GroupRecord) {
  return compact({
    GroupName: g.GroupName,
    GroupId: g.GroupId,
    Comments: g.Comments,
    CreateDate: g.CreateDate,
    UpdateDate: g.UpdateDate,
  });
}

const groupNameParam = (params: Params) => checkedString(params, 'GroupName', checkGroupName);

export const requireGroup = GROUPS.require;

export async function createGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = groupNameParam(params);
  const comments = optionalString(params, 'Comments');
  if (comments !== undefined) checkComments(comments);
  const group = await GROUPS.create(ctx, accountId, {
    GroupName: name,
    GroupId: randomDigits(16),
    Comments: comments ?? '',
    ...newDates(ctx),
  });
  return { Group: groupShape(group) };
}

export async function getGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  return { Group: groupShape(await requireGroup(ctx, accountId, groupNameParam(params))) };
}

/** UpdateGroup: NewComments only (renaming groups is not supported). */
export async function updateGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = groupNameParam(params);
  const comments = optionalString(params, 'NewComments');
  if (comments !== undefined) checkComments(comments);
  const group = await requireGroup(ctx, accountId, name);
  const next = { ...group, Comments: comments ?? group.Comments, UpdateDate: formatDate(ctx.now()) };
  await commit(ctx.store, [update(accountId, C.group, nameKey(name), json(next), groupMissing(name))]);
  return { Group: groupShape(next) };
}

export const listGroups = (ctx: DirectoryContext, accountId: string, params: Params) =>
  GROUPS.list(ctx, accountId, params, groupShape);

export async function deleteGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  return GROUPS.remove(ctx, accountId, await requireGroup(ctx, accountId, groupNameParam(params)));
}

async function userAndGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const groupName = groupNameParam(params);
  const [user, group] = await Promise.all([
    userFromParams(ctx, accountId, params),
    requireGroup(ctx, accountId, groupName),
  ]);
  return { user, group, userKey: nameKey(user.UserName), groupKey: nameKey(group.GroupName) };
}

export async function addUserToGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  const { user, group, userKey, groupKey } = await userAndGroup(ctx, accountId, params);
  const joined = formatDate(ctx.now());
  const membership: MembershipOfUser = { GroupName: group.GroupName, JoinDate: joined };
  const member: MemberOfGroup = { UserName: user.UserName, JoinDate: joined };
  const already = () =>
    new ApiError(
      'EntityAlreadyExists.User.Group',
      `The user ${user.UserName} is already in the group ${group.GroupName}.`,
    );
  await commit(ctx.store, [
    create(
      accountId,
      C.groupsOfUser(userKey),
      groupKey,
      json(membership),
      {
        exists: already,
        limit: () =>
          new ApiError(
            'LimitExceeded.User.Group',
            `The user ${user.UserName} can join at most ${LIMITS.groupsPerUser} groups.`,
          ),
      },
      LIMITS.groupsPerUser,
    ),
    create(accountId, C.usersOfGroup(groupKey), userKey, json(member), { exists: already }),
    // Re-writing both entities asserts they still exist when the membership is written.
    update(accountId, C.user, userKey, json(user), userMissing(user.UserName)),
    update(accountId, C.group, groupKey, json(group), groupMissing(group.GroupName)),
  ]);
  return {};
}

export async function removeUserFromGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  const { user, group, userKey, groupKey } = await userAndGroup(ctx, accountId, params);
  const notMember = () =>
    new ApiError(
      'EntityNotExist.User.Group',
      `The user ${user.UserName} is not in the group ${group.GroupName}.`,
    );
  await commit(ctx.store, [
    remove(accountId, C.groupsOfUser(userKey), groupKey, notMember),
    remove(accountId, C.usersOfGroup(groupKey), userKey, notMember),
  ]);
  return {};
}

export async function listGroupsForUser(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const user = await userFromParams(ctx, accountId, params);
  const memberships = await groupsOfUser(ctx, accountId, user.UserName);
  const groups = await Promise.all(
    memberships.map(async ({ key, value }) => {
      const group = await read<GroupRecord>(ctx, accountId, C.group, key);
      return compact({
        GroupName: value.GroupName,
        Comments: group?.Comments ?? '',
        JoinDate: value.JoinDate,
      });
    }),
  );
  return { Groups: { Group: groups } };
}

export async function listUsersForGroup(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const group = await requireGroup(ctx, accountId, groupNameParam(params));
  const page = paginate(
    await readAll<MemberOfGroup>(ctx, accountId, C.usersOfGroup(nameKey(group.GroupName))),
    params,
  );
  const users = await Promise.all(
    page.items.map(async (m) => {
      const user = await read<UserRecord>(ctx, accountId, C.user, nameKey(m.UserName));
      return compact({ UserName: m.UserName, DisplayName: user?.DisplayName ?? '', JoinDate: m.JoinDate });
    }),
  );
  return listResponse('Users', 'User', users, page);
}

/** The memberships of a user, keyed by the group's store key. */
export async function groupsOfUser(ctx: DirectoryContext, accountId: string, userName: string) {
  return readAll<MembershipOfUser>(ctx, accountId, C.groupsOfUser(nameKey(userName)));
}
