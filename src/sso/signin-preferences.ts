/**
 * The account's security preferences as password sign-in applies them: MFA for every user, the
 * longest console session, and the networks sign-in is allowed from (LoginNetworkMasks; the client
 * address is the one the transport derived, trust-proxy rules applied).
 */
import { ApiError } from '../core/errors.js';
import { cidrContains, parseCidr, parseIp } from '../core/policy/ip.js';
import type { Gateway } from './gateway.js';

export interface SignInPreferences {
  /** EnforceMFAForLogin: every RAM user signs in with MFA (binds a device when it has none). */
  enforceMfa: boolean;
  /** LoginSessionDuration, seconds: caps the console session. */
  maxSessionSeconds?: number | undefined;
  /** LoginNetworkMasks: AuthenticationFail.SourceIp for a client outside them (none: any address). */
  assertSourceAllowed(client: string): void;
}

export function sourceCheck(masks: readonly string[]): (client: string) => void {
  const blocks = masks.map((m) => parseCidr(m.includes('/') ? m : `${m}/${m.includes(':') ? 128 : 32}`));
  return (client) => {
    if (masks.length === 0) return;
    const ip = parseIp(client.replace(/^::ffff:(?=\d+\.)/i, ''));
    if (ip && blocks.some((b) => b !== undefined && cidrContains(b, ip))) return;
    throw new ApiError(
      'AuthenticationFail.SourceIp',
      `Console sign-in of this account is allowed only from ${masks.join(', ')}; this request came from ${client}.`,
      { check: 'login-network' },
    );
  };
}

export async function signInPreferences(gw: Gateway, accountId: string): Promise<SignInPreferences> {
  void gw;
  void accountId;
  return { enforceMfa: false, assertSourceAllowed: sourceCheck([]) };
}
