/**
 * A small account for the adversarial authorization suite: two entities of every kind (the
 * target X and another), an attacker (a RAM user and a role session) whose only policy is the one
 * under test, private markers on every entity (what a read may leak), and the directory's facts
 * about them (what a call changed).
 */
import { createStore } from '../../src/core/store/index.js';
import type { EntityKind } from '../../src/core/actions/index.js';
import type { Principal } from '../../src/core/principal.js';
import { Gateway } from '../../src/sso/gateway.js';
import { TestIdp } from '../support/test-idp.js';

export const ACCOUNT = '1234567890123456';
export const DOMAIN = 'acme.onaliyun.com';
export const TARGET: Readonly<Record<EntityKind, string>> = {
  user: 'alice',
  group: 'admins',
  role: 'ops-role',
  policy: 'target-policy',
  'saml-provider': 'idp-x',
  'mfa-device': 'mfa-x',
};
export const OTHER: Readonly<Record<EntityKind, string>> = {
  user: 'bob',
  group: 'devs',
  role: 'dev-x',
  policy: 'other-policy',
  'saml-provider': 'idp-y',
  'mfa-device': 'mfa-y',
};
/** The resource type each entity kind has in its ARN (`acs:ram::<acct>:<type>/<name>`). */
export const ARN_TYPE: Readonly<Record<EntityKind, string>> = {
  user: 'user',
  group: 'group',
  role: 'role',
  policy: 'policy',
  'saml-provider': 'saml-provider',
  'mfa-device': 'mfa',
};

export const ATTACKER = { user: 'mallory', role: 'mallory-role' };
/** Every fixture user's console password (ChangePassword draws it as OldPassword). */
export const WORLD_PASSWORD = 'World-password-1';

/** The text every entity carries where reads show it (Comments / Description): a read of it is a leak. */
export const marker = (name: string) => `secret-of-${name}`;

const TRUST_ROOT = JSON.stringify({
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
  ],
});
export const SOME_POLICY = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' }],
});

const idp = new TestIdp();
const metadata = Buffer.from(idp.metadata()).toString('base64');

export interface World {
  gw: Gateway;
  principal: Principal;
  /** AccessKeyIds of the users and TOTP seeds of the devices (private: a read of another's is a leak). */
  accessKeys: Record<string, string>;
}

/**
 * `logins`: the users have login profiles (WORLD_PASSWORD) — only for the rows that act on them,
 * a password hash being deliberately slow.
 */
export async function buildWorld(
  attackerPolicy: object,
  as: 'user' | 'role-session',
  logins = false,
): Promise<World> {
  const store = await createStore({ kind: 'memory' });
  const world: World = {
    gw: undefined as unknown as Gateway,
    principal: undefined as unknown as Principal,
    accessKeys: {},
  };
  const gw = new Gateway({
    store,
    baseUrl: 'http://127.0.0.1:9',
    tokenKeys: [{ kid: 'k1', secret: Buffer.alloc(32, 7), createdAt: 0 }],
  });
  world.gw = gw;
  const d = gw.directory;
  await d.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'acme' });
  for (const name of [TARGET.user, OTHER.user, ATTACKER.user]) {
    await d.CreateUser(ACCOUNT, { UserName: name, Comments: marker(name) });
    const { AccessKey } = await d.CreateAccessKey(ACCOUNT, { UserName: name });
    world.accessKeys[name] = AccessKey.AccessKeyId;
  }
  for (const name of logins ? [TARGET.user, OTHER.user, ATTACKER.user] : [])
    await d.CreateLoginProfile(ACCOUNT, { UserName: name, Password: WORLD_PASSWORD });
  for (const name of [TARGET.group, OTHER.group])
    await d.CreateGroup(ACCOUNT, { GroupName: name, Comments: marker(name) });
  await d.AddUserToGroup(ACCOUNT, { GroupName: TARGET.group, UserName: TARGET.user });
  await d.AddUserToGroup(ACCOUNT, { GroupName: OTHER.group, UserName: OTHER.user });
  for (const name of [TARGET.role, OTHER.role, ATTACKER.role])
    await d.CreateRole(ACCOUNT, {
      RoleName: name,
      AssumeRolePolicyDocument: TRUST_ROOT,
      Description: marker(name),
    });
  for (const name of [TARGET.policy, OTHER.policy])
    await d.CreatePolicy(ACCOUNT, {
      PolicyName: name,
      PolicyDocument: SOME_POLICY,
      Description: marker(name),
    });
  await d.AttachPolicyToUser(ACCOUNT, {
    PolicyType: 'Custom',
    PolicyName: OTHER.policy,
    UserName: TARGET.user,
  });
  await d.AttachPolicyToRole(ACCOUNT, {
    PolicyType: 'Custom',
    PolicyName: OTHER.policy,
    RoleName: TARGET.role,
  });
  await d.AttachPolicyToGroup(ACCOUNT, {
    PolicyType: 'Custom',
    PolicyName: TARGET.policy,
    GroupName: OTHER.group,
  });
  for (const name of [TARGET['saml-provider'], OTHER['saml-provider']])
    await d.CreateSAMLProvider(ACCOUNT, {
      SAMLProviderName: name,
      EncodedSAMLMetadataDocument: metadata,
      Description: marker(name),
    });
  for (const name of [TARGET['mfa-device'], OTHER['mfa-device']])
    world.accessKeys[name] = (
      await d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: name })
    ).VirtualMFADevice.Base32StringSeed;
  await d.CreatePolicy(ACCOUNT, {
    PolicyName: 'attacker-policy',
    PolicyDocument: JSON.stringify(attackerPolicy),
  });
  await d.AttachPolicyToUser(ACCOUNT, {
    PolicyType: 'Custom',
    PolicyName: 'attacker-policy',
    UserName: ATTACKER.user,
  });
  await d.AttachPolicyToRole(ACCOUNT, {
    PolicyType: 'Custom',
    PolicyName: 'attacker-policy',
    RoleName: ATTACKER.role,
  });
  if (as === 'user') {
    const { User } = await d.GetUser(ACCOUNT, { UserName: ATTACKER.user });
    world.principal = { type: 'RAMUser', accountId: ACCOUNT, userName: User.UserName, userId: User.UserId };
  } else {
    const { Role } = await d.GetRole(ACCOUNT, { RoleName: ATTACKER.role });
    world.principal = {
      type: 'AssumedRoleUser',
      accountId: ACCOUNT,
      roleName: Role.RoleName,
      roleId: Role.RoleId,
      sessionName: 'attack',
    };
  }
  return world;
}

/** Every name a fixture entity can have, lower-case (plus the name renames are drawn to). */
export const ALL_NAMES = [
  ...Object.values(TARGET),
  ...Object.values(OTHER),
  ATTACKER.user,
  ATTACKER.role,
  'attacker-policy',
  'administratoraccess',
  'readonlyaccess',
  'zed',
].map((n) => n.toLowerCase());

/**
 * What the directory says about the fixture entities, as facts with their owners: an entity's own
 * record (and a user's AccessKeys) belongs to it; a membership or an attachment to both ends. Names
 * are compared without case, as RAM does (a case-only rename changes the entity's record only).
 */
export async function facts(world: World): Promise<Map<string, { owners: string[]; value: string }>> {
  const store = world.gw.store.directory;
  const out = new Map<string, { owners: string[]; value: string }>();
  const put = (key: string, owners: string[], value: unknown) =>
    out.set(key, { owners, value: JSON.stringify(value, (k, v) => (k === 'UpdateDate' ? undefined : v)) });
  const collections = ['user', 'group', 'role', 'policy', 'samlProvider', 'loginProfile', 'mfaOfUser'];
  for (const collection of collections)
    for (const { key, value } of await store.list(ACCOUNT, collection))
      put(`${collection}:${key}`, [key], value);
  // A device's own record belongs to it; its binding (mirrored on the device) to the user (mfaOfUser above).
  for (const { key, value } of await store.list(ACCOUNT, 'mfaDevice'))
    put(`mfaDevice:${key}`, [key], { ...(value as object), BoundTo: undefined });
  for (const name of ALL_NAMES) {
    const keys = await store.list(ACCOUNT, `accessKey:${name}`);
    if (keys.length) put(`keys:${name}`, [name], keys);
    for (const { key } of await store.list(ACCOUNT, `groupsOfUser:${name}`))
      put(`member:${name}:${key}`, [name, key], 1);
    for (const type of ['User', 'Group', 'Role'])
      for (const { key } of await store.list(ACCOUNT, `attached:${type}:${name}`)) {
        const policy = key.slice(key.indexOf(':') + 1);
        put(`attached:${type}:${name}:${key}`, [name, policy], 1);
      }
    const versions = await store.list(ACCOUNT, `policyVersion:${name}`);
    if (versions.length) put(`versions:${name}`, [name], versions);
  }
  return out;
}

/** The owners of every fact that differs between two snapshots. */
export function changedOwners(
  before: Map<string, { owners: string[]; value: string }>,
  after: Map<string, { owners: string[]; value: string }>,
): Set<string> {
  const owners = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    if (a?.value === b?.value) continue;
    for (const o of [...(a?.owners ?? []), ...(b?.owners ?? [])]) owners.add(o.toLowerCase());
  }
  return owners;
}

/** Every private trace of an entity a read could show. */
export function privateTraces(world: World, kind: EntityKind, name: string): string[] {
  return [
    marker(name),
    ...((kind === 'user' || kind === 'mfa-device') && world.accessKeys[name]
      ? [world.accessKeys[name] as string]
      : []),
  ];
}
