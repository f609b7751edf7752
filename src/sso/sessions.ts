/**
 * Browser console sessions and pending role choices, kept in the ephemeral store so that any
 * gateway instance can serve them. A session lives until its credentials expire; a pending choice
 * (several roles offered) for five minutes and is used once.
 */
import { randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../core/store/types.js';
import type { TemporaryCredentials } from '../core/sts/credentials.js';
import type { SamlLogin } from '../core/sts/operations.js';
import type { OfferedRole } from './role-attributes.js';

export interface ConsoleSession {
  id: string;
  kind: 'role' | 'user';
  accountId: string;
  accountAlias?: string | undefined;
  arn: string;
  roleName?: string | undefined;
  userName?: string | undefined;
  sessionName: string;
  provider?: string | undefined;
  /** How many roles the assertion offered (role SSO): more than one lets the console offer "Switch role". */
  offeredRoles?: number | undefined;
  credentials: TemporaryCredentials;
  /** Epoch ms. */
  expiresAt: number;
  /** Double-submit token of the forms on the console page (sign-out). */
  csrf: string;
}

export interface PendingChoice {
  id: string;
  login: SamlLogin;
  roles: OfferedRole[];
  sessionDuration?: string | undefined;
  returnTo?: string | undefined;
  csrf: string;
  /** Set for a CLI login: the choice ends in a one-time code for the CLI instead of a console session. */
  cliState?: string | undefined;
}

const SESSION = 'console:session:';
const PENDING = 'sso:pending:';
export const PENDING_CHOICE_TTL_MS = 5 * 60 * 1000;

export function newOpaqueId(): string {
  return randomBytes(24).toString('base64url');
}

export async function saveSession(
  store: EphemeralStore,
  session: ConsoleSession,
  now: number,
  client: string,
): Promise<void> {
  const ttlMs = Math.max(1, session.expiresAt - now);
  await store.set(SESSION + session.id, JSON.stringify(session), ttlMs, client);
}

export async function loadSession(store: EphemeralStore, id: string): Promise<ConsoleSession | undefined> {
  const raw = await store.get(SESSION + id);
  return raw === undefined ? undefined : (JSON.parse(raw) as ConsoleSession);
}

export async function endSession(store: EphemeralStore, id: string): Promise<void> {
  await store.delete(SESSION + id);
}

export async function savePendingChoice(
  store: EphemeralStore,
  pending: PendingChoice,
  client: string,
): Promise<void> {
  await store.set(PENDING + pending.id, JSON.stringify(pending), PENDING_CHOICE_TTL_MS, client);
}

/** Single use: a second POST of the same picker form finds nothing. */
export async function takePendingChoice(
  store: EphemeralStore,
  id: string,
): Promise<PendingChoice | undefined> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
  const raw = await store.take(PENDING + id);
  return raw === undefined ? undefined : (JSON.parse(raw) as PendingChoice);
}
