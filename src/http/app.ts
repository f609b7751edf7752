/**
 * The Koa application: health and metrics, rate limits, the Alibaba RPC API at `/`, the browser
 * SSO routes, and (in demo mode only) the built-in development IdP.
 */
import Koa, { type Context, type Next } from 'koa';
import type { Logger } from 'pino';
import type { Gateway } from '../sso/gateway.js';
import { credentialResolver } from './api/caller.js';
import { cliRoutes, completeCliLogin, failCliLogin } from './cli-routes.js';
import { assertServedFromTable, gatewayActions } from './api/actions.js';
import { GatewayMetrics } from './metrics.js';
import { registerBudgetMetrics } from './budget-metrics.js';
import { httpsOnlySessions } from './https-only.js';
import { admitOperator, type ListenerRole, type OperatorAccess } from './operator.js';
import {
  browserRateLimit,
  countRequest,
  DEFAULT_RATE_LIMITS,
  rpcRateClass,
  type RateLimits,
} from './rate-limits.js';
import { readiness } from './readiness.js';
import { createRpcEndpoint, type RpcEndpoint } from './rpc/index.js';
import { passwordRoutes } from './password-routes.js';
import { pageNotFound, renderSignIn, signInRoutes } from './signin-routes.js';
import { ssoRoutes, type SsoRouteDeps } from './sso-routes.js';
import { useTransportInKoa } from './transport.js';
import { pageHeaders, SessionCookies } from './web.js';
import type Router from '@koa/router';

export interface AppOptions {
  gw: Gateway;
  logger: Logger;
  /** Signs the session cookie (shared by all instances). */
  cookieSecret: Buffer;
  /** Requests per minute and client address, by route class (rate-limits.ts); default DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
  /** Extra routers (the demo IdP, the CLI login endpoints), mounted before the SSO routes. */
  extraRouters?: (deps: SsoRouteDeps) => Router[];
  /** Shown on the home page: how to start a sign-in. */
  loginHints?: Array<{ label: string; href: string }>;
  metrics?: GatewayMetrics;
  /** Who may read /metrics (default: loopback clients only). */
  operator?: OperatorAccess;
}

export interface GatewayApp {
  /** The browser routes, health and metrics. */
  app: Koa;
  /** The Alibaba RPC API at `/`, served beside the app (requestListener / createHttpServer). */
  rpc: RpcEndpoint;
  metrics: GatewayMetrics;
  /** /healthz, /readyz and /metrics alone, for a listener of their own (`--operator-listen`). */
  operatorApp: Koa;
}

export function createApp(options: AppOptions): GatewayApp {
  const { gw, logger } = options;
  const metrics = options.metrics ?? new GatewayMetrics();
  gw.metrics = metrics;
  if (!options.metrics) registerBudgetMetrics(metrics.registry, gw.store);
  const app = new Koa({ proxy: false });
  useTransportInKoa(app.request);
  const cookies = new SessionCookies(options.cookieSecret, gw.baseUrl.startsWith('https:'));
  app.silent = true;
  app.on('error', (err: unknown) => logger.error({ err }, 'unhandled error'));

  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  app.use(timing(metrics));
  const operator = options.operator ?? {};
  app.use(health(gw, metrics, operator, 'public'));
  app.use(httpsOnlySessions(gw.baseUrl));
  app.use(browserRateLimit(gw, limits));
  const rpc = createRpcEndpoint({
    actions: servedActions(gw),
    resolveCredential: credentialResolver(gw),
    onAuthenticated: (accessKeyId, caller, product) =>
      accessKeyId.startsWith('STS.')
        ? Promise.resolve()
        : gw.keyUsage.record(caller.accountId, accessKeyId, product),
    nonces: gw.store.ephemeral,
    now: gw.now,
    admit: (sourceIp, product) => countRequest(gw, limits, rpcRateClass(product), sourceIp),
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
        sourceIp: o.sourceIp,
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
  for (const router of [
    cliRoutes(deps),
    signInRoutes(signIn),
    passwordRoutes(deps),
    ...(options.extraRouters?.(deps) ?? []),
  ])
    app.use(router.routes()).use(router.allowedMethods());
  const sso = ssoRoutes(deps);
  app.use(sso.routes()).use(sso.allowedMethods());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/' || ctx.method !== 'GET') return next();
    await pageHeaders(ctx, () => renderSignIn(ctx, signIn));
  });
  const operatorApp = new Koa({ proxy: false });
  useTransportInKoa(operatorApp.request);
  operatorApp.use(health(gw, metrics, operator, 'operator'));
  return { app, rpc, metrics, operatorApp };
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

function health(gw: Gateway, metrics: GatewayMetrics, operator: OperatorAccess, role: ListenerRole) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET') return next();
    switch (ctx.path) {
      case '/healthz':
        ctx.body = { status: 'ok' };
        return;
      case '/readyz': {
        const report = await readiness(gw.store);
        ctx.status = report.status === 'ready' ? 200 : 503;
        ctx.body = report;
        return;
      }
      case '/metrics':
        if (!admitOperator(ctx, operator, role)) return;
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
        return;
      default:
        return next();
    }
  };
}

/** Every action the table has, and only those. */
function servedActions(gw: Gateway) {
  const actions = gatewayActions(gw);
  assertServedFromTable(actions);
  return actions;
}
