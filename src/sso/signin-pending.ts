/**
 * A password sign-in between its steps (MFA code, forced password change, MFA binding): kept in
 * the ephemeral store under a budgeted prefix (purpose `signInStep`) for five minutes, taken once
 * per submitted step (a second POST of the same form finds nothing) and put back for the next one.
 * It never holds a password: only who signed in, when their password was last changed, and, for a
 * binding, the seed the page shows.
 */
import type { EphemeralStore } from '../core/store/types.js';

export type SignInStep = 'mfa' | 'change-password' | 'bind-mfa';

export interface PendingSignIn {
  id: string;
  /** Double-submit token: the form field and the cookie must both be this. */
  csrf: string;
  accountId: string;
  userName: string;
  userId: string;
  /** The stamp of the password that was checked (passwordStamp: a change meanwhile ends the sign-in). */
  passwordStamp: string;
  /** Steps still to do, the first one next. */
  steps: SignInStep[];
  /** Why the password must be changed. */
  changeReason?: 'reset' | 'expired' | undefined;
  /** The binding step: the new device's seed and the issuer the authenticator app shows. */
  seed?: string | undefined;
  issuer?: string | undefined;
  /** A code was checked (a bound device or the new binding): the session carries MFA. */
  mfaPassed: boolean;
  /** Wrong answers on this sign-in (after MAX_STEP_FAILURES it ends). */
  failures: number;
  /** Epoch ms: the sign-in ends then, however often it is put back. */
  expiresAt: number;
}

const PREFIX = 'signin:step:';
export const PENDING_SIGN_IN_TTL_MS = 5 * 60 * 1000;
export const MAX_STEP_FAILURES = 5;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function savePendingSignIn(
  store: EphemeralStore,
  pending: PendingSignIn,
  now: number,
  client: string,
): Promise<void> {
  await store.set(PREFIX + pending.id, JSON.stringify(pending), Math.max(1, pending.expiresAt - now), client);
}

export async function takePendingSignIn(
  store: EphemeralStore,
  id: string,
  now: number,
): Promise<PendingSignIn | undefined> {
  if (!ID.test(id)) return undefined;
  const raw = await store.take(PREFIX + id);
  const pending = raw === undefined ? undefined : (JSON.parse(raw) as PendingSignIn);
  return pending && pending.expiresAt > now ? pending : undefined;
}
