/**
 * Plumbing of the browser pages: request ids, security headers with a per-response CSP nonce,
 * size-limited form bodies, the signed session cookie, and error pages that name the failed check.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Context, Next } from 'koa';
import { ApiError } from '../core/errors.js';
import { errorPage } from './pages/error-page.js';
import { newRequestId, REQUEST_ID_HEADER, toApiError } from './rpc/envelope.js';
import { DEFAULT_LIMITS, parseFormBody, readBodyWithinLimit } from './rpc/params.js';

export const SESSION_COOKIE = 'ramgate_session';
export const PICK_COOKIE = 'ramgate_pick';
/** A POSTed SAMLResponse is at most 256 KiB of base64: the whole form gets a little more. */
export const FORM_LIMIT_BYTES = 300 * 1024;

export interface PageState {
  requestId: string;
  nonce: string;
}

export function pageState(ctx: Context): PageState {
  return ctx.state as PageState;
}

/** Request id + security headers on every page response. */
export async function pageHeaders(ctx: Context, next: Next): Promise<void> {
  const state = ctx.state as PageState;
  state.requestId = newRequestId();
  state.nonce = randomBytes(16).toString('base64');
  ctx.set(REQUEST_ID_HEADER, state.requestId);
  ctx.set(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${state.nonce}'; script-src 'nonce-${state.nonce}'; img-src 'self' data:; ` +
      `form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
  await next();
}

export async function readForm(ctx: Context): Promise<Map<string, string>> {
  const body = await readBodyWithinLimit(ctx.req, FORM_LIMIT_BYTES);
  return parseFormBody(body, ctx.get('content-type') || undefined, {
    ...DEFAULT_LIMITS,
    maxBodyBytes: FORM_LIMIT_BYTES,
  });
}

export function renderError(
  ctx: Context,
  error: unknown,
  extra: { cliReturn?: string | undefined } = {},
): ApiError {
  const apiError = toApiError(error);
  const state = pageState(ctx);
  ctx.status = apiError.httpStatus;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = errorPage({
    status: apiError.httpStatus,
    code: apiError.code,
    message: apiError.message,
    check: apiError.check,
    requestId: state.requestId,
    nonce: state.nonce,
    ...extra,
  });
  return apiError;
}

/** The session cookie: a short HS256 JWT naming the server-side session, HttpOnly, SameSite=Lax. */
export class SessionCookies {
  private readonly key: Uint8Array;
  constructor(
    secret: Buffer,
    private readonly secure: boolean,
  ) {
    this.key = new Uint8Array(secret);
  }

  async set(ctx: Context, sessionId: string, expiresAt: number): Promise<void> {
    const jwt = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
    ctx.cookies.set(SESSION_COOKIE, jwt, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
      expires: new Date(expiresAt),
      overwrite: true,
    });
  }

  async read(ctx: Context): Promise<string | undefined> {
    const jwt = ctx.cookies.get(SESSION_COOKIE);
    if (!jwt || jwt.length > 2048) return undefined;
    try {
      const { payload } = await jwtVerify(jwt, this.key, { algorithms: ['HS256'] });
      return typeof payload.sid === 'string' ? payload.sid : undefined;
    } catch {
      return undefined;
    }
  }

  clear(ctx: Context): void {
    ctx.cookies.set(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
      maxAge: 0,
    });
  }

  setPick(ctx: Context, csrf: string): void {
    ctx.cookies.set(PICK_COOKIE, csrf, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secure,
      path: '/',
      maxAge: 300_000,
    });
  }
}
