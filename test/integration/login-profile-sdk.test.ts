/**
 * Login profiles and the password policy through the official IMS SDK (@alicloud/ims20190815)
 * against a running gateway: every body parses in the SDK's typed models, every refusal carries
 * Alibaba's code and status, and ChangePassword changes only the calling RAM user's own password.
 */
import {
  ChangePasswordRequest,
  CreateLoginProfileRequest,
  CreateUserRequest,
  DeleteLoginProfileRequest,
  GetLoginProfileRequest,
  SetPasswordPolicyRequest,
  UpdateLoginProfileRequest,
} from '@alicloud/ims20190815';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_ROOT, sdkGateway, type SdkKeys as Keys } from '../support/sdk-gateway.js';
import { sdkError } from '../support/sdk-error.js';

const demo = sdkGateway();
const ACCOUNT = DEMO_ACCOUNT;
const ROOT = DEMO_ROOT;
const ims = (keys: Keys) => demo.ims(keys);

/** A RAM user with an AccessKey and one custom policy. */
async function userWithKeys(name: string, statement: object[]): Promise<Keys> {
  const d = demo.gateway.gw.directory;
  await ims(ROOT).createUser(
    new CreateUserRequest({ userPrincipalName: `${name}@${demo.domain}`, displayName: name }),
  );
  await d.CreatePolicy(ACCOUNT, {
    PolicyName: `${name}-policy`,
    PolicyDocument: JSON.stringify({ Version: '1', Statement: statement }),
  });
  await d.AttachPolicyToUser(ACCOUNT, { PolicyType: 'Custom', PolicyName: `${name}-policy`, UserName: name });
  const { AccessKey } = await d.CreateAccessKey(ACCOUNT, { UserName: name });
  return { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret };
}

describe('IMS SDK: login profiles and the password policy', () => {
  it('create, get, update and delete a login profile; the password is in no response', async () => {
    const upn = `lp-user@${demo.domain}`;
    await ims(ROOT).createUser(new CreateUserRequest({ userPrincipalName: upn, displayName: 'LP' }));
    const created = await ims(ROOT).createLoginProfile(
      new CreateLoginProfileRequest({
        userPrincipalName: upn,
        password: 'Initial-pass-1',
        passwordResetRequired: true,
      }),
    );
    expect(created.body?.loginProfile).toMatchObject({
      userPrincipalName: upn,
      passwordResetRequired: true,
      MFABindRequired: false,
      status: 'Active',
    });
    expect(created.body?.loginProfile?.updateDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(JSON.stringify(created.body)).not.toContain('Initial-pass-1');
    const again = await sdkError(
      ims(ROOT).createLoginProfile(
        new CreateLoginProfileRequest({ userPrincipalName: upn, password: 'Initial-pass-1' }),
      ),
    );
    expect([again.code, again.statusCode]).toEqual(['EntityAlreadyExists.User.LoginProfile', 409]);

    const updated = await ims(ROOT).updateLoginProfile(
      new UpdateLoginProfileRequest({ userPrincipalName: upn, MFABindRequired: true, status: 'Inactive' }),
    );
    expect(updated.body?.requestId).toBeTruthy();
    const got = await ims(ROOT).getLoginProfile(new GetLoginProfileRequest({ userPrincipalName: upn }));
    expect(got.body?.loginProfile).toMatchObject({
      MFABindRequired: true,
      status: 'Inactive',
      passwordResetRequired: true,
    });

    await ims(ROOT).deleteLoginProfile(new DeleteLoginProfileRequest({ userPrincipalName: upn }));
    const gone = await sdkError(
      ims(ROOT).getLoginProfile(new GetLoginProfileRequest({ userPrincipalName: upn })),
    );
    expect([gone.code, gone.statusCode]).toEqual(['EntityNotExist.User.LoginProfile', 404]);
    const nobody = await sdkError(
      ims(ROOT).createLoginProfile(
        new CreateLoginProfileRequest({
          userPrincipalName: `nobody@${demo.domain}`,
          password: 'Initial-pass-1',
        }),
      ),
    );
    expect([nobody.code, nobody.statusCode]).toEqual(['EntityNotExist.User', 404]);
  });

  it('the password policy: set and get parse in the SDK models; a password breaking it is refused with its rules', async () => {
    const set = await ims(ROOT).setPasswordPolicy(
      new SetPasswordPolicyRequest({
        minimumPasswordLength: 12,
        requireNumbers: true,
        requireSymbols: true,
        maxLoginAttemps: 5,
        passwordReusePrevention: 3,
        maxPasswordAge: 90,
      }),
    );
    expect(set.body?.passwordPolicy).toMatchObject({
      minimumPasswordLength: 12,
      maxLoginAttemps: 5,
      requireNumbers: true,
    });
    const got = (await ims(ROOT).getPasswordPolicy()).body?.passwordPolicy;
    expect(got).toMatchObject({
      minimumPasswordLength: 12,
      requireLowercaseCharacters: false,
      requireUppercaseCharacters: false,
      requireNumbers: true,
      requireSymbols: true,
      maxPasswordAge: 90,
      passwordReusePrevention: 3,
      maxLoginAttemps: 5,
      hardExpire: false,
    });
    const range = await sdkError(
      ims(ROOT).setPasswordPolicy(new SetPasswordPolicyRequest({ maxLoginAttemps: 33 })),
    );
    expect([range.code, range.statusCode]).toEqual(['InvalidParameter.PasswordPolicy', 400]);
    const upn = `policy-user@${demo.domain}`;
    await ims(ROOT).createUser(new CreateUserRequest({ userPrincipalName: upn, displayName: 'P' }));
    const weak = await sdkError(
      ims(ROOT).createLoginProfile(
        new CreateLoginProfileRequest({ userPrincipalName: upn, password: 'abcdefgh' }),
      ),
    );
    expect([weak.code, weak.statusCode]).toEqual(['InvalidParameter.Password', 400]);
    expect(weak.message).toMatch(/at least 12 characters/);
    expect(weak.message).not.toContain('abcdefgh');
    await ims(ROOT).setPasswordPolicy(
      new SetPasswordPolicyRequest({
        minimumPasswordLength: 8,
        requireNumbers: false,
        requireSymbols: false,
        passwordReusePrevention: 0,
        maxLoginAttemps: 0,
        maxPasswordAge: 0,
      }),
    );
  });

  it('ChangePassword changes the caller’s own password only; a wrong old password and a root caller are refused', async () => {
    const keys = await userWithKeys('changer', [
      { Effect: 'Allow', Action: 'ram:ChangePassword', Resource: `acs:ram:*:${ACCOUNT}:user/changer` },
    ]);
    await demo.gateway.gw.directory.CreateUser(ACCOUNT, { UserName: 'victim' });
    for (const name of ['changer', 'victim'])
      await ims(ROOT).createLoginProfile(
        new CreateLoginProfileRequest({
          userPrincipalName: `${name}@${demo.domain}`,
          password: 'Same-old-pass-1',
          passwordResetRequired: true,
        }),
      );
    const wrong = await sdkError(
      ims(keys).changePassword(
        new ChangePasswordRequest({ oldPassword: 'Not-my-pass-1', newPassword: 'Brand-new-pass-2' }),
      ),
    );
    expect([wrong.code, wrong.statusCode]).toEqual(['InvalidParameter.OldPassword', 400]);
    const ok = await ims(keys).changePassword(
      new ChangePasswordRequest({ oldPassword: 'Same-old-pass-1', newPassword: 'Brand-new-pass-2' }),
    );
    expect(ok.body?.requestId).toBeTruthy();
    const mine = await ims(ROOT).getLoginProfile(
      new GetLoginProfileRequest({ userPrincipalName: `changer@${demo.domain}` }),
    );
    expect(mine.body?.loginProfile?.passwordResetRequired).toBe(false);
    // The victim's profile is untouched: its reset flag is still set, its password still the old one.
    const victim = await ims(ROOT).getLoginProfile(
      new GetLoginProfileRequest({ userPrincipalName: `victim@${demo.domain}` }),
    );
    expect(victim.body?.loginProfile?.passwordResetRequired).toBe(true);
    const root = await sdkError(
      ims(ROOT).changePassword(
        new ChangePasswordRequest({ oldPassword: 'Same-old-pass-1', newPassword: 'Brand-new-pass-3' }),
      ),
    );
    expect([root.code, root.statusCode]).toEqual(['NoPermission', 403]);
  });

  it('a RAM user without permission cannot read, create or change another user’s login profile', async () => {
    const keys = await userWithKeys('nosy', [
      { Effect: 'Allow', Action: 'ram:Get*', Resource: `acs:ram:*:${ACCOUNT}:user/nosy` },
    ]);
    for (const call of [
      ims(keys).getLoginProfile(new GetLoginProfileRequest({ userPrincipalName: `victim@${demo.domain}` })),
      ims(keys).updateLoginProfile(
        new UpdateLoginProfileRequest({
          userPrincipalName: `victim@${demo.domain}`,
          password: 'Taken-over-1',
        }),
      ),
      ims(keys).setPasswordPolicy(new SetPasswordPolicyRequest({ minimumPasswordLength: 8 })),
    ]) {
      const e = await sdkError(call);
      expect([e.code, e.statusCode]).toEqual(['NoPermission', 403]);
    }
    // ChangePassword is the caller's own (allowed by the default AllowUserToChangePassword): nosy has none.
    const own = await sdkError(
      ims(keys).changePassword(new ChangePasswordRequest({ oldPassword: 'x', newPassword: 'Taken-over-1' })),
    );
    expect([own.code, own.statusCode]).toEqual(['EntityNotExist.User.LoginProfile', 404]);
  });
});
