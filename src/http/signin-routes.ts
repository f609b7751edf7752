/**
 * The pages around signing in (issue 16):
 *   GET /signin[?account=…]   the sign-in page: account alias or ID → its SAML providers / user SSO;
 *                             the account is remembered in a cookie for the next visit
 *   GET /login (no parameters) → the sign-in page
 *   GET /signed-out           the confirmation after sign-out
 *   GET /saml-role/sso, GET /<account>/saml/SSO   an explanation (the IdP POSTs there)
 * and `pageNotFound`, mounted last: a styled 404 with links back.
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { isApiError } from '../core/errors.js';
import type { Gateway } from '../sso/gateway.js';
import { accountSignIn, MAX_ACCOUNT_INPUT } from '../sso/signin-methods.js';
import { messagePage, signInPage } from './pages/signin.js';
import { pageHeaders, pageState, renderError, SESSION_COOKIE } from './web.js';

export const ACCOUNT_COOKIE = 'ramgate_account';
const REMEMBER_DAYS = 30;
const ACCOUNT_ID = /^[0-9]{1,32}$/;

const SIGN_IN_LINKS = [{ label: 'Sign in', href: '/signin' }];

function queryValue(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' ? value.slice(0, MAX_ACCOUNT_INPUT + 1) : undefined;
}

function sendPage(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

export interface SignInRouteOptions {
  gw: Gateway;
  secureCookies: boolean;
  hints?: Array<{ label: string; href: string }> | undefined;
}

/** The sign-in page for this request: what was typed, or the remembered account, or the form. */
export async function renderSignIn(ctx: Context, o: SignInRouteOptions, notice?: string): Promise<void> {
  const nonce = pageState(ctx).nonce;
  const typed = queryValue(ctx, 'account');
  const remembered = ctx.cookies.get(ACCOUNT_COOKIE);
  const change = ctx.query.change !== undefined;
  if (change) ctx.cookies.set(ACCOUNT_COOKIE, '', { maxAge: 0, path: '/' });
  const wanted = typed ?? (!change && remembered && ACCOUNT_ID.test(remembered) ? remembered : undefined);
  if (wanted === undefined) return sendPage(ctx, 200, signInPage({ nonce, hints: o.hints, notice }));
  try {
    const account = await accountSignIn(o.gw, wanted);
    ctx.cookies.set(ACCOUNT_COOKIE, account.accountId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: o.secureCookies,
      path: '/',
      maxAge: REMEMBER_DAYS * 24 * 3600 * 1000,
      overwrite: true,
    });
    sendPage(ctx, 200, signInPage({ nonce, account, hints: o.hints, notice }));
  } catch (error) {
    if (
      !isApiError(error) ||
      !['EntityNotExist.Account', 'InvalidParameter.AccountAlias'].includes(error.code)
    )
      return void renderError(ctx, error);
    if (typed === undefined) ctx.cookies.set(ACCOUNT_COOKIE, '', { maxAge: 0, path: '/' }); // remembered, then deleted
    const problem = `${error.message} Check the spelling, or ask your administrator for the account alias.`;
    sendPage(ctx, typed === undefined ? 200 : 404, signInPage({ nonce, typed, problem, hints: o.hints }));
  }
}

export function signInRoutes(o: SignInRouteOptions): Router {
  const router = new Router();
  router.use(pageHeaders);

  router.get('/signin', (ctx) => renderSignIn(ctx, o));

  router.get('/login', async (ctx, next) => {
    if (ctx.querystring !== '') return next();
    ctx.status = 303;
    ctx.redirect('/signin');
  });

  router.get('/signed-out', (ctx) =>
    sendPage(
      ctx,
      200,
      messagePage({
        nonce: pageState(ctx).nonce,
        title: 'You have signed out',
        message:
          'Your console session has ended and its temporary credentials are no longer shown here. ' +
          'Credentials you copied stay valid until they expire.',
        links: [{ label: 'Sign in again', href: '/signin' }],
      }),
    ),
  );

  const acsExplained = (ctx: Context) =>
    sendPage(
      ctx,
      405,
      messagePage({
        nonce: pageState(ctx).nonce,
        title: 'Nothing to see at this address',
        message:
          'This address receives sign-ins that your identity provider sends (a POST). ' +
          'To sign in, start from the sign-in page or from your identity provider.',
        links: SIGN_IN_LINKS,
      }),
    );
  router.get('/saml-role/sso', (ctx) => {
    ctx.set('Allow', 'POST');
    acsExplained(ctx);
  });
  router.get('/:accountId/saml/SSO', (ctx, next) => {
    if (!ACCOUNT_ID.test(ctx.params.accountId ?? '')) return next();
    ctx.set('Allow', 'POST');
    acsExplained(ctx);
  });
  return router;
}

/** After every route: a page for paths nothing answered (the RPC API at / is served beside this app). */
export async function pageNotFound(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.status !== 404 || ctx.body !== undefined) return;
  await pageHeaders(ctx, async () =>
    sendPage(
      ctx,
      404,
      messagePage({
        nonce: pageState(ctx).nonce,
        title: 'Page not found',
        message: `There is no page at ${ctx.path.slice(0, 200)}. The address may be mistyped or out of date.`,
        links: [...SIGN_IN_LINKS, { label: 'Home', href: '/' }],
      }),
    ),
  );
}

/** /console without a session: a cookie that names a session that ended says so; no cookie → sign in. */
export function noConsoleSession(ctx: Context): void {
  if (!ctx.cookies.get(SESSION_COOKIE)) {
    ctx.status = 303;
    return ctx.redirect('/signin');
  }
  sendPage(
    ctx,
    401,
    messagePage({
      nonce: pageState(ctx).nonce,
      title: 'Your session has ended',
      message: 'Console sessions last as long as their temporary credentials. Sign in again to continue.',
      links: [{ label: 'Sign in again', href: '/signin' }],
    }),
  );
}
