import { afterAll, describe, expect, it } from 'vitest';
import { loginPreference } from '../../../src/core/ram/index.js';
import { addressAllowed, normalizeNetworkMasks } from '../../../src/core/ram/security-preference.js';
import { ACCOUNT, closeStores, codeOf, newDirectory, STORE_KINDS } from './helpers.js';

afterAll(closeStores);

describe.each(STORE_KINDS)('the security preference on the %s store', (kind) => {
  it("starts at IMS's defaults, and loginPreference gives the effective values", async () => {
    const d = await newDirectory(kind);
    const { SecurityPreference } = await d.GetSecurityPreference(ACCOUNT);
    expect(SecurityPreference).toEqual({
      LoginProfilePreference: {
        LoginSessionDuration: 6,
        EnableSaveMFATicket: false,
        AllowUserToChangePassword: true,
        AllowUserToLoginWithPasskey: true,
        LoginNetworkMasks: '',
        MFAOperationForLogin: 'independent',
        OperationForRiskLogin: 'autonomous',
      },
      AccessKeyPreference: { AllowUserToManageAccessKeys: false },
      MFAPreference: { AllowUserToManageMFADevices: true },
      PersonalInfoPreference: { AllowUserToManagePersonalDingTalk: true },
      VerificationPreference: { VerificationTypes: [] },
    });
    const login = await loginPreference(d, ACCOUNT);
    expect(login.sessionSeconds).toBe(6 * 3600);
    expect(login.allowUserToChangePassword).toBe(true);
    expect(login.allowsAddress('203.0.113.9')).toBe(true);
  });

  it('sets what is given, keeps the rest, and stores it for every reader', async () => {
    const d = await newDirectory(kind);
    const set = await d.SetSecurityPreference(ACCOUNT, {
      LoginSessionDuration: '2',
      AllowUserToManageAccessKeys: 'true',
      LoginNetworkMasks: ' 10.0.0.0/8 ;192.168.1.7; 2001:db8::/32;10.0.0.0/8',
      VerificationTypes: '["sms","email","sms"]',
      MFAOperationForLogin: 'mandatory',
    });
    expect(set.SecurityPreference.LoginProfilePreference).toMatchObject({
      LoginSessionDuration: 2,
      LoginNetworkMasks: '10.0.0.0/8;192.168.1.7;2001:db8::/32',
      MFAOperationForLogin: 'mandatory',
      AllowUserToChangePassword: true,
    });
    await d.SetSecurityPreference(ACCOUNT, { AllowUserToChangePassword: 'false' });
    const { SecurityPreference: got } = await d.GetSecurityPreference(ACCOUNT);
    expect(got.AccessKeyPreference.AllowUserToManageAccessKeys).toBe(true);
    expect(got.LoginProfilePreference.LoginSessionDuration).toBe(2);
    expect(got.LoginProfilePreference.AllowUserToChangePassword).toBe(false);
    expect(got.VerificationPreference.VerificationTypes).toEqual(['sms', 'email']);
    const login = await loginPreference(d, ACCOUNT);
    expect(login.sessionSeconds).toBe(7200);
    expect(login.allowsAddress('10.200.0.1')).toBe(true);
    expect(login.allowsAddress('192.168.1.7')).toBe(true);
    expect(login.allowsAddress('192.168.1.8')).toBe(false);
    expect(login.allowsAddress('2001:db8:1::5')).toBe(true);
    expect(login.allowsAddress('::ffff:10.1.1.1')).toBe(true);
    // An empty value lifts the restriction; an absent one keeps it.
    await d.SetSecurityPreference(ACCOUNT, { EnableSaveMFATicket: 'true' });
    expect((await loginPreference(d, ACCOUNT)).networkMasks).not.toBe('');
    await d.SetSecurityPreference(ACCOUNT, { LoginNetworkMasks: '' });
    expect((await loginPreference(d, ACCOUNT)).allowsAddress('198.51.100.1')).toBe(true);
  });

  it('refuses out-of-range and malformed values with their codes, and writes nothing then', async () => {
    const d = await newDirectory(kind);
    const bad: Array<[Record<string, string>, string]> = [
      [{ LoginSessionDuration: '0' }, 'InvalidParameter.LoginSessionDuration'],
      [{ LoginSessionDuration: '25' }, 'InvalidParameter.LoginSessionDuration'],
      [{ LoginSessionDuration: 'six' }, 'InvalidParameter.LoginSessionDuration'],
      [{ LoginNetworkMasks: '10.0.0.0/33' }, 'InvalidParameter.LoginNetworkMasks'],
      [{ LoginNetworkMasks: 'example.com' }, 'InvalidParameter.LoginNetworkMasks'],
      [{ LoginNetworkMasks: '10.0.0.0/8,192.168.0.0/16' }, 'InvalidParameter.LoginNetworkMasks'],
      [{ MFAOperationForLogin: 'always' }, 'InvalidParameter.MFAOperationForLogin'],
      [{ OperationForRiskLogin: 'skip' }, 'InvalidParameter.OperationForRiskLogin'],
      [{ VerificationTypes: 'sms' }, 'InvalidParameter.VerificationTypes'],
      [{ VerificationTypes: '["fax"]' }, 'InvalidParameter.VerificationTypes'],
      [{ AllowUserToManageAccessKeys: 'yes' }, 'InvalidParameter'],
    ];
    for (const [params, code] of bad)
      expect([
        params,
        await codeOf(
          d.SetSecurityPreference(ACCOUNT, {
            ...params,
            LoginSessionDuration: params.LoginSessionDuration ?? '3',
          }),
        ),
      ]).toEqual([params, code]);
    expect((await loginPreference(d, ACCOUNT)).sessionSeconds).toBe(6 * 3600);
    expect(await codeOf(d.GetSecurityPreference('9999999999999999'))).toBe('EntityNotExist.Account');
  });

  it('AllowUserToChangePassword=false: ChangePassword is refused (NoPermission) and the password stays', async () => {
    const d = await newDirectory(kind);
    await d.CreateUser(ACCOUNT, { UserName: 'carol' });
    await d.CreateLoginProfile(ACCOUNT, { UserName: 'carol', Password: 'Carol-pass-1' });
    await d.SetSecurityPreference(ACCOUNT, { AllowUserToChangePassword: 'false' });
    const change = { UserName: 'carol', OldPassword: 'Carol-pass-1', NewPassword: 'Carol-pass-2' };
    expect(await codeOf(d.ChangePassword(ACCOUNT, change))).toBe('NoPermission');
    await d.SetSecurityPreference(ACCOUNT, { AllowUserToChangePassword: 'true' });
    expect(await d.ChangePassword(ACCOUNT, change)).toEqual({});
  });
});

describe('login network masks', () => {
  it('caps the count (40) and the length (512), and matches addresses fail-closed', () => {
    const forty = Array.from({ length: 40 }, (_, i) => `10.0.0.${i}`).join(';');
    expect(normalizeNetworkMasks(forty).split(';')).toHaveLength(40);
    expect(() => normalizeNetworkMasks(`${forty};11.0.0.1`)).toThrow(/at most 40/);
    expect(() => normalizeNetworkMasks(`${'1.1.1.1;'.repeat(64)}1.1.1.1`)).toThrow(/512/);
    expect(addressAllowed('', 'not-an-ip')).toBe(true);
    expect(addressAllowed('10.0.0.0/8', '')).toBe(false);
    expect(addressAllowed('10.0.0.0/8', 'not-an-ip')).toBe(false);
    expect(addressAllowed('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(addressAllowed('0.0.0.0/0', '11.0.0.1')).toBe(true);
    expect(addressAllowed('0.0.0.0/0', '2001:db8::1')).toBe(false);
  });
});
