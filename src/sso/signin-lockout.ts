/**
 * MaxLoginAttemps: wrong passwords (and wrong MFA codes) of a RAM user are counted per user for an
 * hour from the first one; the MaxLoginAttemps-th locks the user for one hour (as Alibaba: "the RAM
 * user will be locked for one hour"); a successful sign-in clears the count. The counter and the
 * lock are security state in the ephemeral store (no budgeted prefix: never evicted, never crowded
 * out, kept across restarts by the memory store's journal). They exist only for users that have a
 * login profile, so an unauthenticated client cannot make more of them than there are such users.
 *
 * MFA codes: a code is accepted once per user and step (a replay record lives as long as the code
 * could be accepted: ±1 step around its own).
 */
import type { EphemeralStore } from '../core/store/types.js';
import { TOTP_STEP_SECONDS } from '../core/ram/totp.js';

export const LOCKOUT_MS = 3600 * 1000;
const failuresKey = (accountId: string, userId: string) => `signin:failures:${accountId}:${userId}`;
const lockKey = (accountId: string, userId: string) => `signin:locked:${accountId}:${userId}`;
const codeKey = (accountId: string, userId: string, step: number) =>
  `mfa:used:${accountId}:${userId}:${step}`;

export interface UserRef {
  accountId: string;
  userId: string;
}

/** The time the lock ends (epoch ms), or undefined when the user is not locked. */
export async function lockedUntil(store: EphemeralStore, user: UserRef): Promise<number | undefined> {
  const raw = await store.get(lockKey(user.accountId, user.userId));
  return raw === undefined ? undefined : Number(raw);
}

/**
 * Count one failure; returns the end of the lock when this failure locked the user (maxAttempts
 * of 0 counts nothing: no lockout, as IMS's default).
 */
export async function recordFailure(
  store: EphemeralStore,
  user: UserRef,
  maxAttempts: number,
  now: number,
): Promise<number | undefined> {
  if (maxAttempts <= 0) return undefined;
  const count = await store.increment(failuresKey(user.accountId, user.userId), LOCKOUT_MS);
  if (count < maxAttempts) return undefined;
  const until = now + LOCKOUT_MS;
  await store.set(lockKey(user.accountId, user.userId), String(until), LOCKOUT_MS);
  await store.delete(failuresKey(user.accountId, user.userId));
  return until;
}

export async function clearFailures(store: EphemeralStore, user: UserRef): Promise<void> {
  await store.delete(failuresKey(user.accountId, user.userId));
}

/** Claim a TOTP step for the user: false when a code of that step was already accepted. */
export async function claimCodeStep(store: EphemeralStore, user: UserRef, step: number): Promise<boolean> {
  return store.putIfAbsent(codeKey(user.accountId, user.userId, step), '1', 4 * TOTP_STEP_SECONDS * 1000);
}
