/**
 * The Koa application: health and metrics, rate limits, the Alibaba RPC API at `/`, the browser
 * SSO routes, and (in demo mode only) the built-in development IdP.
 */
import Koa, { type Context, type Next } from 'koa';
import type { Logger } from 'pino';
import { ApiError } from '../core/errors.js';
import type { Gateway } from '../sso/gateway.js';
import { credentialResolver } from './api/caller.js';
import { cliRoutes, completeCliLogin, failCliLogin } from './cli-routes.js';
import { managementActions } from './api/management.js';
import { revocationActions } from './api/revocation.js';
import { stsActions } from './api/sts.js';
import { GatewayMetrics } from './metrics.js';
import { pageNotFound, renderSignIn, signInRoutes } from './signin-routes.js';
import { createRpcEndpoint, type RpcEndpoint } from './rpc/index.js';
import { ssoRoutes, type SsoRouteDeps } from './sso-routes.js';
import { pageHeaders, renderError, SessionCookies } from './web.js';
import type Router from '@koa/router';

export interface AppOptions {
  gw: Gateway;
  logger: Logger;
  /** Signs the session cookie (shared by all instances). */
  cookieSecret: Buffer;
  /** Requests per minute and client address on the ACS endpoints and on the RPC API. */
  rateLimitPerMinute?: number;
  /** Extra routers (the demo IdP, the CLI login endpoints), mounted before the SSO routes. */
  extraRouters?: (deps: SsoRouteDeps) => Router[];
  /** Shown on the home page: how to start a sign-in. */
  loginHints?: Array<{ label: string; href: string }>;
  metrics?: GatewayMetrics;
}

export interface GatewayApp {
  /** The browser routes, health and metrics. */
  app: Koa;
  /** The Alibaba RPC API at `/`, served beside the app (requestListener / createHttpServer). */
  rpc: RpcEndpoint;
  metrics: GatewayMetrics;
}

export function createApp(options: AppOptions): GatewayApp {
  const { gw, logger } = options;
  const metrics = options.metrics ?? new GatewayMetrics();
  gw.metrics = metrics;
  const app = new Koa({ proxy: false });
  const cookies = new SessionCookies(options.cookieSecret, gw.baseUrl.startsWith('https:'));
  app.silent = true;
  app.on('error', (err: unknown) => logger.error({ err }, 'unhandled error'));

  const perMinute = options.rateLimitPerMinute ?? 600;
  app.use(timing(metrics));
  app.use(health(gw, metrics));
  app.use(rateLimit(gw, perMinute));
  const rpc = createRpcEndpoint({
    actions: [...stsActions(gw), ...managementActions(gw), ...revocationActions(gw)],
    resolveCredential: credentialResolver(gw),
    nonces: gw.store.ephemeral,
    now: gw.now,
    admit: (sourceIp) => countRequest(gw, sourceIp, perMinute),
    onComplete: (o) => {
      metrics.httpSeconds.observe(
        { route: 'rpc', status: `${Math.floor(o.status / 100)}xx` },
        o.durationMs / 1000,
      );
      metrics.stsCalls.inc({ action: o.action ?? 'unknown', outcome: o.code ? 'failure' : 'success' });
      gw.audit.write({
        event: `api.${o.action ?? 'unknown'}`,
        outcome: o.code ? 'failure' : 'success',
        requestId: o.requestId,
        accountId: o.caller?.accountId,
        principal: o.caller?.arn ?? o.accessKeyId,
        code: o.code,
      });
    },
    onUnexpectedError: (err, requestId) => logger.error({ err, requestId }, 'RPC handler failed'),
  });
  const deps: SsoRouteDeps = {
    gw,
    cookies,
    metrics,
    logger,
    completeCli: completeCliLogin(gw),
    failCli: failCliLogin(gw),
  };
  const signIn = { gw, secureCookies: gw.baseUrl.startsWith('https:'), hints: options.loginHints };
  app.use(pageNotFound);
  for (const router of [cliRoutes(deps), signInRoutes(signIn), ...(options.extraRouters?.(deps) ?? [])])
    app.use(router.routes()).use(router.allowedMethods());
  const sso = ssoRoutes(deps);
  app.use(sso.routes()).use(sso.allowedMethods());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/' || ctx.method !== 'GET') return next();
    await pageHeaders(ctx, () => renderSignIn(ctx, signIn));
  });
  return { app, rpc, metrics };
}

function timing(metrics: GatewayMetrics) {
  return async (ctx: Context, next: Next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = ctx.path.split('/')[1] || 'root';
      metrics.httpSeconds.observe(
        { route: route.slice(0, 32), status: `${Math.floor(ctx.status / 100)}xx` },
        (performance.now() - started) / 1000,
      );
    }
  };
}

function health(gw: Gateway, metrics: GatewayMetrics) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET') return next();
    switch (ctx.path) {
      case '/healthz':
        ctx.body = { status: 'ok' };
        return;
      case '/readyz':
        try {
          await gw.store.ping();
          ctx.body = { status: 'ready', store: gw.store.kind };
        } catch (err) {
          ctx.status = 503;
          ctx.body = {
            status: 'not ready',
            store: gw.store.kind,
            error: err instanceof Error ? err.message : String(err),
          };
        }
        return;
      case '/metrics':
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
        return;
      default:
        return next();
    }
  };
}

/** A fixed one-minute window per client address on the endpoints that do expensive work (ACS, RPC API). */
async function countRequest(gw: Gateway, sourceIp: string, perMinute: number): Promise<void> {
  const window = Math.floor(gw.now() / 60_000);
  const count = await gw.store.ephemeral.increment(`rate:${sourceIp}:${window}`, 61_000);
  if (count > perMinute)
    throw new ApiError('Throttling.User', `More than ${perMinute} requests a minute from ${sourceIp}.`);
}

/** The browser's ACS endpoints; the RPC API counts its requests itself (`admit`). */
function rateLimit(gw: Gateway, perMinute: number) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || !(ctx.path.endsWith('/sso') || ctx.path.endsWith('/SSO'))) return next();
    try {
      await countRequest(gw, ctx.ip, perMinute);
    } catch (error) {
      return pageHeaders(ctx, async () => void renderError(ctx, error));
    }
    await next();
  };
}
