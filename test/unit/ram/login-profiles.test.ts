import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/core/ram/password-hash.js';
import { ACCOUNT, closeStores, codeOf, newDirectory } from './helpers.js';

afterAll(closeStores);

const PASSWORD = 'Correct-Horse-1';

describe('password hashes', () => {
  it('are salted scrypt with stored parameters; only the password verifies; a tampered record fails closed', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatchObject({ Algorithm: 'scrypt', N: 2 ** 15, r: 8, p: 1 });
    expect(a.Salt).not.toBe(b.Salt);
    expect(a.Hash).not.toBe(b.Hash);
    expect(JSON.stringify(a)).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword('Correct-Horse-2', a)).toBe(false);
    expect(await verifyPassword(PASSWORD, { ...a, N: 2 ** 30 })).toBe(false);
    expect(await verifyPassword(PASSWORD, { ...a, N: 1000 })).toBe(false);
    expect(await verifyPassword(PASSWORD, { ...a, Algorithm: 'md5' as 'scrypt' })).toBe(false);
    expect(await verifyPassword(PASSWORD, { ...a, Hash: 'AAAA' })).toBe(false);
    // The stored parameters are the ones used: the same salt and hash under other costs do not verify.
    expect(await verifyPassword(PASSWORD, { ...a, N: 1024 })).toBe(false);
  });
});

describe('login profiles', () => {
  it('create, get, update, delete: IMS shapes, codes, and the password never in a response or the store in clear', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    expect(await codeOf(d.GetLoginProfile(ACCOUNT, { UserName: 'alice' }))).toBe(
      'EntityNotExist.User.LoginProfile',
    );
    const created = await d.CreateLoginProfile(ACCOUNT, {
      UserPrincipalName: 'alice@demo.onaliyun.com',
      Password: PASSWORD,
      PasswordResetRequired: 'true',
    });
    expect(created.LoginProfile).toMatchObject({
      UserName: 'alice',
      UserPrincipalName: 'alice@demo.onaliyun.com',
      PasswordResetRequired: true,
      MFABindRequired: false,
      Status: 'Active',
    });
    expect(JSON.stringify(created)).not.toContain(PASSWORD);
    expect(await codeOf(d.CreateLoginProfile(ACCOUNT, { UserName: 'ALICE', Password: PASSWORD }))).toBe(
      'EntityAlreadyExists.User.LoginProfile',
    );
    expect(await codeOf(d.CreateLoginProfile(ACCOUNT, { UserName: 'nobody', Password: PASSWORD }))).toBe(
      'EntityNotExist.User',
    );
    const updated = await d.UpdateLoginProfile(ACCOUNT, {
      UserName: 'alice',
      Status: 'Inactive',
      MFABindRequired: true,
    });
    expect(updated.LoginProfile).toMatchObject({
      Status: 'Inactive',
      MFABindRequired: true,
      PasswordResetRequired: true,
    });
    expect(await codeOf(d.UpdateLoginProfile(ACCOUNT, { UserName: 'alice', Status: 'Off' }))).toBe(
      'InvalidParameter.Status',
    );
    expect((await d.GetLoginProfile(ACCOUNT, { UserName: 'alice' })).LoginProfile.Status).toBe('Inactive');
    expect(await d.DeleteLoginProfile(ACCOUNT, { UserName: 'alice' })).toEqual({});
    expect(await codeOf(d.DeleteLoginProfile(ACCOUNT, { UserName: 'alice' }))).toBe(
      'EntityNotExist.User.LoginProfile',
    );
  });

  it('the password policy: IMS defaults, ranges, every rule checked on create, update and change', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'bob' });
    expect((await d.GetPasswordPolicy(ACCOUNT)).PasswordPolicy).toEqual({
      MinimumPasswordLength: 8,
      RequireLowercaseCharacters: false,
      RequireUppercaseCharacters: false,
      RequireNumbers: false,
      RequireSymbols: false,
      MaxPasswordAge: 0,
      PasswordReusePrevention: 0,
      MaxLoginAttemps: 0,
      HardExpire: false,
      MinimumPasswordDifferentCharacter: 0,
      PasswordNotContainUserName: false,
    });
    for (const [name, bad] of [
      ['MinimumPasswordLength', '7'],
      ['MinimumPasswordLength', '33'],
      ['MaxPasswordAge', '1096'],
      ['PasswordReusePrevention', '25'],
      ['MaxLoginAttemps', '33'],
      ['MinimumPasswordDifferentCharacter', '9'],
      ['MaxLoginAttemps', 'x'],
    ] as const)
      expect(await codeOf(d.SetPasswordPolicy(ACCOUNT, { [name]: bad })), `${name}=${bad}`).toBe(
        'InvalidParameter.PasswordPolicy',
      );
    const set = await d.SetPasswordPolicy(ACCOUNT, {
      MinimumPasswordLength: '10',
      RequireUppercaseCharacters: 'true',
      RequireNumbers: 'true',
      RequireSymbols: 'true',
      PasswordNotContainUserName: 'true',
      PasswordReusePrevention: '2',
      MaxLoginAttemps: '5',
    });
    expect(set.PasswordPolicy).toMatchObject({
      MinimumPasswordLength: 10,
      MaxLoginAttemps: 5,
      RequireLowercaseCharacters: false,
    });
    // Fields not given keep their values.
    await d.SetPasswordPolicy(ACCOUNT, { HardExpire: 'true' });
    expect((await d.GetPasswordPolicy(ACCOUNT)).PasswordPolicy).toMatchObject({
      MinimumPasswordLength: 10,
      HardExpire: true,
    });
    for (const bad of ['Short-1a', 'nouppercase-12', 'NoDigits-here', 'NoSymbols123', 'Bob-is-me-123'])
      await expect(d.CreateLoginProfile(ACCOUNT, { UserName: 'bob', Password: bad })).rejects.toThrow(
        /does not meet the password policy/,
      );
    const error = await d
      .CreateLoginProfile(ACCOUNT, { UserName: 'bob', Password: 'short' })
      .catch((e: Error) => e);
    expect((error as Error).message).not.toContain('short');
    await d.CreateLoginProfile(ACCOUNT, { UserName: 'bob', Password: 'First-pass-01' });
    await d.UpdateLoginProfile(ACCOUNT, { UserName: 'bob', Password: 'Second-pass-02' });
    // The last 2 passwords are refused, the third back is allowed again.
    for (const reused of ['First-pass-01', 'Second-pass-02'])
      expect(await codeOf(d.UpdateLoginProfile(ACCOUNT, { UserName: 'bob', Password: reused }))).toBe(
        'InvalidParameter.Password',
      );
    await d.UpdateLoginProfile(ACCOUNT, { UserName: 'bob', Password: 'Third-pass-03' });
    await d.UpdateLoginProfile(ACCOUNT, { UserName: 'bob', Password: 'First-pass-01' });
  });

  it('ChangePassword: the old password must be right; the new one passes the policy and clears PasswordResetRequired', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'carol' });
    expect(
      await codeOf(
        d.ChangePassword(ACCOUNT, { UserName: 'carol', OldPassword: 'x', NewPassword: 'Another-1' }),
      ),
    ).toBe('EntityNotExist.User.LoginProfile');
    await d.CreateLoginProfile(ACCOUNT, {
      UserName: 'carol',
      Password: PASSWORD,
      PasswordResetRequired: true,
    });
    expect(
      await codeOf(
        d.ChangePassword(ACCOUNT, {
          UserName: 'carol',
          OldPassword: 'wrong-one',
          NewPassword: 'Another-pass-1',
        }),
      ),
    ).toBe('InvalidParameter.OldPassword');
    expect(
      await codeOf(
        d.ChangePassword(ACCOUNT, { UserName: 'carol', OldPassword: PASSWORD, NewPassword: 'short' }),
      ),
    ).toBe('InvalidParameter.Password');
    expect(
      await d.ChangePassword(ACCOUNT, {
        UserName: 'carol',
        OldPassword: PASSWORD,
        NewPassword: 'Another-pass-1',
      }),
    ).toEqual({});
    expect((await d.GetLoginProfile(ACCOUNT, { UserName: 'carol' })).LoginProfile.PasswordResetRequired).toBe(
      false,
    );
    expect(
      await codeOf(
        d.ChangePassword(ACCOUNT, { UserName: 'carol', OldPassword: PASSWORD, NewPassword: 'Yet-another-2' }),
      ),
    ).toBe('InvalidParameter.OldPassword');
  });

  it('a profile follows a rename and never outlives its user: a new user of the same name has none', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'dave' });
    await d.CreateLoginProfile(ACCOUNT, { UserName: 'dave', Password: PASSWORD });
    await d.UpdateUser(ACCOUNT, { UserName: 'dave', NewUserName: 'david' });
    expect((await d.GetLoginProfile(ACCOUNT, { UserName: 'david' })).LoginProfile.UserName).toBe('david');
    await d.CreateUser(ACCOUNT, { UserName: 'dave' });
    expect(await codeOf(d.GetLoginProfile(ACCOUNT, { UserName: 'dave' }))).toBe(
      'EntityNotExist.User.LoginProfile',
    );
    await d.DeleteUser(ACCOUNT, { UserName: 'david' });
    await d.CreateUser(ACCOUNT, { UserName: 'david' });
    expect(await codeOf(d.GetLoginProfile(ACCOUNT, { UserName: 'david' }))).toBe(
      'EntityNotExist.User.LoginProfile',
    );
    expect(await d.ctx.store.get(ACCOUNT, 'loginProfile', 'david')).toBeUndefined();
  });
});
