/**
 * What hangs off a user (group memberships, AccessKeys, attached policies, the login profile): counting it before a
 * delete, and moving it to the new key when UpdateUser renames the user.
 */
import type { Json } from '../store/types.js';
import { nameKey } from './rules.js';
import type { MfaDeviceRecord, MfaOfUserRecord } from './mfa-devices.js';
import { C, create, G, globalScope, json, read, readAll, remove, put } from './storage.js';
import type { DirectoryContext, GuardedWrite, PolicyType } from './storage.js';

export type MembershipOfUser = { GroupName: string; JoinDate: string };
export type MemberOfGroup = { UserName: string; JoinDate: string };
export type AttachedPolicy = { PolicyName: string; PolicyType: 'System' | 'Custom'; AttachDate: string };
export type PolicyAttachment = {
  PrincipalType: 'User' | 'Group' | 'Role';
  PrincipalName: string;
  AttachDate: string;
};

/**
 * Re-key one record from (collection `from`, key `fromKey`) to (`to`, `toKey`) inside the caller's
 * batch: delete + create, or a put when only the stored value changes (a case-only rename).
 */
function rekey(accountId: string, from: [string, string], to: [string, string], value: Json): GuardedWrite[] {
  if (from[0] === to[0] && from[1] === to[1]) return [put(accountId, to[0], to[1], value)];
  return [remove(accountId, from[0], from[1]), create(accountId, to[0], to[1], value)];
}

export async function renameUserWrites(
  ctx: DirectoryContext,
  accountId: string,
  oldName: string,
  newName: string,
): Promise<GuardedWrite[]> {
  const oldKey = nameKey(oldName);
  const newKey = nameKey(newName);
  const [groups, keys, attached, profile] = await Promise.all([
    readAll<MembershipOfUser>(ctx, accountId, C.groupsOfUser(oldKey)),
    ctx.store.list(accountId, C.accessKeys(oldKey)),
    readAll<AttachedPolicy>(ctx, accountId, C.attachedPolicies('User', oldKey)),
    ctx.store.get(accountId, C.loginProfile, oldKey),
  ]);
  const writes: GuardedWrite[] = await moveMfaBinding(ctx, accountId, oldKey, newKey);
  // The login profile moves with the user (a stale one under the new name is overwritten).
  if (profile !== undefined)
    writes.push(
      ...(oldKey === newKey
        ? []
        : [remove(accountId, C.loginProfile, oldKey), put(accountId, C.loginProfile, newKey, profile)]),
    );
  const moveAll = (from: string, to: string, records: Array<{ key: string; value: Json }>) =>
    records.forEach((r) => writes.push(...rekey(accountId, [from, r.key], [to, r.key], r.value)));
  moveAll(C.groupsOfUser(oldKey), C.groupsOfUser(newKey), groups.map(asJson));
  moveAll(C.accessKeys(oldKey), C.accessKeys(newKey), keys);
  moveAll(C.attachedPolicies('User', oldKey), C.attachedPolicies('User', newKey), attached.map(asJson));
  for (const { key: groupKey, value } of groups) {
    const member: MemberOfGroup = { UserName: newName, JoinDate: value.JoinDate };
    const members = C.usersOfGroup(groupKey);
    writes.push(...rekey(accountId, [members, oldKey], [members, newKey], json(member)));
  }
  for (const { key: accessKeyId } of keys)
    writes.push(put(globalScope, G.accessKey, accessKeyId, { AccountId: accountId, UserName: newName }));
  for (const { key: policyRef, value } of attached) {
    const [type, policyKey] = splitRef<PolicyType>(policyRef);
    const link: PolicyAttachment = {
      PrincipalType: 'User',
      PrincipalName: newName,
      AttachDate: value.AttachDate,
    };
    const links = C.policyAttachments(type, policyKey);
    writes.push(...rekey(accountId, [links, `User:${oldKey}`], [links, `User:${newKey}`], json(link)));
  }
  return writes;
}

/** The user's MFA binding moves with it, and the device's mirror names the new key. */
async function moveMfaBinding(ctx: DirectoryContext, accountId: string, oldKey: string, newKey: string) {
  if (oldKey === newKey) return [];
  const binding = await read<MfaOfUserRecord>(ctx, accountId, C.mfaOfUser, oldKey);
  if (!binding) return [];
  const writes = [remove(accountId, C.mfaOfUser, oldKey), put(accountId, C.mfaOfUser, newKey, json(binding))];
  const device = await read<MfaDeviceRecord>(ctx, accountId, C.mfaDevice, binding.DeviceKey);
  if (device?.BoundTo?.UserId === binding.UserId)
    writes.push(
      put(
        accountId,
        C.mfaDevice,
        binding.DeviceKey,
        json({ ...device, BoundTo: { ...device.BoundTo, UserKey: newKey } }),
      ),
    );
  return writes;
}

function asJson<T extends object>(r: { key: string; value: T }) {
  return { key: r.key, value: json(r.value) };
}

/** `<Type>:<key>` of an attachment record. */
export function splitRef<T extends string>(ref: string): [T, string] {
  const colon = ref.indexOf(':');
  return [ref.slice(0, colon) as T, ref.slice(colon + 1)];
}
