/**
 * Federated CLI login, gateway side. `ramgate login` sends the browser to GET /cli/login with its
 * loopback callback, a state and an S256 challenge; the pending CLI request is stored under an
 * opaque id that travels in the AuthnRequest's context. After the role sign-in the browser is sent
 * to the callback with a one-time code (60 s, single use, in the shared ephemeral store so any
 * instance can redeem it); POST /cli/token trades code + verifier for the session's credentials.
 */
import { timingSafeEqual } from 'node:crypto';
import { roleArn } from '../core/arn.js';
import { ApiError } from '../core/errors.js';
import { s256 } from '../core/pkce.js';
import type { TemporaryCredentials } from '../core/sts/credentials.js';
import type { Gateway } from './gateway.js';
import { beginPlannedLogin, planSpInitiatedLogin } from './login.js';
import { endSession, newOpaqueId, type ConsoleSession } from './sessions.js';

/** As long as the AuthnRequest it rides on. */
export const CLI_REQUEST_TTL_MS = 10 * 60 * 1000;
export const CLI_CODE_TTL_MS = 60 * 1000;

const REQUEST_KEY = 'cli:request:';
const CODE_KEY = 'cli:code:';
const OPAQUE = /^[A-Za-z0-9_-]{16,128}$/;
/** base64url of a SHA-256 digest. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 code_verifier. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);
const MAX_REDIRECT_LENGTH = 512;

export interface CliLoginRequest {
  provider?: string | undefined;
  account?: string | undefined;
  role?: string | undefined;
  /** Requested session length in seconds (capped by the IdP's SessionDuration and the role's maximum). */
  duration?: string | undefined;
  /** The CLI's loopback callback, http://127.0.0.1:<port>/<path>. */
  redirect?: string | undefined;
  state?: string | undefined;
  /** base64url(SHA-256(code_verifier)). */
  challenge?: string | undefined;
  challengeMethod?: string | undefined;
  /** The client address the pending request is counted against (its budget). */
  client: string;
}

interface PendingCliRequest {
  redirect: string;
  state: string;
  challenge: string;
}

/** What the CLI receives for a code: the credentials and the role they belong to (Alibaba's PascalCase). */
export interface CliLoginResult {
  Credentials: TemporaryCredentials;
  AssumedRoleUser: { Arn: string };
  AccountId: string;
  AccountAlias?: string | undefined;
  RoleName?: string | undefined;
  RoleArn?: string | undefined;
  SAMLProviderArn?: string | undefined;
  RoleSessionName: string;
}

interface CliGrant {
  challenge: string;
  result: CliLoginResult;
}

function invalidParameter(name: string, message: string): ApiError {
  return new ApiError('InvalidParameter', message, { check: name });
}

/** Only an http URL on a loopback address with an explicit port (RFC 8252 §7.3); never a name that DNS resolves. */
export function loopbackRedirect(raw: string | undefined): string {
  if (!raw)
    throw new ApiError('MissingParameter', 'cli_redirect is required: the CLI loopback callback URL.');
  if (raw.length > MAX_REDIRECT_LENGTH)
    throw invalidParameter('cli-redirect', `cli_redirect is longer than ${MAX_REDIRECT_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidParameter('cli-redirect', 'cli_redirect is not a URL.');
  }
  const loopback =
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.port !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '';
  if (!loopback) {
    throw invalidParameter(
      'cli-redirect',
      'cli_redirect must be http://127.0.0.1:<port>/<path> (or [::1]) with no query, fragment or credentials.',
    );
  }
  return url.href;
}

function checked(value: string | undefined, pattern: RegExp, name: string, what: string): string {
  if (!value) throw new ApiError('MissingParameter', `${name} is required: ${what}.`);
  if (!pattern.test(value)) throw invalidParameter(name, `${name} is not ${what}.`);
  return value;
}

function pendingRequest(req: CliLoginRequest): PendingCliRequest {
  if (req.challengeMethod !== undefined && req.challengeMethod !== 'S256')
    throw invalidParameter('cli_challenge_method', 'cli_challenge_method must be S256.');
  return {
    redirect: loopbackRedirect(req.redirect),
    state: checked(req.state, OPAQUE, 'cli_state', '16 to 128 base64url characters'),
    challenge: checked(
      req.challenge,
      S256_CHALLENGE,
      'cli_challenge',
      'a base64url SHA-256 digest (43 characters)',
    ),
  };
}

/** Validate the CLI's request, start the role sign-in, remember the request; returns the IdP URL. */
export async function startCliLogin(gw: Gateway, req: CliLoginRequest): Promise<string> {
  const pending = pendingRequest(req);
  if (!req.provider) {
    throw new ApiError(
      'MissingParameter',
      'A CLI login signs in to a RAM role: name the SAML provider (provider=<account>:<name>, or provider=<name>&account=<id>).',
    );
  }
  const id = newOpaqueId();
  const plan = await planSpInitiatedLogin(gw, {
    provider: req.provider,
    account: req.account,
    role: req.role,
    duration: req.duration,
    cli: id,
    client: req.client,
  });
  await gw.store.ephemeral.set(REQUEST_KEY + id, JSON.stringify(pending), CLI_REQUEST_TTL_MS, req.client);
  try {
    return await beginPlannedLogin(gw, plan);
  } catch (err) {
    await gw.store.ephemeral.delete(REQUEST_KEY + id);
    throw err;
  }
}

function loginResult(session: ConsoleSession): CliLoginResult {
  return {
    Credentials: session.credentials,
    AssumedRoleUser: { Arn: session.arn },
    AccountId: session.accountId,
    ...(session.accountAlias ? { AccountAlias: session.accountAlias } : {}),
    ...(session.roleName
      ? { RoleName: session.roleName, RoleArn: roleArn(session.accountId, session.roleName) }
      : {}),
    ...(session.provider ? { SAMLProviderArn: session.provider } : {}),
    RoleSessionName: session.sessionName,
  };
}

/**
 * After the role sign-in of a CLI login: drop the cookie-less console session, take the pending
 * CLI request (single use), store a one-time code holding the session's credentials (minted once,
 * by the sign-in), and return the loopback URL to send the browser to.
 */
export async function issueCliCode(
  gw: Gateway,
  cliId: string,
  session: ConsoleSession,
  client: string,
): Promise<string> {
  await endSession(gw.store.ephemeral, session.id); // no cookie names it: its credentials go to the CLI or nowhere
  const pending = await takePendingCliRequest(gw, cliId);
  if (pending === undefined) {
    throw new ApiError(
      'AuthenticationFail.Session',
      'This CLI login request has expired or was already completed: run ramgate login again.',
      { check: 'cli-request' },
    );
  }
  const code = newOpaqueId();
  const grant: CliGrant = { challenge: pending.challenge, result: loginResult(session) };
  await gw.store.ephemeral.set(CODE_KEY + code, JSON.stringify(grant), CLI_CODE_TTL_MS, client);
  const url = new URL(pending.redirect);
  url.searchParams.set('code', code);
  url.searchParams.set('state', pending.state);
  return url.href;
}

async function takePendingCliRequest(gw: Gateway, cliId: string): Promise<PendingCliRequest | undefined> {
  const raw = OPAQUE.test(cliId) ? await gw.store.ephemeral.take(REQUEST_KEY + cliId) : undefined;
  return raw === undefined ? undefined : (JSON.parse(raw) as PendingCliRequest);
}

/** Longest error_description handed to the loopback listener (the page keeps the whole message). */
const MAX_FAILURE_DESCRIPTION = 400;

/**
 * A CLI login's sign-in failed: take its pending request (single use: no code can follow) and
 * return the loopback URL that tells the waiting CLI (error, error_description, request_id, state),
 * or undefined when the request is gone.
 */
export async function cliFailureRedirect(
  gw: Gateway,
  cliId: string,
  failure: { code: string; message: string; requestId: string },
): Promise<string | undefined> {
  const pending = await takePendingCliRequest(gw, cliId);
  if (pending === undefined) return undefined;
  const url = new URL(pending.redirect);
  url.searchParams.set('error', failure.code);
  url.searchParams.set('error_description', failure.message.slice(0, MAX_FAILURE_DESCRIPTION));
  url.searchParams.set('request_id', failure.requestId);
  url.searchParams.set('state', pending.state);
  return url.href;
}

export { s256 };

/** POST /cli/token: the code is spent by the first attempt, whether or not the verifier matches. */
export async function redeemCliCode(
  gw: Gateway,
  form: { code?: string | undefined; verifier?: string | undefined },
): Promise<CliLoginResult> {
  const code = checked(form.code, OPAQUE, 'code', 'a code issued by this gateway');
  const verifier = checked(
    form.verifier,
    VERIFIER,
    'code_verifier',
    '43 to 128 characters of [A-Za-z0-9._~-]',
  );
  const raw = await gw.store.ephemeral.take(CODE_KEY + code);
  if (raw === undefined) {
    throw new ApiError(
      'AuthenticationFail.Session',
      `The login code has expired (${CLI_CODE_TTL_MS / 1000} s) or was already used: run ramgate login again.`,
      { check: 'cli-code' },
    );
  }
  const grant = JSON.parse(raw) as CliGrant;
  const expected = Buffer.from(grant.challenge);
  const actual = Buffer.from(s256(verifier));
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new ApiError(
      'AuthenticationFail.Session',
      'The code_verifier does not match the challenge this login was started with.',
      { check: 'pkce' },
    );
  }
  return grant.result;
}
