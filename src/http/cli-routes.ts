/**
 * Endpoints of the federated CLI login (always mounted):
 *   GET  /cli/login?provider=…&account=…&role=…&cli_redirect=http://127.0.0.1:<port>/callback&cli_state=…&cli_challenge=…
 *        → the IdP (an SP-initiated role sign-in whose result goes to the CLI, not to a cookie)
 *   GET  /cli/check?provider=…&account=… → JSON {SAMLProviderArn}, or the error /cli/login would fail with.
 *   POST /cli/token (form: code, code_verifier) → JSON credentials, or the Alibaba error body.
 * `completeCli` ends a CLI sign-in by sending the browser to the CLI's loopback callback.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { cliLoginOf } from '../sso/cli-failure.js';
import { cliFailureRedirect, issueCliCode, redeemCliCode, startCliLogin } from '../sso/cli-login.js';
import type { Gateway } from '../sso/gateway.js';
import { checkLoginTarget } from '../sso/login.js';
import type { ConsoleSession } from '../sso/sessions.js';
import { newRequestId, REQUEST_ID_HEADER, sendError, sendResult, toApiError } from './rpc/envelope.js';
import { html } from './pages/html.js';
import { page } from './pages/layout.js';
import { DEFAULT_LIMITS, parseFormBody, readBodyWithinLimit } from './rpc/params.js';
import type { SsoRouteDeps } from './sso-routes.js';
import { pageHeaders, pageState, renderError } from './web.js';
import type { ApiError } from '../core/errors.js';

const TOKEN_FORM_LIMIT_BYTES = 4096;

function queryValue(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The SsoRouteDeps.completeCli of this gateway. A page that moves on to the loopback callback, not
 * a redirect: the role picker's CSP (form-action 'self') forbids a form POST that redirects to
 * another origin, and the page tells the person what happens.
 */
export function completeCliLogin(gw: Gateway) {
  return async (ctx: Context, cliState: string, session: ConsoleSession): Promise<void> => {
    const url = await issueCliCode(gw, cliState, session, ctx.ip);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page({
      title: 'Returning to ramgate',
      nonce: pageState(ctx).nonce,
      // A URL object's href has no quotes or angle brackets; JSON.stringify makes it a JS string.
      script: `location.replace(${JSON.stringify(url)});`,
      body: html`<div class="card">
        <h1>Signed in</h1>
        <p>Handing the sign-in to the ramgate command in your terminal…</p>
        <p><a id="cli-continue" href="${url}">Continue</a> if nothing happens.</p>
      </div>`,
    });
  };
}

/**
 * The SsoRouteDeps.failCli of this gateway: a failed sign-in of a CLI login shows the error page,
 * which moves on to the CLI's loopback listener with the error, so the terminal reports it at once.
 * Undefined (nothing rendered) when the failure belongs to no CLI login still waiting.
 */
export function failCliLogin(gw: Gateway) {
  return async (ctx: Context, error: unknown): Promise<ApiError | undefined> => {
    const cliId = cliLoginOf(error);
    if (!cliId) return undefined;
    const apiError = toApiError(error);
    const url = await cliFailureRedirect(gw, cliId, {
      code: apiError.code,
      message: apiError.message,
      requestId: pageState(ctx).requestId,
    });
    if (!url) return undefined;
    renderError(ctx, apiError, { cliReturn: url });
    return apiError;
  };
}

export function cliRoutes(deps: SsoRouteDeps): Router {
  const { gw } = deps;
  const router = new Router({ prefix: '/cli' });

  router.get('/login', pageHeaders, async (ctx) => {
    try {
      const url = await startCliLogin(gw, {
        provider: queryValue(ctx, 'provider'),
        account: queryValue(ctx, 'account'),
        role: queryValue(ctx, 'role'),
        duration: queryValue(ctx, 'duration'),
        redirect: queryValue(ctx, 'cli_redirect'),
        state: queryValue(ctx, 'cli_state'),
        challenge: queryValue(ctx, 'cli_challenge'),
        challengeMethod: queryValue(ctx, 'cli_challenge_method'),
        client: ctx.ip,
      });
      ctx.redirect(url);
    } catch (error) {
      const apiError = renderError(ctx, error);
      gw.audit.write({
        event: 'cli.login',
        outcome: 'failure',
        requestId: pageState(ctx).requestId,
        sourceIp: ctx.ip,
        check: apiError.check,
        code: apiError.code,
        message: apiError.message,
      });
    }
  });

  // The CLI asks before it opens a browser: a wrong --provider fails in the terminal, not in a tab.
  router.get('/check', async (ctx) => {
    const requestId = newRequestId();
    ctx.set(REQUEST_ID_HEADER, requestId);
    ctx.set('Cache-Control', 'no-store');
    try {
      const target = await checkLoginTarget(gw, {
        provider: queryValue(ctx, 'provider'),
        account: queryValue(ctx, 'account'),
        client: ctx.ip,
      });
      sendResult(ctx, { RequestId: requestId, SAMLProviderArn: target }, requestId);
    } catch (error) {
      sendError(ctx, toApiError(error), requestId, ctx.hostname || 'ramgate');
    }
  });

  router.post('/token', async (ctx) => {
    const requestId = newRequestId();
    ctx.set(REQUEST_ID_HEADER, requestId);
    ctx.set('Cache-Control', 'no-store');
    try {
      const body = await readBodyWithinLimit(ctx.req, TOKEN_FORM_LIMIT_BYTES);
      const form = parseFormBody(body, ctx.get('content-type') || undefined, {
        ...DEFAULT_LIMITS,
        maxBodyBytes: TOKEN_FORM_LIMIT_BYTES,
      });
      const result = await redeemCliCode(gw, { code: form.get('code'), verifier: form.get('code_verifier') });
      gw.audit.write({
        event: 'cli.token',
        outcome: 'success',
        requestId,
        sourceIp: ctx.ip,
        accountId: result.AccountId,
        principal: result.AssumedRoleUser.Arn,
        role: result.RoleName,
      });
      sendResult(ctx, { RequestId: requestId, ...result }, requestId);
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === 'InternalError')
        deps.logger.error({ err: error, requestId }, 'CLI token exchange failed');
      gw.audit.write({
        event: 'cli.token',
        outcome: 'failure',
        requestId,
        sourceIp: ctx.ip,
        check: apiError.check,
        code: apiError.code,
        message: apiError.message,
      });
      sendError(ctx, apiError, requestId, ctx.hostname || 'ramgate');
    }
  });

  return router;
}
