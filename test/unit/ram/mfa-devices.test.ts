import { afterAll, describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, consecutiveSteps, matchingStep } from '../../../src/core/ram/totp.js';
import { codeAt, fromBase32, totp } from '../../support/totp.js';
import { ACCOUNT, closeStores, codeOf, newDirectory } from './helpers.js';

afterAll(closeStores);

describe('TOTP', () => {
  it('the test’s own TOTP gives RFC 6238’s SHA1 test vectors (8 digits)', () => {
    const key = Buffer.from('12345678901234567890', 'ascii');
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [t, code] of vectors) expect(totp(key, t, 8)).toBe(code);
  });

  it('the gateway accepts a code of the current step and ±1 step, no further; binding needs two consecutive codes', () => {
    const seed = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
    expect(seed).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(seed).toString('ascii')).toBe('12345678901234567890');
    expect(fromBase32(seed).toString('ascii')).toBe('12345678901234567890');
    const now = new Date(1234567890_000);
    const at = (offset: number) => codeAt(seed, new Date(now.getTime() + offset * 1000));
    expect(at(0)).toBe('005924');
    for (const offset of [-30, 0, 30]) expect(matchingStep(seed, at(offset), now)).toBeDefined();
    for (const offset of [-60, 60, 90]) expect(matchingStep(seed, at(offset), now)).toBeUndefined();
    expect(matchingStep(seed, 'abcdef', now)).toBeUndefined();
    expect(consecutiveSteps(seed, at(-30), at(0), now)).toBe(Math.floor(1234567890 / 30));
    expect(consecutiveSteps(seed, at(0), at(30), now)).toBeDefined();
    expect(consecutiveSteps(seed, at(0), at(0), now)).toBeUndefined();
    expect(consecutiveSteps(seed, at(30), at(0), now)).toBeUndefined();
  });
});

describe('virtual MFA devices', () => {
  const clock = { now: new Date('2026-12-07T12:00:00Z') };
  const serial = (name: string) => `acs:ram::${ACCOUNT}:mfa/${name}`;
  const codes = (seed: string) => ({
    AuthenticationCode1: codeAt(seed, new Date(clock.now.getTime() - 30_000)),
    AuthenticationCode2: codeAt(seed, clock.now),
  });

  it('create, bind with two codes computed by the test, info, list, unbind, delete, disable', async () => {
    const d = await newDirectory('memory', () => clock.now);
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    await d.CreateUser(ACCOUNT, { UserName: 'bob' });
    const { VirtualMFADevice: dev } = await d.CreateVirtualMFADevice(ACCOUNT, {
      VirtualMFADeviceName: 'alice-phone',
    });
    expect(dev.SerialNumber).toBe(serial('alice-phone'));
    expect(dev.Base32StringSeed).toMatch(/^[A-Z2-7]{64}$/);
    expect(Buffer.from(dev.QRCodePNG, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(await codeOf(d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: 'ALICE-phone' }))).toBe(
      'EntityAlreadyExists.VirtualMFADevice',
    );
    expect(await codeOf(d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: 'bad_name' }))).toBe(
      'InvalidParameter.VirtualMFADeviceName',
    );
    expect(await codeOf(d.GetUserMFAInfo(ACCOUNT, { UserName: 'alice' }))).toBe(
      'EntityNotExist.User.MFADevice',
    );
    const wrong = { AuthenticationCode1: '000000', AuthenticationCode2: '000001' };
    expect(
      await codeOf(d.BindMFADevice(ACCOUNT, { UserName: 'alice', SerialNumber: dev.SerialNumber, ...wrong })),
    ).toBe('InvalidParameter.AuthenticationCode');
    expect(
      await codeOf(
        d.BindMFADevice(ACCOUNT, {
          UserName: 'alice',
          SerialNumber: 'acs:ram::999:mfa/alice-phone',
          ...codes(dev.Base32StringSeed),
        }),
      ),
    ).toBe('InvalidParameter.SerialNumber');
    await d.BindMFADevice(ACCOUNT, {
      UserName: 'alice',
      SerialNumber: dev.SerialNumber,
      ...codes(dev.Base32StringSeed),
    });
    expect(await d.GetUserMFAInfo(ACCOUNT, { UserName: 'alice' })).toEqual({
      IsMFAEnable: true,
      MFADevice: { SerialNumber: dev.SerialNumber, Type: 'VMFA' },
    });
    // One device per user; a bound device is nobody else's and cannot be deleted.
    const { VirtualMFADevice: second } = await d.CreateVirtualMFADevice(ACCOUNT, {
      VirtualMFADeviceName: 'spare',
    });
    expect(
      await codeOf(
        d.BindMFADevice(ACCOUNT, {
          UserName: 'alice',
          SerialNumber: second.SerialNumber,
          ...codes(second.Base32StringSeed),
        }),
      ),
    ).toBe('LimitExceeded.User.MFADevice');
    expect(
      await codeOf(
        d.BindMFADevice(ACCOUNT, {
          UserName: 'bob',
          SerialNumber: dev.SerialNumber,
          ...codes(dev.Base32StringSeed),
        }),
      ),
    ).toBe('EntityAlreadyExists.VirtualMFADevice.User');
    expect(await codeOf(d.DeleteVirtualMFADevice(ACCOUNT, { SerialNumber: dev.SerialNumber }))).toBe(
      'DeleteConflict.VirtualMFADevice.User',
    );
    const listed = await d.ListVirtualMFADevices(ACCOUNT, {});
    expect(listed.VirtualMFADevices.VirtualMFADevice).toEqual([
      {
        SerialNumber: dev.SerialNumber,
        ActivateDate: '2026-12-07T12:00:00Z',
        User: expect.objectContaining({ UserName: 'alice', UserPrincipalName: 'alice@demo.onaliyun.com' }),
      },
      { SerialNumber: second.SerialNumber },
    ]);
    expect(JSON.stringify(listed)).not.toContain(dev.Base32StringSeed);
    expect(await d.UnbindMFADevice(ACCOUNT, { UserName: 'alice' })).toEqual({
      MFADevice: { SerialNumber: dev.SerialNumber },
    });
    expect(await codeOf(d.UnbindMFADevice(ACCOUNT, { UserName: 'alice' }))).toBe(
      'EntityNotExist.User.MFADevice',
    );
    expect(await d.DeleteVirtualMFADevice(ACCOUNT, { SerialNumber: dev.SerialNumber })).toEqual({});
    expect(await codeOf(d.DeleteVirtualMFADevice(ACCOUNT, { SerialNumber: dev.SerialNumber }))).toBe(
      'EntityNotExist.VirtualMFADevice',
    );
    // DisableVirtualMFA unbinds and deletes the device.
    await d.BindMFADevice(ACCOUNT, {
      UserName: 'bob',
      SerialNumber: second.SerialNumber,
      ...codes(second.Base32StringSeed),
    });
    expect(await d.DisableVirtualMFA(ACCOUNT, { UserName: 'bob' })).toEqual({});
    expect((await d.ListVirtualMFADevices(ACCOUNT, {})).VirtualMFADevices.VirtualMFADevice).toEqual([]);
    expect(await d.GetAccountMFAInfo(ACCOUNT)).toEqual({ IsMFAEnable: false });
  });

  it('a binding follows a rename and never outlives its user; 1,000 devices per account', async () => {
    const d = await newDirectory('memory', () => clock.now);
    await d.CreateUser(ACCOUNT, { UserName: 'carol' });
    const { VirtualMFADevice: dev } = await d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: 'c' });
    await d.BindMFADevice(ACCOUNT, {
      UserName: 'carol',
      SerialNumber: dev.SerialNumber,
      ...codes(dev.Base32StringSeed),
    });
    await d.UpdateUser(ACCOUNT, { UserName: 'carol', NewUserName: 'caroline' });
    expect((await d.GetUserMFAInfo(ACCOUNT, { UserName: 'caroline' })).MFADevice.SerialNumber).toBe(
      dev.SerialNumber,
    );
    const listed = await d.ListVirtualMFADevices(ACCOUNT, {});
    expect(listed.VirtualMFADevices.VirtualMFADevice[0]?.User?.UserName).toBe('caroline');
    await d.DeleteUser(ACCOUNT, { UserName: 'caroline' });
    await d.CreateUser(ACCOUNT, { UserName: 'caroline' });
    expect(await codeOf(d.GetUserMFAInfo(ACCOUNT, { UserName: 'caroline' }))).toBe(
      'EntityNotExist.User.MFADevice',
    );
    // The device is free again: its user is gone.
    expect(await d.DeleteVirtualMFADevice(ACCOUNT, { SerialNumber: dev.SerialNumber })).toEqual({});
    for (let i = 0; i < 1000; i++) await d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: `d${i}` });
    expect(await codeOf(d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: 'one-more' }))).toBe(
      'LimitExceeded.VirtualMFADevice',
    );
  });
});
