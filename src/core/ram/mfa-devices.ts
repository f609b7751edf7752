/**
 * Virtual MFA devices (IMS CreateVirtualMFADevice, BindMFADevice, UnbindMFADevice,
 * ListVirtualMFADevices, DeleteVirtualMFADevice, GetUserMFAInfo, GetAccountMFAInfo,
 * DisableVirtualMFA). A device is a TOTP seed (totp.ts) named `acs:ram::<account>:mfa/<name>`;
 * the binding lives in the user's `mfaOfUser` record (one per user, the seed's limit) and is
 * mirrored on the device; a binding counts only when both agree and the user is the same one.
 */
import QRCode from 'qrcode';
import { ApiError } from '../errors.js';
import { defaultDomain, requireAccount } from './accounts.js';
import { formatDate } from './ids.js';
import { listResponse, paginate, requiredString, type Params } from './params.js';
import { clip, nameKey } from './rules.js';
import { C, commit, create, json, put, read, readAll, remove, type DirectoryContext } from './storage.js';
import { consecutiveSteps, newTotpSeed } from './totp.js';
import { requireUser, userFromParams, type UserRecord } from './users.js';

export const MFA_LIMITS = { devicesPerAccount: 1000, devicesPerUser: 1 } as const;

export type MfaDeviceRecord = {
  Name: string;
  Seed: string;
  CreateDate: string;
  /** The user it is bound to (by id: a later user of the same name is not it). */
  BoundTo?: { UserId: string; UserKey: string; ActivateDate: string };
};

export type MfaOfUserRecord = {
  UserId: string;
  DeviceKey: string;
  ActivateDate: string;
  /** The last TOTP step accepted (a code is never accepted twice). */
  LastStep: number;
};

const DEVICE_NAME = /^[A-Za-z0-9-]{1,64}$/;

export const serialOf = (accountId: string, name: string) => `acs:ram::${accountId}:mfa/${name}`;

const deviceMissing = (what: string) =>
  new ApiError('EntityNotExist.VirtualMFADevice', `The virtual MFA device ${clip(what)} does not exist.`);
const userHasNone = (name: string) =>
  new ApiError('EntityNotExist.User.MFADevice', `The user ${name} has no MFA device bound.`);

/** The device name of a SerialNumber of this account (InvalidParameter.SerialNumber otherwise). */
export function deviceNameOfSerial(accountId: string, serial: string): string {
  const prefix = `acs:ram::${accountId}:mfa/`;
  const name = serial.startsWith(prefix) ? serial.slice(prefix.length) : '';
  if (!DEVICE_NAME.test(name))
    throw new ApiError(
      'InvalidParameter.SerialNumber',
      `SerialNumber "${clip(serial)}" must be ${prefix}<device name>.`,
    );
  return name;
}

async function requireDevice(ctx: DirectoryContext, accountId: string, name: string) {
  const device = await read<MfaDeviceRecord>(ctx, accountId, C.mfaDevice, nameKey(name));
  if (!device) throw deviceMissing(serialOf(accountId, name));
  return device;
}

/** The user's binding when the device agrees (else undefined). */
export async function bindingOf(ctx: DirectoryContext, accountId: string, user: UserRecord) {
  const key = nameKey(user.UserName);
  const binding = await read<MfaOfUserRecord>(ctx, accountId, C.mfaOfUser, key);
  if (!binding || binding.UserId !== user.UserId) return undefined;
  const device = await read<MfaDeviceRecord>(ctx, accountId, C.mfaDevice, binding.DeviceKey);
  if (device?.BoundTo?.UserId !== user.UserId) return undefined;
  return { binding, device };
}

/** Whether a device's mirror of a binding still holds (its user exists and says so too). */
async function boundUser(ctx: DirectoryContext, accountId: string, device: MfaDeviceRecord) {
  if (!device.BoundTo) return undefined;
  const user = await read<UserRecord>(ctx, accountId, C.user, device.BoundTo.UserKey);
  if (!user || user.UserId !== device.BoundTo.UserId) return undefined;
  const found = await bindingOf(ctx, accountId, user);
  return found && found.binding.DeviceKey === nameKey(device.Name) ? user : undefined;
}

export async function createVirtualMfaDevice(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const name = requiredString(params, 'VirtualMFADeviceName');
  if (!DEVICE_NAME.test(name))
    throw new ApiError(
      'InvalidParameter.VirtualMFADeviceName',
      `VirtualMFADeviceName "${clip(name)}" must be 1 to 64 letters, digits and hyphens.`,
    );
  const record: MfaDeviceRecord = { Name: name, Seed: newTotpSeed(), CreateDate: formatDate(ctx.now()) };
  const png = await otpauthQrPng(defaultDomain(account), name, record.Seed);
  await commit(ctx.store, [createDevice(accountId, record)]);
  return {
    VirtualMFADevice: {
      SerialNumber: serialOf(accountId, name),
      Base32StringSeed: record.Seed,
      QRCodePNG: png,
    },
  };
}

/** The otpauth:// URL of a device as a QR code: a PNG, base64 (what authenticator apps scan). */
export async function otpauthQrPng(issuer: string, deviceName: string, seed: string): Promise<string> {
  const label = encodeURIComponent(`${issuer}:${deviceName}`);
  const url = `otpauth://totp/${label}?secret=${seed}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
  const png = await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M' });
  return png.toString('base64');
}

function createDevice(accountId: string, record: MfaDeviceRecord) {
  return create(
    accountId,
    C.mfaDevice,
    nameKey(record.Name),
    json(record),
    {
      exists: () =>
        new ApiError(
          'EntityAlreadyExists.VirtualMFADevice',
          `The virtual MFA device ${record.Name} already exists.`,
        ),
      limit: () =>
        new ApiError(
          'LimitExceeded.VirtualMFADevice',
          `An account can have at most ${MFA_LIMITS.devicesPerAccount} virtual MFA devices.`,
        ),
    },
    MFA_LIMITS.devicesPerAccount,
  );
}

/** A device name for a user binding at sign-in: the user name in the allowed characters. */
export function signInDeviceName(userName: string): string {
  return userName.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 64);
}

/**
 * Binding at sign-in (MFABindRequired, or MFA enforced for all users): the seed the sign-in page
 * showed becomes a device named for the user (the device is created only now, so an abandoned
 * sign-in leaves nothing behind), bound after two consecutive codes, in one batch. Returns the step
 * of the second code (a later sign-in never accepts it again).
 */
export async function bindNewDeviceAtSignIn(
  ctx: DirectoryContext,
  accountId: string,
  signIn: { userName: string; userId: string; seed: string; code1: string; code2: string },
): Promise<number> {
  const user = await requireUser(ctx, accountId, signIn.userName);
  if (user.UserId !== signIn.userId)
    throw new ApiError('AuthenticationFail.Session', 'The sign-in is no longer valid: sign in again.');
  if (await bindingOf(ctx, accountId, user))
    throw new ApiError(
      'LimitExceeded.User.MFADevice',
      `The user ${user.UserName} already has an MFA device: a user can have ${MFA_LIMITS.devicesPerUser}.`,
    );
  const step = consecutiveSteps(signIn.seed, signIn.code1, signIn.code2, ctx.now());
  if (step === undefined)
    throw new ApiError(
      'InvalidParameter.AuthenticationCode',
      'The two codes are not two consecutive codes of the authenticator app.',
    );
  const preferred = signInDeviceName(user.UserName);
  const taken = await read<MfaDeviceRecord>(ctx, accountId, C.mfaDevice, nameKey(preferred));
  const name = taken ? `${preferred.slice(0, 47)}-${user.UserId}`.slice(0, 64) : preferred;
  const userKey = nameKey(user.UserName);
  const now = formatDate(ctx.now());
  const device: MfaDeviceRecord = {
    Name: name,
    Seed: signIn.seed,
    CreateDate: now,
    BoundTo: { UserId: user.UserId, UserKey: userKey, ActivateDate: now },
  };
  const binding: MfaOfUserRecord = {
    UserId: user.UserId,
    DeviceKey: nameKey(name),
    ActivateDate: now,
    LastStep: step,
  };
  await commit(ctx.store, [
    createDevice(accountId, device),
    put(accountId, C.mfaOfUser, userKey, json(binding)),
  ]);
  return step;
}

export async function bindMfaDevice(ctx: DirectoryContext, accountId: string, params: Params) {
  const user = await userFromParams(ctx, accountId, params);
  const name = deviceNameOfSerial(accountId, requiredString(params, 'SerialNumber'));
  const [code1, code2] = [
    requiredString(params, 'AuthenticationCode1'),
    requiredString(params, 'AuthenticationCode2'),
  ];
  const device = await requireDevice(ctx, accountId, name);
  if (await bindingOf(ctx, accountId, user))
    throw new ApiError(
      'LimitExceeded.User.MFADevice',
      `The user ${user.UserName} already has an MFA device: a user can have ${MFA_LIMITS.devicesPerUser}.`,
    );
  if (await boundUser(ctx, accountId, device))
    throw new ApiError(
      'EntityAlreadyExists.VirtualMFADevice.User',
      `The device ${name} is bound to another user.`,
    );
  const step = consecutiveSteps(device.Seed, code1, code2, ctx.now());
  if (step === undefined)
    throw new ApiError(
      'InvalidParameter.AuthenticationCode',
      'AuthenticationCode1 and AuthenticationCode2 are not two consecutive codes of the device.',
    );
  const userKey = nameKey(user.UserName);
  const now = formatDate(ctx.now());
  const binding: MfaOfUserRecord = {
    UserId: user.UserId,
    DeviceKey: nameKey(name),
    ActivateDate: now,
    LastStep: step,
  };
  const bound: MfaDeviceRecord = {
    ...device,
    BoundTo: { UserId: user.UserId, UserKey: userKey, ActivateDate: now },
  };
  await commit(ctx.store, [
    put(accountId, C.mfaOfUser, userKey, json(binding)),
    put(accountId, C.mfaDevice, nameKey(name), json(bound)),
  ]);
  return {};
}

async function unbind(ctx: DirectoryContext, accountId: string, user: UserRecord) {
  const found = await bindingOf(ctx, accountId, user);
  if (!found) throw userHasNone(user.UserName);
  const { BoundTo: _dropped, ...unbound } = found.device;
  void _dropped;
  await commit(ctx.store, [
    remove(accountId, C.mfaOfUser, nameKey(user.UserName)),
    put(accountId, C.mfaDevice, found.binding.DeviceKey, json(unbound)),
  ]);
  return found.device;
}

export async function unbindMfaDevice(ctx: DirectoryContext, accountId: string, params: Params) {
  const device = await unbind(ctx, accountId, await userFromParams(ctx, accountId, params));
  return { MFADevice: { SerialNumber: serialOf(accountId, device.Name) } };
}

/** DisableVirtualMFA: unbind the user's device and delete it. */
export async function disableVirtualMfa(ctx: DirectoryContext, accountId: string, params: Params) {
  const device = await unbind(ctx, accountId, await userFromParams(ctx, accountId, params));
  await commit(ctx.store, [remove(accountId, C.mfaDevice, nameKey(device.Name))]);
  return {};
}

export async function deleteVirtualMfaDevice(ctx: DirectoryContext, accountId: string, params: Params) {
  const name = deviceNameOfSerial(accountId, requiredString(params, 'SerialNumber'));
  const device = await requireDevice(ctx, accountId, name);
  const user = await boundUser(ctx, accountId, device);
  if (user)
    throw new ApiError(
      'DeleteConflict.VirtualMFADevice.User',
      `The device ${name} is bound to the user ${user.UserName}: unbind it first.`,
    );
  await commit(ctx.store, [remove(accountId, C.mfaDevice, nameKey(name), () => deviceMissing(name))]);
  return {};
}

export async function listVirtualMfaDevices(ctx: DirectoryContext, accountId: string, params: Params) {
  const account = await requireAccount(ctx, accountId);
  const page = paginate(await readAll<MfaDeviceRecord>(ctx, accountId, C.mfaDevice), params);
  const items = await Promise.all(
    page.items.map(async (device) => {
      const user = await boundUser(ctx, accountId, device);
      return {
        SerialNumber: serialOf(accountId, device.Name),
        ...(user && device.BoundTo
          ? {
              ActivateDate: device.BoundTo.ActivateDate,
              User: {
                UserName: user.UserName,
                UserPrincipalName: `${user.UserName}@${defaultDomain(account)}`,
                DisplayName: user.DisplayName,
                UserId: user.UserId,
              },
            }
          : {}),
      };
    }),
  );
  return listResponse('VirtualMFADevices', 'VirtualMFADevice', items, page);
}

export async function getUserMfaInfo(ctx: DirectoryContext, accountId: string, params: Params) {
  const user = await userFromParams(ctx, accountId, params);
  const found = await bindingOf(ctx, accountId, user);
  if (!found) throw userHasNone(user.UserName);
  return {
    IsMFAEnable: true,
    MFADevice: { SerialNumber: serialOf(accountId, found.device.Name), Type: 'VMFA' },
  };
}

/**
 * IMS: whether the Alibaba Cloud account (root) has MFA. In ramgate the account principal has no
 * sign-in at all, only AccessKeys, which never carry MFA (acs:MFAPresent is false for them), so
 * the true answer is always false; RAM users' MFA is GetUserMFAInfo's.
 */
export async function getAccountMfaInfo(ctx: DirectoryContext, accountId: string) {
  await requireAccount(ctx, accountId);
  return { IsMFAEnable: false };
}

/** For sign-in: whether the user has a bound device. */
export async function hasMfaDevice(ctx: DirectoryContext, accountId: string, userName: string) {
  return (await bindingOf(ctx, accountId, await requireUser(ctx, accountId, userName))) !== undefined;
}
