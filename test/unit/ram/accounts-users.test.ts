import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNT, closeStores, codeOf, newDirectory, STORE_KINDS } from './helpers.js';

afterAll(closeStores);

describe('accounts', () => {
  it('defaults the alias to the account id and derives the default domain', async () => {
    const d = await newDirectory();
    await d.CreateAccount({ AccountId: '5555' });
    expect(await d.GetAccountAlias('5555')).toEqual({ AccountAlias: '5555' });
    expect(await d.GetDefaultDomain('5555')).toEqual({ DefaultDomainName: '5555.onaliyun.com' });
    expect(await codeOf(d.CreateAccount({ AccountId: '5555' }))).toBe('EntityAlreadyExists.Account');
    expect(await codeOf(d.CreateAccount({ AccountId: '12a' }))).toBe('InvalidParameter.AccountId');
    // A 2-digit id cannot be its own alias (3 characters at least): the caller must give one.
    await expect(d.CreateAccount({ AccountId: '42' })).rejects.toThrow(/defaults to the account id/);
    await d.CreateAccount({ AccountId: '42', AccountAlias: 'forty-two' });
    expect(await codeOf(d.GetAccountAlias('999'))).toBe('EntityNotExist.Account');
  });

  it('checks the alias at 2/3 characters and the default domain at 64/65 characters', async () => {
    const d = await newDirectory();
    expect(await codeOf(d.SetAccountAlias(ACCOUNT, { AccountAlias: 'ab' }))).toBe(
      'InvalidParameter.AccountAlias',
    );
    await d.SetAccountAlias(ACCOUNT, { AccountAlias: 'abc' });
    // 51 + ".onaliyun.com" (13) = 64 characters: the longest default domain.
    await d.SetAccountAlias(ACCOUNT, { AccountAlias: 'a'.repeat(51) });
    expect((await d.GetDefaultDomain(ACCOUNT)).DefaultDomainName).toHaveLength(64);
    expect(await codeOf(d.SetAccountAlias(ACCOUNT, { AccountAlias: 'a'.repeat(52) }))).toBe(
      'InvalidParameter.AccountAlias',
    );
    // 64 is the alias rule's own maximum, still refused because its domain would be 77 long; 65 breaks the alias rule.
    await expect(d.SetAccountAlias(ACCOUNT, { AccountAlias: 'a'.repeat(64) })).rejects.toThrow(
      /default domain/,
    );
    await expect(d.SetAccountAlias(ACCOUNT, { AccountAlias: 'a'.repeat(65) })).rejects.toThrow(
      /3 to 64 characters/,
    );
    for (const bad of ['-abc', 'abc-', 'Abc', 'a_bc', 'a.bc'])
      expect(await codeOf(d.SetAccountAlias(ACCOUNT, { AccountAlias: bad }))).toBe(
        'InvalidParameter.AccountAlias',
      );
  });

  it('keeps aliases and domain aliases unique across accounts and frees the old alias', async () => {
    const d = await newDirectory();
    await d.CreateAccount({ AccountId: '777', AccountAlias: 'other' });
    expect(await codeOf(d.SetAccountAlias('777', { AccountAlias: 'demo' }))).toBe(
      'EntityAlreadyExists.AccountAlias',
    );
    await d.SetDefaultDomain(ACCOUNT, { DefaultDomainName: 'renamed.onaliyun.com' });
    expect(await d.GetAccountAlias(ACCOUNT)).toEqual({ AccountAlias: 'renamed' });
    await d.SetAccountAlias('777', { AccountAlias: 'demo' });
    expect(await d.findAccountByDomain('DEMO.onaliyun.com')).toBe('777');
    expect(await codeOf(d.SetDefaultDomain(ACCOUNT, { DefaultDomainName: 'x.example.com' }))).toBe(
      'InvalidParameter.DefaultDomainName',
    );

    await d.SetDomainAlias(ACCOUNT, { DomainAlias: 'example.com' });
    expect(await d.GetDomainAlias(ACCOUNT)).toEqual({ DomainAlias: 'example.com' });
    expect(await codeOf(d.SetDomainAlias('777', { DomainAlias: 'example.com' }))).toBe(
      'EntityAlreadyExists.DomainAlias',
    );
    expect(await codeOf(d.SetDomainAlias('777', { DomainAlias: 'not a domain' }))).toBe(
      'InvalidParameter.DomainAlias',
    );
    await d.SetDomainAlias(ACCOUNT, { DomainAlias: '' });
    expect(await d.GetDomainAlias(ACCOUNT)).toEqual({});
    await d.SetDomainAlias('777', { DomainAlias: 'example.com' });
    expect(await d.findAccountByDomain('example.com')).toBe('777');
  });
});

describe.each(STORE_KINDS)('users on the %s store', (kind) => {
  it('creates, reads, updates and lists users with Alibaba shapes', async () => {
    const d = await newDirectory(kind, () => new Date('2026-01-02T03:04:05.678Z'));
    const { User } = await d.CreateUser(ACCOUNT, { UserName: 'Alice', Email: 'alice@example.com' });
    expect(User).toMatchObject({
      UserName: 'Alice',
      UserPrincipalName: 'Alice@demo.onaliyun.com',
      DisplayName: 'Alice',
      Email: 'alice@example.com',
      CreateDate: '2026-01-02T03:04:05Z',
    });
    expect(User.UserId).toMatch(/^[1-9][0-9]{15}$/);
    expect(User).not.toHaveProperty('Comments');
    // Lookups are case-insensitive; names are unique case-insensitively.
    expect((await d.GetUser(ACCOUNT, { UserName: 'ALICE' })).User.UserName).toBe('Alice');
    expect((await d.GetUser(ACCOUNT, { UserPrincipalName: 'alice@DEMO.onaliyun.com' })).User.UserName).toBe(
      'Alice',
    );
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'alice' }))).toBe('EntityAlreadyExists.User');
    await d.UpdateUser(ACCOUNT, { UserName: 'alice', NewDisplayName: 'Alice A.', NewComments: 'engineer' });
    expect((await d.GetUser(ACCOUNT, { UserName: 'alice' })).User).toMatchObject({
      DisplayName: 'Alice A.',
      Comments: 'engineer',
    });
    await d.CreateUser(ACCOUNT, { UserPrincipalName: 'bob@demo.onaliyun.com' });
    const listed = await d.ListUsers(ACCOUNT);
    expect(listed.Users.User.map((u) => u.UserName)).toEqual(['Alice', 'bob']);
    expect(listed.IsTruncated).toBe(false);
    expect(listed).not.toHaveProperty('Marker');
  });

  it('creates exactly one user when the same name is created concurrently', async () => {
    const d = await newDirectory(kind);
    const results = await Promise.allSettled(
      ['carol', 'Carol', 'CAROL', 'carol', 'caRol'].map((UserName) => d.CreateUser(ACCOUNT, { UserName })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const errors = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { code: string }).code] : [],
    );
    expect(errors).toEqual(Array(4).fill('EntityAlreadyExists.User'));
    expect((await d.ListUsers(ACCOUNT)).Users.User).toHaveLength(1);
  });

  it('pages with Marker/MaxItems', async () => {
    const d = await newDirectory(kind);
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) await d.CreateUser(ACCOUNT, { UserName: name });
    const first = await d.ListUsers(ACCOUNT, { MaxItems: '2' });
    expect(first.Users.User.map((u) => u.UserName)).toEqual(['u1', 'u2']);
    expect(first.IsTruncated).toBe(true);
    const second = await d.ListUsers(ACCOUNT, { MaxItems: 2, Marker: first.Marker });
    expect(second.Users.User.map((u) => u.UserName)).toEqual(['u3', 'u4']);
    const third = await d.ListUsers(ACCOUNT, { MaxItems: 2, Marker: second.Marker });
    expect(third.Users.User.map((u) => u.UserName)).toEqual(['u5']);
    expect(third.IsTruncated).toBe(false);
    expect(await codeOf(d.ListUsers(ACCOUNT, { MaxItems: 0 }))).toBe('InvalidParameter.MaxItems');
    expect(await codeOf(d.ListUsers(ACCOUNT, { MaxItems: 1001 }))).toBe('InvalidParameter.MaxItems');
    expect(await codeOf(d.ListUsers(ACCOUNT, { Marker: 'not/a marker' }))).toBe('InvalidParameter.Marker');
  });
});

describe('user name rules', () => {
  it('accepts 64 and refuses 65 characters, and refuses other characters', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'u'.repeat(64) });
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'u'.repeat(65) }))).toBe(
      'InvalidParameter.UserName',
    );
    for (const bad of ['a b', 'a@b', 'a/b', 'ä'])
      expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: bad }))).toBe('InvalidParameter.UserName');
    expect(await codeOf(d.CreateUser(ACCOUNT, {}))).toBe('MissingParameter');
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserPrincipalName: 'x@other.com' }))).toBe(
      'InvalidParameter.UserPrincipalName',
    );
  });

  it('checks DisplayName/Comments at 128/129, Email and MobilePhone formats', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'a', DisplayName: 'd'.repeat(128), Comments: 'c'.repeat(128) });
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'b', DisplayName: 'd'.repeat(129) }))).toBe(
      'InvalidParameter.DisplayName',
    );
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'b', Comments: 'c'.repeat(129) }))).toBe(
      'InvalidParameter.Comments',
    );
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'b', Email: 'nope' }))).toBe(
      'InvalidParameter.Email',
    );
    const email = (length: number) => `${'e'.repeat(length - '@example.com'.length)}@example.com`;
    await d.CreateUser(ACCOUNT, { UserName: 'e128', Email: email(128) });
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'e129', Email: email(129) }))).toBe(
      'InvalidParameter.Email',
    );
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'b', MobilePhone: '12345' }))).toBe(
      'InvalidParameter.MobilePhone',
    );
    await d.CreateUser(ACCOUNT, { UserName: 'b', MobilePhone: '86-18688888888' });
    expect(await codeOf(d.ListUsers('42'))).toBe('EntityNotExist.Account');
  });
});

describe.each(STORE_KINDS)('AccessKeys on the %s store', (kind) => {
  it('allows 2 keys per user and refuses the 3rd; indexes every key for authentication', async () => {
    const d = await newDirectory(kind);
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    const k1 = (await d.CreateAccessKey(ACCOUNT, { UserName: 'alice' })).AccessKey;
    const k2 = (await d.CreateAccessKey(ACCOUNT, { UserName: 'ALICE' })).AccessKey;
    expect(k1.AccessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(k1.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(k1.Status).toBe('Active');
    expect(k1.AccessKeyId).not.toBe(k2.AccessKeyId);
    expect(await codeOf(d.CreateAccessKey(ACCOUNT, { UserName: 'alice' }))).toBe(
      'LimitExceeded.User.AccessKey',
    );
    expect(await d.lookupAccessKey(k1.AccessKeyId)).toEqual({
      AccountId: ACCOUNT,
      UserName: 'alice',
      AccessKeySecret: k1.AccessKeySecret,
      Status: 'Active',
    });
    const listed = (await d.ListAccessKeys(ACCOUNT, { UserName: 'alice' })).AccessKeys.AccessKey;
    expect(listed.map((k) => k.AccessKeyId).sort()).toEqual([k1.AccessKeyId, k2.AccessKeyId].sort());
    expect(listed[0]).not.toHaveProperty('AccessKeySecret');

    await d.UpdateAccessKey(ACCOUNT, {
      UserName: 'alice',
      UserAccessKeyId: k1.AccessKeyId,
      Status: 'Inactive',
    });
    expect((await d.lookupAccessKey(k1.AccessKeyId))?.Status).toBe('Inactive');
    expect(
      await codeOf(
        d.UpdateAccessKey(ACCOUNT, { UserName: 'alice', UserAccessKeyId: k1.AccessKeyId, Status: 'Off' }),
      ),
    ).toBe('InvalidParameter.Status');
    expect(await codeOf(d.DeleteUser(ACCOUNT, { UserName: 'alice' }))).toBe('DeleteConflict.User.AccessKey');
    await d.DeleteAccessKey(ACCOUNT, { UserName: 'alice', UserAccessKeyId: k1.AccessKeyId });
    await d.DeleteAccessKey(ACCOUNT, { UserName: 'alice', UserAccessKeyId: k2.AccessKeyId });
    expect(await d.lookupAccessKey(k1.AccessKeyId)).toBeUndefined();
    expect(
      await codeOf(d.DeleteAccessKey(ACCOUNT, { UserName: 'alice', UserAccessKeyId: k1.AccessKeyId })),
    ).toBe('EntityNotExist.AccessKey');
    await d.DeleteUser(ACCOUNT, { UserName: 'alice' });
    expect(await codeOf(d.GetUser(ACCOUNT, { UserName: 'alice' }))).toBe('EntityNotExist.User');
  });

  it('gives the account principal its own root keys (no UserName)', async () => {
    const d = await newDirectory(kind);
    // Without UserName nothing is guessed: root keys need the internal boolean AccountPrincipal.
    expect(await codeOf(d.CreateAccessKey(ACCOUNT))).toBe('MissingParameter');
    expect(await codeOf(d.CreateAccessKey(ACCOUNT, { AccountPrincipal: 'true' }))).toBe('MissingParameter');
    const root = (await d.CreateAccessKey(ACCOUNT, { AccountPrincipal: true })).AccessKey;
    expect(await d.lookupAccessKey(root.AccessKeyId)).toMatchObject({ AccountId: ACCOUNT, UserName: null });
    expect((await d.ListAccessKeys(ACCOUNT, { AccountPrincipal: true })).AccessKeys.AccessKey).toHaveLength(
      1,
    );
    await d.CreateAccessKey(ACCOUNT, { AccountPrincipal: true });
    expect(await codeOf(d.CreateAccessKey(ACCOUNT, { AccountPrincipal: true }))).toBe(
      'LimitExceeded.User.AccessKey',
    );
    // A user cannot manage the root keys by naming them under its own name.
    await d.CreateUser(ACCOUNT, { UserName: 'eve' });
    expect(
      await codeOf(d.DeleteAccessKey(ACCOUNT, { UserName: 'eve', UserAccessKeyId: root.AccessKeyId })),
    ).toBe('EntityNotExist.AccessKey');
    expect(await d.lookupAccessKey('LTAInotakey')).toBeUndefined();
  });

  it('moves groups, keys and attachments when a user is renamed', async () => {
    const d = await newDirectory(kind);
    await d.CreateUser(ACCOUNT, { UserName: 'old' });
    await d.CreateGroup(ACCOUNT, { GroupName: 'devs' });
    await d.AddUserToGroup(ACCOUNT, { UserName: 'old', GroupName: 'devs' });
    await d.AttachPolicyToUser(ACCOUNT, {
      UserName: 'old',
      PolicyType: 'System',
      PolicyName: 'ReadOnlyAccess',
    });
    const key = (await d.CreateAccessKey(ACCOUNT, { UserName: 'old' })).AccessKey;
    await d.UpdateUser(ACCOUNT, { UserName: 'old', NewUserName: 'new' });
    expect(await codeOf(d.GetUser(ACCOUNT, { UserName: 'old' }))).toBe('EntityNotExist.User');
    expect(
      (await d.ListGroupsForUser(ACCOUNT, { UserName: 'new' })).Groups.Group.map((g) => g.GroupName),
    ).toEqual(['devs']);
    expect(
      (await d.ListUsersForGroup(ACCOUNT, { GroupName: 'devs' })).Users.User.map((u) => u.UserName),
    ).toEqual(['new']);
    expect((await d.lookupAccessKey(key.AccessKeyId))?.UserName).toBe('new');
    const entities = await d.ListEntitiesForPolicy(ACCOUNT, {
      PolicyType: 'System',
      PolicyName: 'ReadOnlyAccess',
    });
    expect(entities.Users.User.map((u) => u.UserName)).toEqual(['new']);
    expect((await d.effectivePoliciesForUser(ACCOUNT, 'new')).map((p) => p.PolicyName)).toEqual([
      'ReadOnlyAccess',
    ]);
    // A case-only rename keeps everything in place.
    await d.UpdateUser(ACCOUNT, { UserName: 'new', NewUserName: 'New' });
    expect((await d.lookupAccessKey(key.AccessKeyId))?.UserName).toBe('New');
    expect(
      (await d.ListUsersForGroup(ACCOUNT, { GroupName: 'devs' })).Users.User.map((u) => u.UserName),
    ).toEqual(['New']);
    expect((await d.GetUser(ACCOUNT, { UserName: 'NEW' })).User.UserName).toBe('New');
    await d.CreateUser(ACCOUNT, { UserName: 'taken' });
    expect(await codeOf(d.UpdateUser(ACCOUNT, { UserName: 'new', NewUserName: 'TAKEN' }))).toBe(
      'EntityAlreadyExists.User',
    );
  });
});

describe('IMS requests that name the user by UserPrincipalName', () => {
  it('work for AccessKeys and group memberships as UserName does', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserPrincipalName: 'dave@demo.onaliyun.com' });
    await d.CreateGroup(ACCOUNT, { GroupName: 'ops' });
    const upn = { UserPrincipalName: 'DAVE@demo.onaliyun.com' };
    const key = (await d.CreateAccessKey(ACCOUNT, upn)).AccessKey;
    expect((await d.ListAccessKeys(ACCOUNT, upn)).AccessKeys.AccessKey.map((k) => k.AccessKeyId)).toEqual([
      key.AccessKeyId,
    ]);
    await d.AddUserToGroup(ACCOUNT, { ...upn, GroupName: 'ops' });
    expect((await d.ListGroupsForUser(ACCOUNT, upn)).Groups.Group.map((g) => g.GroupName)).toEqual(['ops']);
    await d.RemoveUserFromGroup(ACCOUNT, { ...upn, GroupName: 'ops' });
    await d.DeleteAccessKey(ACCOUNT, { ...upn, UserAccessKeyId: key.AccessKeyId });
    expect(await codeOf(d.CreateAccessKey(ACCOUNT, { UserPrincipalName: 'dave@elsewhere.com' }))).toBe(
      'InvalidParameter.UserPrincipalName',
    );
    await d.DeleteUser(ACCOUNT, upn);
  });
});
