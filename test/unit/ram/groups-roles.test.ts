import { afterAll, describe, expect, it } from 'vitest';
import { Directory } from '../../../src/core/ram/index.js';
import {
  ACCOUNT,
  closeStores,
  codeOf,
  fakeMetadataValidator,
  newDirectory,
  openStore,
  STORE_KINDS,
  TRUST_SAML,
} from './helpers.js';

afterAll(closeStores);

describe.each(STORE_KINDS)('groups on the %s store', (kind) => {
  it('lets a user join 5 groups and refuses the 6th', async () => {
    const d = await newDirectory(kind);
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    for (let i = 1; i <= 6; i++) await d.CreateGroup(ACCOUNT, { GroupName: `g${i}` });
    for (let i = 1; i <= 5; i++) await d.AddUserToGroup(ACCOUNT, { UserName: 'alice', GroupName: `g${i}` });
    expect(await codeOf(d.AddUserToGroup(ACCOUNT, { UserName: 'alice', GroupName: 'g6' }))).toBe(
      'LimitExceeded.User.Group',
    );
    // The refused batch wrote nothing: g6 has no member.
    expect((await d.ListUsersForGroup(ACCOUNT, { GroupName: 'g6' })).Users.User).toEqual([]);
    expect((await d.ListGroupsForUser(ACCOUNT, { UserName: 'alice' })).Groups.Group).toHaveLength(5);
  });

  it('manages memberships and refuses to delete a group with members or a user in groups', async () => {
    const d = await newDirectory(kind);
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    const { Group } = await d.CreateGroup(ACCOUNT, { GroupName: 'Admins', Comments: 'the admins' });
    expect(Group).toMatchObject({ GroupName: 'Admins', Comments: 'the admins' });
    expect(await codeOf(d.CreateGroup(ACCOUNT, { GroupName: 'admins' }))).toBe('EntityAlreadyExists.Group');
    await d.AddUserToGroup(ACCOUNT, { UserName: 'ALICE', GroupName: 'admins' });
    expect(await codeOf(d.AddUserToGroup(ACCOUNT, { UserName: 'alice', GroupName: 'Admins' }))).toBe(
      'EntityAlreadyExists.User.Group',
    );
    expect((await d.ListGroupsForUser(ACCOUNT, { UserName: 'alice' })).Groups.Group).toEqual([
      { GroupName: 'Admins', Comments: 'the admins', JoinDate: expect.stringMatching(/Z$/) },
    ]);
    expect(await codeOf(d.DeleteGroup(ACCOUNT, { GroupName: 'Admins' }))).toBe('DeleteConflict.Group.User');
    expect(await codeOf(d.DeleteUser(ACCOUNT, { UserName: 'alice' }))).toBe('DeleteConflict.User.Group');
    await d.RemoveUserFromGroup(ACCOUNT, { UserName: 'alice', GroupName: 'Admins' });
    expect(await codeOf(d.RemoveUserFromGroup(ACCOUNT, { UserName: 'alice', GroupName: 'Admins' }))).toBe(
      'EntityNotExist.User.Group',
    );
    await d.AttachPolicyToGroup(ACCOUNT, {
      GroupName: 'Admins',
      PolicyType: 'System',
      PolicyName: 'AdministratorAccess',
    });
    expect(await codeOf(d.DeleteGroup(ACCOUNT, { GroupName: 'Admins' }))).toBe('DeleteConflict.Group.Policy');
    await d.DetachPolicyFromGroup(ACCOUNT, {
      GroupName: 'Admins',
      PolicyType: 'System',
      PolicyName: 'AdministratorAccess',
    });
    await d.DeleteGroup(ACCOUNT, { GroupName: 'admins' });
    expect(await codeOf(d.GetGroup(ACCOUNT, { GroupName: 'Admins' }))).toBe('EntityNotExist.Group');
    await d.DeleteUser(ACCOUNT, { UserName: 'alice' });
  });

  it('creates exactly one group when created concurrently', async () => {
    const d = await newDirectory(kind);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => d.CreateGroup(ACCOUNT, { GroupName: i % 2 ? 'Ops' : 'ops' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await d.ListGroups(ACCOUNT)).Groups.Group).toHaveLength(1);
  });
});

describe('group name rules', () => {
  it('accepts 64 and refuses 65 characters and other characters', async () => {
    const d = await newDirectory();
    await d.CreateGroup(ACCOUNT, { GroupName: 'g'.repeat(64) });
    expect(await codeOf(d.CreateGroup(ACCOUNT, { GroupName: 'g'.repeat(65) }))).toBe(
      'InvalidParameter.GroupName',
    );
    expect(await codeOf(d.CreateGroup(ACCOUNT, { GroupName: 'a b' }))).toBe('InvalidParameter.GroupName');
    expect(await codeOf(d.CreateGroup(ACCOUNT, { GroupName: 'ok', Comments: 'c'.repeat(129) }))).toBe(
      'InvalidParameter.Comments',
    );
  });
});

describe.each(STORE_KINDS)('roles on the %s store', (kind) => {
  it('creates a role with a trust policy, a 19-digit RoleId, an Arn and UTC dates', async () => {
    const d = await newDirectory(kind, () => new Date('2026-03-04T05:06:07.890Z'));
    const { Role } = await d.CreateRole(ACCOUNT, {
      RoleName: 'Admin',
      AssumeRolePolicyDocument: TRUST_SAML(),
      Description: 'admins',
    });
    expect(Role).toEqual({
      RoleId: expect.stringMatching(/^[1-9][0-9]{18}$/),
      RoleName: 'Admin',
      Arn: `acs:ram::${ACCOUNT}:role/Admin`,
      Description: 'admins',
      AssumeRolePolicyDocument: TRUST_SAML(),
      MaxSessionDuration: 3600,
      CreateDate: '2026-03-04T05:06:07Z',
      UpdateDate: '2026-03-04T05:06:07Z',
    });
    expect((await d.GetRole(ACCOUNT, { RoleName: 'admin' })).Role.RoleName).toBe('Admin');
    expect(
      await codeOf(d.CreateRole(ACCOUNT, { RoleName: 'ADMIN', AssumeRolePolicyDocument: TRUST_SAML() })),
    ).toBe('EntityAlreadyExists.Role');
  });

  it('updates the trust policy, MaxSessionDuration and Description', async () => {
    const d = await newDirectory(kind);
    await d.CreateRole(ACCOUNT, { RoleName: 'Ops', AssumeRolePolicyDocument: TRUST_SAML() });
    const other = TRUST_SAML(ACCOUNT, 'other-idp');
    const { Role } = await d.UpdateRole(ACCOUNT, {
      RoleName: 'ops',
      NewAssumeRolePolicyDocument: other,
      NewMaxSessionDuration: '43200',
      NewDescription: 'changed',
    });
    expect(Role).toMatchObject({
      AssumeRolePolicyDocument: other,
      MaxSessionDuration: 43200,
      Description: 'changed',
    });
    expect(await codeOf(d.UpdateRole(ACCOUNT, { RoleName: 'ops', NewAssumeRolePolicyDocument: '{' }))).toBe(
      'InvalidParameter.PolicyGrammar',
    );
    expect((await d.GetRole(ACCOUNT, { RoleName: 'Ops' })).Role.AssumeRolePolicyDocument).toBe(other);
  });

  it('refuses to delete a role with attached policies', async () => {
    const d = await newDirectory(kind);
    await d.CreateRole(ACCOUNT, { RoleName: 'Reader', AssumeRolePolicyDocument: TRUST_SAML() });
    await d.AttachPolicyToRole(ACCOUNT, {
      RoleName: 'reader',
      PolicyType: 'System',
      PolicyName: 'ReadOnlyAccess',
    });
    expect(await codeOf(d.DeleteRole(ACCOUNT, { RoleName: 'Reader' }))).toBe('DeleteConflict.Role.Policy');
    expect((await d.policiesForRole(ACCOUNT, 'READER')).map((p) => p.PolicyName)).toEqual(['ReadOnlyAccess']);
    await d.DetachPolicyFromRole(ACCOUNT, {
      RoleName: 'Reader',
      PolicyType: 'System',
      PolicyName: 'ReadOnlyAccess',
    });
    await d.DeleteRole(ACCOUNT, { RoleName: 'Reader' });
    expect(await codeOf(d.GetRole(ACCOUNT, { RoleName: 'Reader' }))).toBe('EntityNotExist.Role');
  });
});

describe('role rules', () => {
  const create = (d: Awaited<ReturnType<typeof newDirectory>>, params: Record<string, unknown>) =>
    d.CreateRole(ACCOUNT, { AssumeRolePolicyDocument: TRUST_SAML(), ...params });

  it('checks MaxSessionDuration at 3599/3600/43200/43201', async () => {
    const d = await newDirectory();
    expect(await codeOf(create(d, { RoleName: 'r1', MaxSessionDuration: 3599 }))).toBe(
      'InvalidParameter.MaxSessionDuration',
    );
    expect((await create(d, { RoleName: 'r2', MaxSessionDuration: 3600 })).Role.MaxSessionDuration).toBe(
      3600,
    );
    expect((await create(d, { RoleName: 'r3', MaxSessionDuration: '43200' })).Role.MaxSessionDuration).toBe(
      43200,
    );
    expect(await codeOf(create(d, { RoleName: 'r4', MaxSessionDuration: 43201 }))).toBe(
      'InvalidParameter.MaxSessionDuration',
    );
    expect(await codeOf(create(d, { RoleName: 'r5', MaxSessionDuration: '3600.5' }))).toBe(
      'InvalidParameter.MaxSessionDuration',
    );
    expect(await codeOf(d.UpdateRole(ACCOUNT, { RoleName: 'r2', NewMaxSessionDuration: 43201 }))).toBe(
      'InvalidParameter.MaxSessionDuration',
    );
  });

  it('checks RoleName at 64/65 and its character set, Description at 1024/1025', async () => {
    const d = await newDirectory();
    await create(d, { RoleName: 'R'.repeat(64) });
    expect(await codeOf(create(d, { RoleName: 'R'.repeat(65) }))).toBe('InvalidParameter.RoleName');
    await create(d, { RoleName: 'a.b c@d-e' });
    for (const bad of ['a_b', 'a/b', 'a:b', 'a+b'])
      expect(await codeOf(create(d, { RoleName: bad }))).toBe('InvalidParameter.RoleName');
    await create(d, { RoleName: 'desc1', Description: 'd'.repeat(1024) });
    expect(await codeOf(create(d, { RoleName: 'desc2', Description: 'd'.repeat(1025) }))).toBe(
      'InvalidParameter.Description',
    );
    expect(await codeOf(d.CreateRole(ACCOUNT, { RoleName: 'x' }))).toBe('MissingParameter');
  });

  it('refuses a trust policy that is not one', async () => {
    const d = await newDirectory();
    const identity = JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(await codeOf(create(d, { RoleName: 'bad', AssumeRolePolicyDocument: identity }))).toBe(
      'InvalidParameter.PolicyGrammar',
    );
    expect(await codeOf(create(d, { RoleName: 'bad', AssumeRolePolicyDocument: 'not json' }))).toBe(
      'InvalidParameter.PolicyGrammar',
    );
  });

  it('allows 1000 roles per account and refuses the 1001st', async () => {
    const d = await newDirectory();
    for (let i = 0; i < 1000; i++) await create(d, { RoleName: `role-${i}` });
    expect(await codeOf(create(d, { RoleName: 'one-too-many' }))).toBe('LimitExceeded.Role');
    const page = await d.ListRoles(ACCOUNT, { MaxItems: 1000 });
    expect(page.Roles.Role).toHaveLength(1000);
    expect(page.IsTruncated).toBe(false);
  });
});

describe.each(STORE_KINDS)('two gateway instances on one %s store', (kind) => {
  it('create exactly one role when both create the same name at once (the batch decides, not a lock)', async () => {
    const store = await openStore(kind);
    const [a, b] = [0, 1].map(
      () => new Directory({ store: store.directory, validateIdpMetadata: fakeMetadataValidator }),
    );
    if (!a || !b) throw new Error('two directories');
    await a.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'demo' });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).CreateRole(ACCOUNT, {
          RoleName: i % 3 ? 'Admin' : 'ADMIN',
          AssumeRolePolicyDocument: TRUST_SAML(),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await b.ListRoles(ACCOUNT)).Roles.Role).toHaveLength(1);
  });
});
