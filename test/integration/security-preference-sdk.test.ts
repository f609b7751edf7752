/**
 * The security preference through the official IMS SDK (@alicloud/ims20190815) against a running
 * gateway: Set/GetSecurityPreference parse in the SDK's typed models and refuse bad values with
 * Alibaba-style codes; what it says is enforced — LoginSessionDuration and LoginNetworkMasks at
 * user-based SSO, AllowUserToChangePassword at ChangePassword, and the self-service rule: a RAM
 * user without any policy manages its own AccessKeys (when allowed) and MFA device, never another's.
 */
import {
  ChangePasswordRequest,
  CreateAccessKeyRequest,
  CreateUserRequest,
  DeleteAccessKeyRequest,
  GetUserMFAInfoRequest,
  ListAccessKeysRequest,
  SetSecurityPreferenceRequest,
  UpdateAccessKeyRequest,
} from '@alicloud/ims20190815';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_ROOT, sdkGateway, type SdkKeys as Keys } from '../support/sdk-gateway.js';
import { WebSession, demoIdpResponse, textOfId } from '../support/gateway-client.js';
import { sdkError } from '../support/sdk-error.js';
import { userConsoleSession } from '../../src/core/sts/operations.js';

const demo = sdkGateway();
const ACCOUNT = DEMO_ACCOUNT;
const ROOT = DEMO_ROOT;
const ims = (keys: Keys) => demo.ims(keys);

const setPreference = (fields: ConstructorParameters<typeof SetSecurityPreferenceRequest>[0]) =>
  ims(ROOT).setSecurityPreference(new SetSecurityPreferenceRequest(fields));

/** A RAM user with an AccessKey and no policy at all. */
async function userWithoutPolicy(name: string): Promise<Keys> {
  await ims(ROOT).createUser(
    new CreateUserRequest({ userPrincipalName: `${name}@${demo.domain}`, displayName: name }),
  );
  const { AccessKey } = await demo.gateway.gw.directory.CreateAccessKey(ACCOUNT, { UserName: name });
  return { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret };
}

async function userSsoSignIn() {
  const browser = new WebSession();
  const { acsUrl, samlResponse } = await demoIdpResponse(demo.gateway.url, 'alice', 'user');
  const answer = await browser.request(acsUrl, { SAMLResponse: samlResponse });
  return { browser, answer };
}

describe('IMS SDK: Set/GetSecurityPreference', () => {
  it('parse in the typed models, with defaults, and keep what a later call does not give', async () => {
    const got = await ims(ROOT).getSecurityPreference();
    expect(got.body?.requestId).toBeTruthy();
    expect(got.body?.securityPreference?.loginProfilePreference).toMatchObject({
      loginSessionDuration: 6,
      allowUserToChangePassword: true,
      enableSaveMFATicket: false,
      loginNetworkMasks: '',
      MFAOperationForLogin: 'independent',
    });
    expect(got.body?.securityPreference?.accessKeyPreference?.allowUserToManageAccessKeys).toBe(false);
    expect(got.body?.securityPreference?.MFAPreference?.allowUserToManageMFADevices).toBe(true);
    expect(got.body?.securityPreference?.personalInfoPreference?.allowUserToManagePersonalDingTalk).toBe(
      true,
    );

    const set = await setPreference({
      loginSessionDuration: 3,
      enableSaveMFATicket: true,
      verificationTypes: ['sms'],
      operationForRiskLogin: 'enforceVerify',
    });
    expect(set.body?.securityPreference?.loginProfilePreference).toMatchObject({
      loginSessionDuration: 3,
      enableSaveMFATicket: true,
      operationForRiskLogin: 'enforceVerify',
    });
    expect(set.body?.securityPreference?.verificationPreference?.verificationTypes).toEqual(['sms']);
    await setPreference({ allowUserToManagePersonalDingTalk: false });
    const again = (await ims(ROOT).getSecurityPreference()).body?.securityPreference;
    expect(again?.loginProfilePreference?.loginSessionDuration).toBe(3);
    expect(again?.personalInfoPreference?.allowUserToManagePersonalDingTalk).toBe(false);
    await setPreference({ loginSessionDuration: 6, enableSaveMFATicket: false, verificationTypes: [] });
  });

  it('refuse bad values with their code and status 400', async () => {
    for (const [fields, code] of [
      [{ loginSessionDuration: 25 }, 'InvalidParameter.LoginSessionDuration'],
      [{ loginNetworkMasks: '10.0.0.0/8;300.1.1.1' }, 'InvalidParameter.LoginNetworkMasks'],
      [{ MFAOperationForLogin: 'sometimes' }, 'InvalidParameter.MFAOperationForLogin'],
      [{ verificationTypes: ['pigeon'] }, 'InvalidParameter.VerificationTypes'],
    ] as const) {
      const e = await sdkError(setPreference(fields));
      expect([fields, e.code, e.statusCode]).toEqual([fields, code, 400]);
    }
  });

  it('a RAM user without a policy may not change the preference', async () => {
    const keys = await userWithoutPolicy('pref-nobody');
    const e = await sdkError(
      ims(keys).setSecurityPreference(
        new SetSecurityPreferenceRequest({ allowUserToManageAccessKeys: true }),
      ),
    );
    expect([e.code, e.statusCode]).toEqual(['NoPermission', 403]);
  });
});

describe('enforced at user-based SSO', () => {
  it('LoginSessionDuration is the console session of a RAM user', async () => {
    await setPreference({ loginSessionDuration: 1 });
    const short = await userSsoSignIn();
    expect(short.answer.status).toBe(303);
    const page = await short.browser.request(`${demo.gateway.url}/console`);
    const expires = Date.parse(textOfId(page.html, 'expiration') ?? '');
    expect(expires - Date.now()).toBeLessThanOrEqual(3600_000 + 5_000);
    expect(expires - Date.now()).toBeGreaterThan(3600_000 - 60_000);
    await setPreference({ loginSessionDuration: 6 });
    const long = await userSsoSignIn();
    const later = Date.parse(
      textOfId((await long.browser.request(`${demo.gateway.url}/console`)).html, 'expiration') ?? '',
    );
    expect(later - Date.now()).toBeGreaterThan(6 * 3600_000 - 60_000);
  });

  it('LoginNetworkMasks refuses a sign-in from outside them (401), and allows one from inside', async () => {
    await setPreference({ loginNetworkMasks: '10.0.0.0/8;192.168.0.0/16' });
    const outside = await userSsoSignIn();
    expect(outside.answer.status).toBe(401);
    expect(outside.answer.html).toContain('AuthenticationFail.LoginNetworkMask');
    expect((await outside.browser.request(`${demo.gateway.url}/console`)).status).not.toBe(200);
    await setPreference({ loginNetworkMasks: '10.0.0.0/8;127.0.0.0/8' });
    expect((await userSsoSignIn()).answer.status).toBe(303);
    await setPreference({ loginNetworkMasks: '' });
  });
});

describe('enforced at the API', () => {
  it('AllowUserToChangePassword: a user without a policy changes its own password; =false: NoPermission', async () => {
    const keys = await userWithoutPolicy('pref-changer');
    await demo.gateway.gw.directory.CreateLoginProfile(ACCOUNT, {
      UserName: 'pref-changer',
      Password: 'Changer-pass-1',
    });
    const change = new ChangePasswordRequest({
      oldPassword: 'Changer-pass-1',
      newPassword: 'Changer-pass-2',
    });
    await setPreference({ allowUserToChangePassword: false });
    const e = await sdkError(ims(keys).changePassword(change));
    expect([e.code, e.statusCode]).toEqual(['NoPermission', 403]);
    await setPreference({ allowUserToChangePassword: true });
    expect((await ims(keys).changePassword(change)).body?.requestId).toBeTruthy();
  });

  it('AllowUserToManageAccessKeys: a user without a policy manages its own keys — only its own', async () => {
    const self = await userWithoutPolicy('pref-self');
    await userWithoutPolicy('pref-victim');
    const victimKeys = await demo.gateway.gw.directory.ListAccessKeys(ACCOUNT, { UserName: 'pref-victim' });
    const victimKey = victimKeys.AccessKeys.AccessKey[0]?.AccessKeyId ?? '';
    const denied = await sdkError(ims(self).listAccessKeys(new ListAccessKeysRequest({})));
    expect([denied.code, denied.statusCode]).toEqual(['NoPermission', 403]);

    await setPreference({ allowUserToManageAccessKeys: true });
    const created = await ims(self).createAccessKey(new CreateAccessKeyRequest({}));
    const newKey = created.body?.accessKey?.accessKeyId ?? '';
    expect(newKey).toMatch(/^LTAI/);
    const own = await ims(self).listAccessKeys(
      new ListAccessKeysRequest({ userPrincipalName: `PREF-SELF@${demo.domain.toUpperCase()}` }),
    );
    expect(own.body?.accessKeys?.accessKey?.map((k) => k.accessKeyId)).toContain(newKey);
    await ims(self).updateAccessKey(
      new UpdateAccessKeyRequest({ userAccessKeyId: newKey, status: 'Inactive' }),
    );
    await ims(self).deleteAccessKey(new DeleteAccessKeyRequest({ userAccessKeyId: newKey }));

    // Another user's keys stay out of reach, however the request names them.
    const victim = `pref-victim@${demo.domain}`;
    for (const call of [
      () => ims(self).listAccessKeys(new ListAccessKeysRequest({ userPrincipalName: victim })),
      () =>
        ims(self).createAccessKey(new CreateAccessKeyRequest({ userPrincipalName: victim.toUpperCase() })),
      () =>
        ims(self).deleteAccessKey(
          new DeleteAccessKeyRequest({ userPrincipalName: victim, userAccessKeyId: victimKey }),
        ),
      () =>
        ims(self).updateAccessKey(
          new UpdateAccessKeyRequest({
            userPrincipalName: victim,
            userAccessKeyId: victimKey,
            status: 'Inactive',
          }),
        ),
    ]) {
      const e = await sdkError(call());
      expect([e.code, e.statusCode]).toEqual(['NoPermission', 403]);
    }
    // Its own key id under its own name does not reach the victim's key either.
    const e = await sdkError(
      ims(self).deleteAccessKey(new DeleteAccessKeyRequest({ userAccessKeyId: victimKey })),
    );
    expect([e.code, e.statusCode]).toEqual(['EntityNotExist.AccessKey', 404]);
    const still = await demo.gateway.gw.directory.ListAccessKeys(ACCOUNT, { UserName: 'pref-victim' });
    expect(still.AccessKeys.AccessKey).toEqual(victimKeys.AccessKeys.AccessKey);

    await setPreference({ allowUserToManageAccessKeys: false });
    const off = await sdkError(ims(self).listAccessKeys(new ListAccessKeysRequest({})));
    expect([off.code, off.statusCode]).toEqual(['NoPermission', 403]);
  });

  it('AllowUserToManageMFADevices: its own MFA info by default, another user’s never, none when off', async () => {
    const self = await userWithoutPolicy('pref-mfa');
    await userWithoutPolicy('pref-mfa-other');
    const own = await sdkError(
      ims(self).getUserMFAInfo(new GetUserMFAInfoRequest({ userPrincipalName: `pref-mfa@${demo.domain}` })),
    );
    // Authorized by the rule: the answer is about the device, not the permission.
    expect([own.code, own.statusCode]).toEqual(['EntityNotExist.User.MFADevice', 404]);
    const other = await sdkError(
      ims(self).getUserMFAInfo(
        new GetUserMFAInfoRequest({ userPrincipalName: `pref-mfa-other@${demo.domain}` }),
      ),
    );
    expect([other.code, other.statusCode]).toEqual(['NoPermission', 403]);
    await setPreference({ allowUserToManageMFADevices: false });
    const off = await sdkError(
      ims(self).getUserMFAInfo(new GetUserMFAInfoRequest({ userPrincipalName: `pref-mfa@${demo.domain}` })),
    );
    expect([off.code, off.statusCode]).toEqual(['NoPermission', 403]);
    await setPreference({ allowUserToManageMFADevices: true });
  });

  it('a session of a deleted and re-created user gets nothing from the rule', async () => {
    const d = demo.gateway.gw.directory;
    const upn = `pref-again@${demo.domain}`;
    const session = async (): Promise<Keys> => {
      const { User } = await d.GetUser(DEMO_ACCOUNT, { UserPrincipalName: upn });
      const { credentials } = await userConsoleSession(
        demo.gateway.gw.sts,
        { accountId: DEMO_ACCOUNT, userName: User.UserName, userId: User.UserId },
        { via: 'signin:password' },
        3600,
      );
      return {
        accessKeyId: credentials.AccessKeyId,
        accessKeySecret: credentials.AccessKeySecret,
        securityToken: credentials.SecurityToken,
      };
    };
    const ownInfo = (keys: Keys) =>
      sdkError(ims(keys).getUserMFAInfo(new GetUserMFAInfoRequest({ userPrincipalName: upn })));
    await d.CreateUser(DEMO_ACCOUNT, { UserPrincipalName: upn });
    const old = await session();
    expect((await ownInfo(old)).code).toBe('EntityNotExist.User.MFADevice');
    await d.DeleteUser(DEMO_ACCOUNT, { UserPrincipalName: upn });
    await d.CreateUser(DEMO_ACCOUNT, { UserPrincipalName: upn });
    const refused = await ownInfo(old);
    expect([refused.code, refused.statusCode]).toEqual(['InvalidSecurityToken.Expired', 400]);
    // The new user's own session is served by the rule again.
    expect((await ownInfo(await session())).code).toBe('EntityNotExist.User.MFADevice');
  });
});
