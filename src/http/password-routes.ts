/**
 * Password sign-in of RAM users in the browser (src/sso/password-signin.ts does the deciding):
 *   GET  /signin/user[?account=…]   the logon form (of one account when chosen on the sign-in page)
 *   POST /signin/user               logon name + password → the IdP (user SSO on), a next step, or the console
 *   POST /signin/user/step          the MFA code, the new password or the MFA binding of a pending sign-in
 * Every form is double-submit: a token in a SameSite=Strict cookie and in the form.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { constantTimeEqual } from '../core/constant-time.js';
import { ApiError, isApiError } from '../core/errors.js';
import { otpauthQrPng, signInDeviceName } from '../core/ram/mfa-devices.js';
import { MAX_LOGON_NAME, MAX_PASSWORD_INPUT, passwordSignIn } from '../sso/password-signin.js';
import { newOpaqueId } from '../sso/sessions.js';
import type { PendingSignIn, SignInStep } from '../sso/signin-pending.js';
import { continueSignIn, type SignInOutcome } from '../sso/signin-steps.js';
import { accountSignIn } from '../sso/signin-methods.js';
import { toApiError } from './rpc/envelope.js';
import {
  bindMfaPage,
  changePasswordPage,
  logonPage,
  mfaPage,
  type LogonFormModel,
  type Problem,
} from './pages/password-signin.js';
import { pageAudit, startConsoleSession, type SsoRouteDeps } from './sso-routes.js';
import { pageHeaders, pageState, readForm, renderError } from './web.js';

export const SIGNIN_CSRF_COOKIE = 'ramgate_signin';
const STEPS: readonly SignInStep[] = ['mfa', 'change-password', 'bind-mfa'];
/** Problems the logon form shows itself (anything else is the error page). */
const FORM_PROBLEMS = ['AuthenticationFail.Password', 'MissingParameter', 'InvalidParameter'];

function send(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

function problemOf(ctx: Context, error: ApiError): Problem {
  return { message: error.message, code: error.code, requestId: pageState(ctx).requestId };
}

export function passwordRoutes(deps: SsoRouteDeps): Router {
  const { gw } = deps;
  const router = new Router();
  router.use(pageHeaders);
  const secure = gw.baseUrl.startsWith('https:');

  /** The double-submit token: the cookie's when it looks like one of ours, else a new one. */
  function formToken(ctx: Context, fresh = false): string {
    const current = ctx.cookies.get(SIGNIN_CSRF_COOKIE);
    const token = !fresh && current && /^[A-Za-z0-9_-]{32}$/.test(current) ? current : newOpaqueId();
    ctx.cookies.set(SIGNIN_CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/signin/user',
      overwrite: true,
    });
    return token;
  }

  async function renderLogon(
    ctx: Context,
    status: number,
    m: Partial<LogonFormModel>,
    accountInput?: string,
  ) {
    let account: LogonFormModel['account'];
    if (accountInput) {
      const found = await accountSignIn(gw, accountInput).catch((error: unknown) => {
        if (
          isApiError(error) &&
          ['EntityNotExist.Account', 'InvalidParameter.AccountAlias'].includes(error.code)
        )
          return undefined;
        throw error;
      });
      if (found) {
        if (found.methods.some((method) => method.kind === 'user')) {
          ctx.status = 303;
          return ctx.redirect(`/signin?account=${found.accountId}`);
        }
        const [domain = ''] = await gw.directory.signInDomains(found.accountId);
        account = { accountId: found.accountId, accountAlias: found.accountAlias, domain };
      }
    }
    send(
      ctx,
      status,
      logonPage({
        nonce: pageState(ctx).nonce,
        csrf: formToken(ctx),
        maxLogonName: MAX_LOGON_NAME,
        maxPassword: MAX_PASSWORD_INPUT,
        ...m,
        account,
      }),
    );
  }

  async function renderStep(ctx: Context, pending: PendingSignIn, problem?: ApiError) {
    ctx.cookies.set(SIGNIN_CSRF_COOKIE, pending.csrf, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/signin/user',
      overwrite: true,
    });
    const m = {
      nonce: pageState(ctx).nonce,
      csrf: pending.csrf,
      pendingId: pending.id,
      userName: pending.userName,
      problem: problem && problemOf(ctx, problem),
    };
    const status = problem ? problem.httpStatus : 200;
    switch (pending.steps[0]) {
      case 'mfa':
        return send(ctx, status, mfaPage(m));
      case 'change-password':
        return send(ctx, status, changePasswordPage({ ...m, reason: pending.changeReason }));
      case 'bind-mfa': {
        const seed = pending.seed ?? '';
        const qr = await otpauthQrPng(pending.issuer ?? '', signInDeviceName(pending.userName), seed);
        return send(ctx, status, bindMfaPage({ ...m, qrPngBase64: qr, seed }));
      }
    }
  }

  async function outcome(ctx: Context, result: SignInOutcome) {
    switch (result.kind) {
      case 'idp':
        ctx.status = 303;
        return ctx.redirect(result.location);
      case 'step':
        return renderStep(ctx, result.pending, result.problem);
      case 'signed-in':
        ctx.cookies.set(SIGNIN_CSRF_COOKIE, '', { maxAge: 0, path: '/signin/user' });
        return startConsoleSession(deps, ctx, 'password', { kind: 'signed-in', session: result.session });
    }
  }

  function failed(ctx: Context, error: unknown): ApiError {
    const apiError = toApiError(error);
    if (!isApiError(error))
      deps.logger.error({ err: error, requestId: pageState(ctx).requestId }, 'password sign-in failed');
    deps.metrics.logins.inc({ kind: 'password', outcome: 'failure' });
    pageAudit(gw, ctx, {
      event: 'signin.password',
      outcome: 'failure',
      check: apiError.check,
      code: apiError.code,
    });
    return apiError;
  }

  function checkFormToken(ctx: Context, form: Map<string, string>): void {
    const cookie = ctx.cookies.get(SIGNIN_CSRF_COOKIE);
    const sent = form.get('csrf') ?? '';
    if (!cookie || !constantTimeEqual(cookie, sent))
      throw new ApiError('Forbidden.CSRF', 'The sign-in form did not come from this gateway’s page.', {
        check: 'csrf',
      });
  }

  router.get('/signin/user', async (ctx) => {
    const account = typeof ctx.query.account === 'string' ? ctx.query.account.slice(0, 254) : undefined;
    await renderLogon(ctx, 200, {}, account);
  });

  router.post('/signin/user', async (ctx) => {
    let form: Map<string, string> | undefined;
    try {
      form = await readForm(ctx);
      checkFormToken(ctx, form);
      const result = await passwordSignIn(gw, {
        account: form.get('account') || undefined,
        logonName: form.get('logon-name') ?? '',
        password: form.get('password') ?? '',
        client: ctx.ip,
      });
      await outcome(ctx, result);
    } catch (error) {
      const apiError = failed(ctx, error);
      if (!form || !FORM_PROBLEMS.includes(apiError.code)) return void renderError(ctx, apiError);
      const account = form.get('account');
      await renderLogon(
        ctx,
        apiError.httpStatus,
        {
          logonName: (form.get('logon-name') ?? '').slice(0, MAX_LOGON_NAME),
          problem: problemOf(ctx, apiError),
        },
        account && /^[0-9]{1,32}$/.test(account) ? account : undefined,
      );
    }
  });

  router.post('/signin/user/step', async (ctx) => {
    try {
      const form = await readForm(ctx);
      const step = form.get('step') as SignInStep;
      if (!STEPS.includes(step))
        throw new ApiError('InvalidParameter', 'The form names no sign-in step.', { check: 'fields' });
      const result = await continueSignIn(gw, {
        pendingId: form.get('pending') ?? '',
        csrf: form.get('csrf') ?? '',
        cookieCsrf: ctx.cookies.get(SIGNIN_CSRF_COOKIE),
        step,
        fields: form,
        client: ctx.ip,
      });
      await outcome(ctx, result);
    } catch (error) {
      renderError(ctx, failed(ctx, error));
    }
  });

  return router;
}
