/**
 * The account's security preference as password sign-in applies it (loginPreference of the core):
 * MFA for every user (MFAOperationForLogin "mandatory"), the longest console session
 * (LoginSessionDuration, under the operator's cap) and the networks sign-in is allowed from
 * (LoginNetworkMasks; the client address is the one the transport derived, trust-proxy rules applied).
 * AllowUserToChangePassword does not apply: a forced change at sign-in is always allowed (as Alibaba).
 */
import { assertLoginAddress, loginPreference } from '../core/ram/index.js';
import type { Gateway } from './gateway.js';

export interface SignInPreferences {
  /** Every RAM user signs in with MFA (binds a device when it has none). */
  enforceMfa: boolean;
  /** The console session's length, seconds. */
  sessionSeconds: number;
  /** AuthenticationFail.LoginNetworkMask for a client outside LoginNetworkMasks. */
  assertSourceAllowed(client: string): void;
}

export async function signInPreferences(gw: Gateway, accountId: string): Promise<SignInPreferences> {
  const preference = await loginPreference(gw.directory, accountId);
  return {
    enforceMfa: preference.mfaOperationForLogin === 'mandatory',
    sessionSeconds: Math.min(gw.userSessionSeconds ?? Infinity, preference.sessionSeconds),
    assertSourceAllowed: (client) => assertLoginAddress(preference, client, accountId),
  };
}
