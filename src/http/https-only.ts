/**
 * With an https base URL, the browser routes that set the (Secure) session cookie or consume a
 * SAMLResponse refuse a request that did not arrive over TLS (directly, or through a trusted proxy
 * that says so) before doing anything: an assertion is never spent on an answer whose cookie the
 * browser would drop. Pages that are only read (metadata, health) stay reachable over plain HTTP.
 */
import type { Context, Next } from 'koa';
import { ApiError } from '../core/errors.js';
import { pageHeaders, renderError } from './web.js';

/** GET pages that start or show a session: redirected to the https base URL. */
const SESSION_PAGES = new Set(['/login', '/console']);
/** The built-in development IdP (demo mode) stands for another site: it sets no gateway session. */
const DEMO_IDP = '/demo-idp/';

export function httpsOnlySessions(baseUrl: string) {
  const origin = new URL(baseUrl).origin;
  const required = origin.startsWith('https:');
  return async (ctx: Context, next: Next) => {
    if (!required || ctx.secure || ctx.path.startsWith(DEMO_IDP)) return next();
    const read = ctx.method === 'GET' || ctx.method === 'HEAD';
    if (read && !SESSION_PAGES.has(ctx.path)) return next();
    if (read) return ctx.redirect(`${origin}${ctx.url.startsWith('/') ? ctx.url : '/'}`);
    await pageHeaders(ctx, async () => {
      renderError(
        ctx,
        new ApiError(
          'Forbidden.InsecureTransport',
          `This request came over plain HTTP but the gateway's base URL is ${origin}: sign in at ${origin}` +
            ' (behind a TLS-terminating proxy, list the proxy in --trust-proxy).',
        ),
      );
    });
  };
}
