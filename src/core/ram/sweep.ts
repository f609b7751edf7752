/**
 * After a delete, remove whatever still links to the deleted entity. In one process the account
 * lock makes "no dependents" checks and the delete atomic; two gateway instances on one Redis can
 * still interleave an attach/join between another's check and its delete. A link left that way
 * would grant a later entity of the same name what the old one had, so it is swept, unless the
 * entity has been created again meanwhile.
 */
import type { Json } from '../store/types.js';
import { C, G, globalScope, read, remove, type DirectoryContext, type GuardedWrite } from './storage.js';
import type { PolicyType, PrincipalType } from './storage.js';
import { splitRef } from './user-links.js';

const PRINCIPAL_COLLECTION: Record<PrincipalType, string> = { User: C.user, Group: C.group, Role: C.role };

/** Both records of every attachment of a principal. */
async function principalAttachments(
  ctx: DirectoryContext,
  accountId: string,
  type: PrincipalType,
  key: string,
) {
  const forward = C.attachedPolicies(type, key);
  const attached = await ctx.store.list(accountId, forward);
  return attached.flatMap(({ key: ref }) => {
    const [policyType, policyKey] = splitRef<PolicyType>(ref);
    return [
      remove(accountId, forward, ref),
      remove(accountId, C.policyAttachments(policyType, policyKey), `${type}:${key}`),
    ];
  });
}

/** Both records of every membership in `from` (a user's groups or a group's users). */
async function memberships(
  ctx: DirectoryContext,
  accountId: string,
  from: string,
  other: (k: string) => string,
  key: string,
) {
  const links = await ctx.store.list(accountId, from);
  return links.flatMap(({ key: otherKey }) => [
    remove(accountId, from, otherKey),
    remove(accountId, other(otherKey), key),
  ]);
}

async function accessKeys(ctx: DirectoryContext, accountId: string, userKey: string) {
  const keys = await ctx.store.list(accountId, C.accessKeys(userKey));
  return keys.flatMap(({ key }) => [
    remove(accountId, C.accessKeys(userKey), key),
    remove(globalScope, G.accessKey, key),
  ]);
}

async function sweep(
  ctx: DirectoryContext,
  accountId: string,
  stillGone: () => Promise<boolean>,
  writes: GuardedWrite[],
) {
  if (writes.length === 0 || !(await stillGone())) return;
  // Each removal alone (one scope each); one already removed by someone else reports `missing`, harmlessly.
  for (const w of writes) await ctx.store.batch([w.write]);
}

export async function sweepPrincipal(
  ctx: DirectoryContext,
  accountId: string,
  type: PrincipalType,
  key: string,
) {
  const writes = await principalAttachments(ctx, accountId, type, key);
  if (type === 'User') {
    writes.push(...(await memberships(ctx, accountId, C.groupsOfUser(key), C.usersOfGroup, key)));
    writes.push(...(await accessKeys(ctx, accountId, key)));
    for (const collection of [C.loginProfile, C.mfaOfUser])
      if (await read<Json>(ctx, accountId, collection, key)) writes.push(remove(accountId, collection, key));
  }
  if (type === 'Group')
    writes.push(...(await memberships(ctx, accountId, C.usersOfGroup(key), C.groupsOfUser, key)));
  await sweep(
    ctx,
    accountId,
    async () => !(await read<Json>(ctx, accountId, PRINCIPAL_COLLECTION[type], key)),
    writes,
  );
}

export async function sweepCustomPolicy(ctx: DirectoryContext, accountId: string, key: string) {
  const reverse = C.policyAttachments('Custom', key);
  const links = await ctx.store.list(accountId, reverse);
  const writes = links.flatMap(({ key: ref }) => {
    const [type, principalKey] = splitRef<PrincipalType>(ref);
    return [
      remove(accountId, reverse, ref),
      remove(accountId, C.attachedPolicies(type, principalKey), `Custom:${key}`),
    ];
  });
  await sweep(ctx, accountId, async () => !(await read<Json>(ctx, accountId, C.policy, key)), writes);
}
