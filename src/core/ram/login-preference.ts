/**
 * What sign-in code enforces of the account's security preference (SetSecurityPreference): how long
 * a RAM user's console session may last, from which networks a RAM user may sign in, and whether a
 * user may change its own password. One read; the values are the effective ones (IMS defaults filled in).
 */
import { ApiError } from '../errors.js';
import { addressAllowed, type SecurityPreferenceRecord } from './security-preference.js';

export interface LoginPreference {
  /** LoginSessionDuration in seconds: the longest console session of a RAM user (password or user SSO). */
  readonly sessionSeconds: number;
  /** LoginNetworkMasks as stored ('' = anywhere). */
  readonly networkMasks: string;
  readonly allowUserToChangePassword: boolean;
  readonly enableSaveMFATicket: boolean;
  readonly mfaOperationForLogin: SecurityPreferenceRecord['MFAOperationForLogin'];
  readonly operationForRiskLogin: SecurityPreferenceRecord['OperationForRiskLogin'];
  readonly verificationTypes: readonly string[];
  /** Whether a RAM user may sign in from this client address (LoginNetworkMasks). */
  allowsAddress(clientIp: string): boolean;
}

/** The part of the Directory this needs. */
export interface PreferenceSource {
  securityPreference(accountId: string): Promise<SecurityPreferenceRecord>;
}

export async function loginPreference(
  directory: PreferenceSource,
  accountId: string,
): Promise<LoginPreference> {
  const p = await directory.securityPreference(accountId);
  return Object.freeze({
    sessionSeconds: p.LoginSessionDuration * 3600,
    networkMasks: p.LoginNetworkMasks,
    allowUserToChangePassword: p.AllowUserToChangePassword,
    enableSaveMFATicket: p.EnableSaveMFATicket,
    mfaOperationForLogin: p.MFAOperationForLogin,
    operationForRiskLogin: p.OperationForRiskLogin,
    verificationTypes: Object.freeze([...p.VerificationTypes]),
    allowsAddress: (clientIp: string) => addressAllowed(p.LoginNetworkMasks, clientIp),
  });
}

/** AuthenticationFail.LoginNetworkMask unless the client address is inside the account's LoginNetworkMasks. */
export function assertLoginAddress(preference: LoginPreference, clientIp: string, accountId: string): void {
  if (preference.allowsAddress(clientIp)) return;
  throw new ApiError(
    'AuthenticationFail.LoginNetworkMask',
    `RAM users of account ${accountId} may sign in only from the networks of its security preference (LoginNetworkMasks); ${clientIp || 'this address'} is not one of them.`,
    { check: 'login-network-mask' },
  );
}
