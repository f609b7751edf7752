import { afterAll, describe, expect, it } from 'vitest';
import {
  ALLOW_ECS,
  ACCOUNT,
  closeStores,
  codeOf,
  newDirectory,
  policyOfLength,
  STORE_KINDS,
} from './helpers.js';

afterAll(closeStores);

const doc = (action: string) =>
  JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('policy rules', () => {
  it('checks the document at 6144/6145 characters', async () => {
    const d = await newDirectory();
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'max', PolicyDocument: policyOfLength(6144) });
    expect(
      await codeOf(d.CreatePolicy(ACCOUNT, { PolicyName: 'over', PolicyDocument: policyOfLength(6145) })),
    ).toBe('InvalidParameter.PolicySize');
    expect(
      await codeOf(d.CreatePolicy(ACCOUNT, { PolicyName: 'bad', PolicyDocument: '{"Version":"1"' })),
    ).toBe('InvalidParameter.PolicyGrammar');
    expect(
      await codeOf(
        d.CreatePolicyVersion(ACCOUNT, { PolicyName: 'max', PolicyDocument: policyOfLength(6145) }),
      ),
    ).toBe('InvalidParameter.PolicySize');
  });

  it('checks PolicyName at 128/129 and its character set, Description at 1024/1025', async () => {
    const d = await newDirectory();
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'p'.repeat(128), PolicyDocument: ALLOW_ECS });
    expect(
      await codeOf(d.CreatePolicy(ACCOUNT, { PolicyName: 'p'.repeat(129), PolicyDocument: ALLOW_ECS })),
    ).toBe('InvalidParameter.PolicyName');
    for (const bad of ['a_b', 'a.b', 'a b'])
      expect(await codeOf(d.CreatePolicy(ACCOUNT, { PolicyName: bad, PolicyDocument: ALLOW_ECS }))).toBe(
        'InvalidParameter.PolicyName',
      );
    await d.CreatePolicy(ACCOUNT, {
      PolicyName: 'd1',
      PolicyDocument: ALLOW_ECS,
      Description: 'd'.repeat(1024),
    });
    expect(
      await codeOf(
        d.CreatePolicy(ACCOUNT, {
          PolicyName: 'd2',
          PolicyDocument: ALLOW_ECS,
          Description: 'd'.repeat(1025),
        }),
      ),
    ).toBe('InvalidParameter.Description');
    // A 128-character name also works for versions and attachments (its collections are hashed).
    await d.CreatePolicyVersion(ACCOUNT, { PolicyName: 'p'.repeat(128), PolicyDocument: doc('ecs:*') });
    await d.CreateUser(ACCOUNT, { UserName: 'u' });
    await d.AttachPolicyToUser(ACCOUNT, { UserName: 'u', PolicyType: 'Custom', PolicyName: 'p'.repeat(128) });
  });
});

describe.each(STORE_KINDS)('custom policies on the %s store', (kind) => {
  it('keeps 5 versions, refuses the 6th, and never reuses a version id', async () => {
    const d = await newDirectory(kind);
    const { Policy } = await d.CreatePolicy(ACCOUNT, { PolicyName: 'Ops', PolicyDocument: doc('ecs:v1') });
    expect(Policy).toMatchObject({ PolicyName: 'Ops', PolicyType: 'Custom', DefaultVersion: 'v1' });
    for (let v = 2; v <= 5; v++)
      await d.CreatePolicyVersion(ACCOUNT, { PolicyName: 'ops', PolicyDocument: doc(`ecs:v${v}`) });
    expect(
      await codeOf(d.CreatePolicyVersion(ACCOUNT, { PolicyName: 'Ops', PolicyDocument: doc('ecs:v6') })),
    ).toBe('LimitExceeded.Policy.Version');
    await d.DeletePolicyVersion(ACCOUNT, { PolicyName: 'Ops', VersionId: 'v2' });
    const { PolicyVersion } = await d.CreatePolicyVersion(ACCOUNT, {
      PolicyName: 'Ops',
      PolicyDocument: doc('ecs:v6'),
      SetAsDefault: 'true',
    });
    expect(PolicyVersion).toMatchObject({ VersionId: 'v6', IsDefaultVersion: true });
    const versions = (await d.ListPolicyVersions(ACCOUNT, { PolicyName: 'Ops', PolicyType: 'Custom' }))
      .PolicyVersions.PolicyVersion;
    expect(versions.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v1', false],
      ['v3', false],
      ['v4', false],
      ['v5', false],
      ['v6', true],
    ]);
    const got = await d.GetPolicy(ACCOUNT, { PolicyName: 'OPS', PolicyType: 'Custom' });
    expect(got.DefaultPolicyVersion).toMatchObject({ VersionId: 'v6', PolicyDocument: doc('ecs:v6') });
    expect(got.Policy.AttachmentCount).toBe(0);
  });

  it('rotates out the oldest non-default version when asked', async () => {
    const d = await newDirectory(kind);
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'Rot', PolicyDocument: doc('ecs:v1') });
    for (let v = 2; v <= 5; v++)
      await d.CreatePolicyVersion(ACCOUNT, { PolicyName: 'Rot', PolicyDocument: doc(`ecs:v${v}`) });
    await d.CreatePolicyVersion(ACCOUNT, {
      PolicyName: 'Rot',
      PolicyDocument: doc('ecs:v6'),
      RotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded',
    });
    const ids = (
      await d.ListPolicyVersions(ACCOUNT, { PolicyName: 'Rot', PolicyType: 'Custom' })
    ).PolicyVersions.PolicyVersion.map((v) => v.VersionId);
    expect(ids).toEqual(['v1', 'v3', 'v4', 'v5', 'v6']);
    expect(
      await codeOf(
        d.CreatePolicyVersion(ACCOUNT, {
          PolicyName: 'Rot',
          PolicyDocument: doc('x:y'),
          RotateStrategy: 'Bogus',
        }),
      ),
    ).toBe('InvalidParameter.RotateStrategy');
  });

  it('sets the default version and refuses to delete it', async () => {
    const d = await newDirectory(kind);
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'Def', PolicyDocument: doc('ecs:v1') });
    await d.CreatePolicyVersion(ACCOUNT, { PolicyName: 'Def', PolicyDocument: doc('ecs:v2') });
    expect(await codeOf(d.DeletePolicyVersion(ACCOUNT, { PolicyName: 'Def', VersionId: 'v1' }))).toBe(
      'DeleteConflict.PolicyVersion.Default',
    );
    await d.SetDefaultPolicyVersion(ACCOUNT, { PolicyName: 'Def', VersionId: 'v2' });
    expect(await codeOf(d.SetDefaultPolicyVersion(ACCOUNT, { PolicyName: 'Def', VersionId: 'v9' }))).toBe(
      'EntityNotExist.PolicyVersion',
    );
    expect(
      await codeOf(d.GetPolicyVersion(ACCOUNT, { PolicyName: 'Def', PolicyType: 'Custom', VersionId: 'x' })),
    ).toBe('InvalidParameter.VersionId');
    await d.DeletePolicyVersion(ACCOUNT, { PolicyName: 'Def', VersionId: 'v1' });
    const v2 = await d.GetPolicyVersion(ACCOUNT, {
      PolicyName: 'Def',
      PolicyType: 'Custom',
      VersionId: 'v2',
    });
    expect(v2.PolicyVersion).toMatchObject({ IsDefaultVersion: true, PolicyDocument: doc('ecs:v2') });
  });

  it('refuses to delete an attached policy or one with other versions (unless cascading)', async () => {
    const d = await newDirectory(kind);
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'Del', PolicyDocument: doc('ecs:v1') });
    await d.CreateRole(ACCOUNT, {
      RoleName: 'R',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
        ],
      }),
    });
    await d.AttachPolicyToRole(ACCOUNT, { RoleName: 'R', PolicyType: 'Custom', PolicyName: 'del' });
    expect(
      await codeOf(d.AttachPolicyToRole(ACCOUNT, { RoleName: 'r', PolicyType: 'Custom', PolicyName: 'Del' })),
    ).toBe('EntityAlreadyExists.Attachment');
    expect(await codeOf(d.DeletePolicy(ACCOUNT, { PolicyName: 'Del' }))).toBe(
      'DeleteConflict.Policy.Attachment',
    );
    await d.DetachPolicyFromRole(ACCOUNT, { RoleName: 'R', PolicyType: 'Custom', PolicyName: 'Del' });
    expect(
      await codeOf(
        d.DetachPolicyFromRole(ACCOUNT, { RoleName: 'R', PolicyType: 'Custom', PolicyName: 'Del' }),
      ),
    ).toBe('EntityNotExist.Attachment');
    await d.CreatePolicyVersion(ACCOUNT, { PolicyName: 'Del', PolicyDocument: doc('ecs:v2') });
    expect(await codeOf(d.DeletePolicy(ACCOUNT, { PolicyName: 'Del' }))).toBe(
      'DeleteConflict.Policy.Version',
    );
    await d.DeletePolicy(ACCOUNT, { PolicyName: 'Del', CascadingDelete: true });
    expect(await codeOf(d.GetPolicy(ACCOUNT, { PolicyName: 'Del', PolicyType: 'Custom' }))).toBe(
      'EntityNotExist.Policy',
    );
    // A new policy of the same name starts from v1 with no inherited versions.
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'Del', PolicyDocument: doc('ecs:new') });
    const versions = await d.ListPolicyVersions(ACCOUNT, { PolicyName: 'Del', PolicyType: 'Custom' });
    expect(versions.PolicyVersions.PolicyVersion.map((v) => v.VersionId)).toEqual(['v1']);
  });

  it('computes a user’s effective policies from its own and its groups’ attachments', async () => {
    const d = await newDirectory(kind);
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    await d.CreateGroup(ACCOUNT, { GroupName: 'devs' });
    await d.AddUserToGroup(ACCOUNT, { UserName: 'alice', GroupName: 'devs' });
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'Dev', PolicyDocument: doc('ecs:v1') });
    await d.AttachPolicyToGroup(ACCOUNT, { GroupName: 'devs', PolicyType: 'Custom', PolicyName: 'Dev' });
    await d.AttachPolicyToGroup(ACCOUNT, {
      GroupName: 'devs',
      PolicyType: 'System',
      PolicyName: 'ReadOnlyAccess',
    });
    await d.AttachPolicyToUser(ACCOUNT, {
      UserName: 'alice',
      PolicyType: 'System',
      PolicyName: 'readonlyaccess',
    });
    await d.CreatePolicyVersion(ACCOUNT, {
      PolicyName: 'Dev',
      PolicyDocument: doc('ecs:v2'),
      SetAsDefault: true,
    });
    const effective = await d.effectivePoliciesForUser(ACCOUNT, 'ALICE');
    expect(effective.map((p) => [p.PolicyType, p.PolicyName, p.AttachedVia])).toEqual([
      ['System', 'ReadOnlyAccess', { type: 'User', name: 'alice' }],
      ['Custom', 'Dev', { type: 'Group', name: 'devs' }],
    ]);
    expect(effective[1]?.PolicyDocument).toBe(doc('ecs:v2'));
    expect(JSON.parse(effective[0]?.PolicyDocument ?? '')).toHaveProperty('Statement');

    const forUser = await d.ListPoliciesForUser(ACCOUNT, { UserName: 'alice' });
    expect(forUser.Policies.Policy).toEqual([
      expect.objectContaining({ PolicyName: 'ReadOnlyAccess', PolicyType: 'System', DefaultVersion: 'v1' }),
    ]);
    const entities = await d.ListEntitiesForPolicy(ACCOUNT, { PolicyType: 'Custom', PolicyName: 'Dev' });
    expect(entities.Groups.Group.map((g) => g.GroupName)).toEqual(['devs']);
    expect(entities.Users.User).toEqual([]);
    expect(await codeOf(d.DeleteUser(ACCOUNT, { UserName: 'alice' }))).toBe('DeleteConflict.User.Group');
    await d.RemoveUserFromGroup(ACCOUNT, { UserName: 'alice', GroupName: 'devs' });
    expect(await codeOf(d.DeleteUser(ACCOUNT, { UserName: 'alice' }))).toBe('DeleteConflict.User.Policy');
  });
});

describe('system policies', () => {
  it('lists, gets and attaches the built-in policies and refuses unknown ones', async () => {
    const d = await newDirectory();
    const names = (
      await d.ListPolicies(ACCOUNT, { PolicyType: 'System', MaxItems: 1000 })
    ).Policies.Policy.map((p) => p.PolicyName);
    expect(names).toEqual(
      expect.arrayContaining([
        'AdministratorAccess',
        'ReadOnlyAccess',
        'AliyunSTSAssumeRoleAccess',
        'AliyunOSSFullAccess',
        'AliyunOSSReadOnlyAccess',
      ]),
    );
    // Every system policy of Alibaba's service tables, each once (166 names, IoT listed twice).
    expect(names.length).toBe(new Set(names).size);
    expect(names.length).toBe(3 + 164);
    await d.CreateUser(ACCOUNT, { UserName: 'oss-reader' });
    await d.AttachPolicyToUser(ACCOUNT, {
      UserName: 'oss-reader',
      PolicyType: 'System',
      PolicyName: 'aliyunossreadonlyaccess',
    });
    const attached = await d.ListPoliciesForUser(ACCOUNT, { UserName: 'oss-reader' });
    expect(attached.Policies.Policy.map((p) => p.PolicyName)).toEqual(['AliyunOSSReadOnlyAccess']);
    const admin = await d.GetPolicy(ACCOUNT, { PolicyType: 'System', PolicyName: 'AdministratorAccess' });
    expect(JSON.parse(admin.DefaultPolicyVersion.PolicyDocument).Statement[0]).toMatchObject({ Action: '*' });
    expect(await codeOf(d.GetPolicy(ACCOUNT, { PolicyType: 'System', PolicyName: 'NoSuchPolicy' }))).toBe(
      'EntityNotExist.Policy',
    );
    expect(
      await codeOf(d.GetPolicy(ACCOUNT, { PolicyType: 'Builtin', PolicyName: 'AdministratorAccess' })),
    ).toBe('InvalidParameter.PolicyType');
    await d.CreateUser(ACCOUNT, { UserName: 'u' });
    expect(
      await codeOf(
        d.AttachPolicyToUser(ACCOUNT, { UserName: 'u', PolicyType: 'System', PolicyName: 'Nope' }),
      ),
    ).toBe('EntityNotExist.Policy');
    expect(await codeOf(d.DeletePolicy(ACCOUNT, { PolicyName: 'AdministratorAccess' }))).toBe(
      'EntityNotExist.Policy',
    );
    const v = await d.GetPolicyVersion(ACCOUNT, {
      PolicyType: 'System',
      PolicyName: 'ReadOnlyAccess',
      VersionId: 'v1',
    });
    expect(v.PolicyVersion.IsDefaultVersion).toBe(true);
  });

  it('pages the combined System and Custom listing', async () => {
    const d = await newDirectory();
    await d.CreatePolicy(ACCOUNT, { PolicyName: 'Mine', PolicyDocument: ALLOW_ECS });
    const all = (await d.ListPolicies(ACCOUNT, { MaxItems: 1000 })).Policies.Policy;
    const collected: string[] = [];
    let marker: string | undefined;
    do {
      const page = await d.ListPolicies(ACCOUNT, { MaxItems: 2, ...(marker ? { Marker: marker } : {}) });
      collected.push(...page.Policies.Policy.map((p) => `${p.PolicyType}:${p.PolicyName}`));
      marker = page.Marker;
    } while (marker);
    expect(collected).toEqual(all.map((p) => `${p.PolicyType}:${p.PolicyName}`));
    expect(collected).toContain('Custom:Mine');
  });
});
