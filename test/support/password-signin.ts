/**
 * Helpers of the password sign-in tests: an account of their own on a demo gateway, RAM users with
 * login profiles (through the directory, as the IMS API would), and the logon form driven by fetch.
 */
import type { RunningGateway } from '../../src/cli/start.js';
import { inputValue, WebSession, type WebPage } from './gateway-client.js';
import { codeAt } from './totp.js';

export const PW_ACCOUNT = '2000000000000017';
export const PW_ALIAS = 'pwtest';
export const PW_DOMAIN = `${PW_ALIAS}.onaliyun.com`;

export async function createPasswordAccount(gateway: RunningGateway): Promise<void> {
  await gateway.gw.directory.CreateAccount({ AccountId: PW_ACCOUNT, AccountAlias: PW_ALIAS });
}

export interface ProfileOptions {
  PasswordResetRequired?: boolean;
  MFABindRequired?: boolean;
  Status?: 'Active' | 'Inactive';
}

/** A RAM user with a login profile. */
export async function userWithPassword(
  gateway: RunningGateway,
  userName: string,
  password: string,
  profile: ProfileOptions = {},
  accountId = PW_ACCOUNT,
): Promise<void> {
  const d = gateway.gw.directory;
  await d.CreateUser(accountId, { UserName: userName, DisplayName: userName });
  await d.CreateLoginProfile(accountId, { UserName: userName, Password: password, ...profile });
}

/**
 * A virtual MFA device bound to the user through the API, with the codes of the two steps before
 * the current one (so the current step's code is still unused); returns the seed.
 */
export async function boundDevice(gateway: RunningGateway, userName: string, accountId = PW_ACCOUNT) {
  const d = gateway.gw.directory;
  const { VirtualMFADevice } = await d.CreateVirtualMFADevice(accountId, {
    VirtualMFADeviceName: `${userName}-dev`,
  });
  const seed = VirtualMFADevice.Base32StringSeed;
  const now = gateway.gw.now();
  await d.BindMFADevice(accountId, {
    UserName: userName,
    SerialNumber: VirtualMFADevice.SerialNumber,
    AuthenticationCode1: codeAt(seed, new Date(now - 60_000)),
    AuthenticationCode2: codeAt(seed, new Date(now - 30_000)),
  });
  return seed;
}

/** GET the logon form and POST it (csrf from the form and its cookie). */
export async function submitLogon(
  gateway: RunningGateway,
  web: WebSession,
  fields: { logonName: string; password: string; account?: string },
): Promise<WebPage> {
  const form = await web.request(
    `${gateway.url}/signin/user${fields.account ? `?account=${fields.account}` : ''}`,
  );
  return web.request(`${gateway.url}/signin/user`, {
    csrf: inputValue(form.html, 'csrf') ?? '',
    'logon-name': fields.logonName,
    password: fields.password,
    ...(fields.account ? { account: fields.account } : {}),
  });
}

/** POST the step form of a page (its pending id, csrf and step) with `fields`. */
export function submitStep(
  gateway: RunningGateway,
  web: WebSession,
  page: WebPage,
  fields: Record<string, string>,
) {
  return web.request(`${gateway.url}/signin/user/step`, {
    csrf: inputValue(page.html, 'csrf') ?? '',
    pending: inputValue(page.html, 'pending') ?? '',
    step: inputValue(page.html, 'step') ?? '',
    ...fields,
  });
}

/** A page with its per-response parts (request id, nonce, csrf token) blanked, to compare two answers. */
export function normalized(html: string): string {
  return html
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/<code>[0-9A-F-]{36}<\/code>/gi, '<code>request-id</code>')
    .replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value=""');
}
