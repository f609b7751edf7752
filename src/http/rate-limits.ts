/**
 * Rate limits by route class, per client address and minute (a fixed window), counted in the store
 * so every instance on one Redis shares the buckets. Each bucket is budgeted state (budgets.ts,
 * purpose `rate`): a flood from many addresses exhausts at most the bucket budget.
 *
 *   login  GET /login and GET /cli/login (each stores a pending sign-in), and the password sign-in
 *          POSTs (/signin/user, /signin/user/step: each may cost a password hash)
 *   acs    the ACS endpoints (POST …/sso, …/SSO), the role picker, POST /cli/token
 *   sts    the STS actions of the RPC API (AssumeRole, AssumeRoleWithSAML, GetCallerIdentity)
 *   api    every other RPC action (RAM and IMS management)
 */
import type { Context, Next } from 'koa';
import { clientKey } from '../core/store/budgets.js';
import { ApiError } from '../core/errors.js';
import type { Gateway } from '../sso/gateway.js';
import { newRequestId, REQUEST_ID_HEADER, sendError, toApiError } from './rpc/envelope.js';
import { pageHeaders, renderError } from './web.js';

export const RATE_CLASSES = ['login', 'acs', 'sts', 'api'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];
/** Requests per minute and client address; 0 turns a class's limit off. */
export type RateLimits = Record<RateClass, number>;

export const DEFAULT_RATE_LIMITS: RateLimits = { login: 120, acs: 120, sts: 600, api: 600 };

const WINDOW_MS = 60_000;

/** Count one request of `rateClass` from `client`; throws Throttling.User beyond the limit. */
export async function countRequest(
  gw: Gateway,
  limits: RateLimits,
  rateClass: RateClass,
  client: string,
): Promise<void> {
  const limit = limits[rateClass];
  if (limit <= 0) return;
  const window = Math.floor(gw.now() / WINDOW_MS);
  const key = `rate:${rateClass}:${clientKey(client)}:${window}`;
  const count = await gw.store.ephemeral.increment(key, WINDOW_MS + 1000, client);
  if (count > limit)
    throw new ApiError(
      'Throttling.User',
      `More than ${limit} ${rateClass} requests a minute from ${client} (the ${rateClass} rate limit).`,
      { check: `rate:${rateClass}` },
    );
}

/** The rate class of a browser request, or undefined for pages that store nothing (health, metadata, console). */
export function browserRateClass(method: string, path: string): RateClass | undefined {
  if (method === 'GET' && (path === '/login' || path === '/cli/login')) return 'login';
  if (method !== 'POST') return undefined;
  if (path === '/signin/user' || path === '/signin/user/step') return 'login';
  if (path.endsWith('/sso') || path.endsWith('/SSO')) return 'acs';
  if (path === '/saml-role/choose' || path === '/cli/token') return 'acs';
  return undefined;
}

/** Koa middleware: the browser routes' limits (the RPC API counts its requests itself, by action). */
export function browserRateLimit(gw: Gateway, limits: RateLimits) {
  return async (ctx: Context, next: Next) => {
    const rateClass = browserRateClass(ctx.method, ctx.path);
    if (!rateClass) return next();
    try {
      await countRequest(gw, limits, rateClass, ctx.ip);
    } catch (error) {
      if (ctx.path === '/cli/token') {
        const requestId = newRequestId();
        ctx.set(REQUEST_ID_HEADER, requestId);
        return sendError(ctx, toApiError(error), requestId, ctx.hostname || 'ramgate');
      }
      return pageHeaders(ctx, async () => void renderError(ctx, error));
    }
    await next();
  };
}

/** The rate class of an RPC action. */
export function rpcRateClass(product: string | undefined): RateClass {
  return product === 'Sts' ? 'sts' : 'api';
}
