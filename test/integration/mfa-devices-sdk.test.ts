/**
 * Virtual MFA devices through the official IMS SDK (@alicloud/ims20190815) against a running
 * gateway: every body parses in the SDK's typed models, binding takes two consecutive TOTP codes
 * computed by the test's own RFC 6238 code (test/support/totp.ts), and every refusal carries
 * Alibaba's code and HTTP status (wrong codes, one device per user, delete while bound).
 */
import {
  BindMFADeviceRequest,
  CreateUserRequest,
  CreateVirtualMFADeviceRequest,
  DeleteVirtualMFADeviceRequest,
  DisableVirtualMFARequest,
  GetUserMFAInfoRequest,
  ListVirtualMFADevicesRequest,
  UnbindMFADeviceRequest,
} from '@alicloud/ims20190815';
import { beforeAll, describe, expect, it } from 'vitest';
import { sdkError } from '../support/sdk-error.js';
import { DEMO_ACCOUNT as ACCOUNT, sdkGateway } from '../support/sdk-gateway.js';
import { codeAt } from '../support/totp.js';

const demo = sdkGateway();
let client: ReturnType<typeof demo.ims>;
let domain: string;

beforeAll(async () => {
  client = demo.ims();
  domain = (await client.getDefaultDomain()).body?.defaultDomainName ?? '';
});

const serial = (name: string) => `acs:ram::${ACCOUNT}:mfa/${name}`;

/** Two consecutive codes of the seed, the later one current. */
function consecutiveCodes(seed: string): { authenticationCode1: string; authenticationCode2: string } {
  const now = Date.now();
  return {
    authenticationCode1: codeAt(seed, new Date(now - 30_000)),
    authenticationCode2: codeAt(seed, new Date(now)),
  };
}

type Codes = { authenticationCode1: string; authenticationCode2: string };
const bind = (upn: string, device: string, codes: Codes) =>
  client.bindMFADevice(
    new BindMFADeviceRequest({ userPrincipalName: upn, serialNumber: serial(device), ...codes }),
  );

async function newUser(name: string): Promise<string> {
  const upn = `${name}@${domain}`;
  await client.createUser(new CreateUserRequest({ userPrincipalName: upn, displayName: name }));
  return upn;
}

async function newDevice(name: string) {
  const { body } = await client.createVirtualMFADevice(
    new CreateVirtualMFADeviceRequest({ virtualMFADeviceName: name }),
  );
  return body?.virtualMFADevice;
}

const failure = async (promise: Promise<unknown>) => {
  const e = await sdkError(promise);
  return [e.code, e.statusCode];
};

describe('IMS SDK: virtual MFA devices', () => {
  it('create → bind with two consecutive codes → info, list → unbind → delete: each body in the typed models', async () => {
    const upn = await newUser('mfa-alice');
    const device = await newDevice('alice-phone');
    expect(device?.serialNumber).toBe(serial('alice-phone'));
    expect(device?.base32StringSeed).toMatch(/^[A-Z2-7]{64}$/);
    const png = Buffer.from(device?.QRCodePNG ?? '', 'base64');
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const seed = device?.base32StringSeed ?? '';

    const bound = await bind(upn, 'alice-phone', consecutiveCodes(seed));
    expect(bound.body?.requestId).toBeTruthy();

    const info = await client.getUserMFAInfo(new GetUserMFAInfoRequest({ userPrincipalName: upn }));
    expect(info.body?.isMFAEnable).toBe(true);
    expect(info.body?.MFADevice).toMatchObject({ serialNumber: serial('alice-phone'), type: 'VMFA' });

    const listed = await client.listVirtualMFADevices(new ListVirtualMFADevicesRequest({}));
    const row = listed.body?.virtualMFADevices?.virtualMFADevice?.find(
      (d) => d.serialNumber === serial('alice-phone'),
    );
    expect(row?.activateDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(row?.user).toMatchObject({ userPrincipalName: upn, displayName: 'mfa-alice' });
    expect(row?.user?.userId).toMatch(/^\d+$/);
    expect(listed.body?.isTruncated).toBe(false);

    const unbound = await client.unbindMFADevice(new UnbindMFADeviceRequest({ userPrincipalName: upn }));
    expect(unbound.body?.MFADevice?.serialNumber).toBe(serial('alice-phone'));
    expect(
      await failure(client.getUserMFAInfo(new GetUserMFAInfoRequest({ userPrincipalName: upn }))),
    ).toEqual(['EntityNotExist.User.MFADevice', 404]);
    const after = await client.listVirtualMFADevices(new ListVirtualMFADevicesRequest({}));
    const free = after.body?.virtualMFADevices?.virtualMFADevice?.find(
      (d) => d.serialNumber === serial('alice-phone'),
    );
    expect(free?.user).toBeUndefined();

    const deleted = await client.deleteVirtualMFADevice(
      new DeleteVirtualMFADeviceRequest({ serialNumber: serial('alice-phone') }),
    );
    expect(deleted.body?.requestId).toBeTruthy();
    expect(
      await failure(
        client.deleteVirtualMFADevice(
          new DeleteVirtualMFADeviceRequest({ serialNumber: serial('alice-phone') }),
        ),
      ),
    ).toEqual(['EntityNotExist.VirtualMFADevice', 404]);
  });

  it('wrong, reused-out-of-order and malformed codes are refused; nothing is bound', async () => {
    const upn = await newUser('mfa-bob');
    const seed = (await newDevice('bob-phone'))?.base32StringSeed ?? '';
    const bindBob = (codes: Codes) => bind(upn, 'bob-phone', codes);
    const { authenticationCode1: earlier, authenticationCode2: current } = consecutiveCodes(seed);
    const wrong = current === '000000' ? '111111' : '000000';
    for (const codes of [
      { authenticationCode1: earlier, authenticationCode2: wrong },
      { authenticationCode1: current, authenticationCode2: earlier },
      { authenticationCode1: current, authenticationCode2: current },
      { authenticationCode1: 'abcdef', authenticationCode2: current },
    ])
      expect(await failure(bindBob(codes))).toEqual(['InvalidParameter.AuthenticationCode', 400]);
    expect(await failure(bindBob({ authenticationCode1: earlier, authenticationCode2: '' }))).toEqual([
      'MissingParameter',
      400,
    ]);
    expect(
      await failure(client.getUserMFAInfo(new GetUserMFAInfoRequest({ userPrincipalName: upn }))),
    ).toEqual(['EntityNotExist.User.MFADevice', 404]);
    expect(
      await failure(
        client.bindMFADevice(
          new BindMFADeviceRequest({
            userPrincipalName: upn,
            serialNumber: 'acs:ram::999:mfa/bob-phone',
            ...consecutiveCodes(seed),
          }),
        ),
      ),
    ).toEqual(['InvalidParameter.SerialNumber', 400]);
  });

  it('one device per user; a bound device cannot be deleted or bound to another; DisableVirtualMFA unbinds and deletes', async () => {
    const upn = await newUser('mfa-carol');
    const other = await newUser('mfa-dave');
    const seed = (await newDevice('carol-phone'))?.base32StringSeed ?? '';
    const spare = (await newDevice('carol-spare'))?.base32StringSeed ?? '';
    await bind(upn, 'carol-phone', consecutiveCodes(seed));
    expect(await failure(bind(upn, 'carol-spare', consecutiveCodes(spare)))).toEqual([
      'LimitExceeded.User.MFADevice',
      409,
    ]);
    expect(await failure(bind(other, 'carol-phone', consecutiveCodes(seed)))).toEqual([
      'EntityAlreadyExists.VirtualMFADevice.User',
      409,
    ]);
    expect(
      await failure(
        client.deleteVirtualMFADevice(
          new DeleteVirtualMFADeviceRequest({ serialNumber: serial('carol-phone') }),
        ),
      ),
    ).toEqual(['DeleteConflict.VirtualMFADevice.User', 409]);
    expect(
      await failure(
        client.createVirtualMFADevice(
          new CreateVirtualMFADeviceRequest({ virtualMFADeviceName: 'carol-phone' }),
        ),
      ),
    ).toEqual(['EntityAlreadyExists.VirtualMFADevice', 409]);
    expect(
      await failure(
        client.createVirtualMFADevice(
          new CreateVirtualMFADeviceRequest({ virtualMFADeviceName: 'bad name!' }),
        ),
      ),
    ).toEqual(['InvalidParameter.VirtualMFADeviceName', 400]);

    const disabled = await client.disableVirtualMFA(new DisableVirtualMFARequest({ userPrincipalName: upn }));
    expect(disabled.body?.requestId).toBeTruthy();
    const listed = await client.listVirtualMFADevices(new ListVirtualMFADevicesRequest({}));
    const serials = listed.body?.virtualMFADevices?.virtualMFADevice?.map((d) => d.serialNumber) ?? [];
    expect(serials).not.toContain(serial('carol-phone'));
    expect(serials).toContain(serial('carol-spare'));
    expect(
      await failure(client.disableVirtualMFA(new DisableVirtualMFARequest({ userPrincipalName: upn }))),
    ).toEqual(['EntityNotExist.User.MFADevice', 404]);
    expect(
      await failure(client.unbindMFADevice(new UnbindMFADeviceRequest({ userPrincipalName: upn }))),
    ).toEqual(['EntityNotExist.User.MFADevice', 404]);
    // Now free, the user can bind the spare device.
    await bind(upn, 'carol-spare', consecutiveCodes(spare));
    expect(
      (await client.getUserMFAInfo(new GetUserMFAInfoRequest({ userPrincipalName: upn }))).body?.MFADevice
        ?.serialNumber,
    ).toBe(serial('carol-spare'));
  });

  it('ListVirtualMFADevices pages with MaxItems and Marker', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await newDevice(n);
    const first = await client.listVirtualMFADevices(new ListVirtualMFADevicesRequest({ maxItems: 1 }));
    expect(first.body?.isTruncated).toBe(true);
    expect(first.body?.virtualMFADevices?.virtualMFADevice).toHaveLength(1);
    const next = await client.listVirtualMFADevices(
      new ListVirtualMFADevicesRequest({ maxItems: 1, marker: first.body?.marker ?? '' }),
    );
    expect(next.body?.virtualMFADevices?.virtualMFADevice?.[0]?.serialNumber).not.toBe(
      first.body?.virtualMFADevices?.virtualMFADevice?.[0]?.serialNumber,
    );
  });

  it('GetAccountMFAInfo: the account principal signs in with AccessKeys only, so it never has MFA', async () => {
    const { body } = await client.getAccountMFAInfo();
    expect(body?.isMFAEnable).toBe(false);
    expect(body?.requestId).toBeTruthy();
  });
});
