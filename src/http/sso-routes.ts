/**
 * Browser routes: the two ACS endpoints, the role picker, SP-initiated /login, SP metadata, the
 * console and sign-out. Each handler is a short pipeline; failures render the error page and are
 * audited with the failed check.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { isApiError } from '../core/errors.js';
import { ApiError } from '../core/errors.js';
import type { AuditEvent } from '../core/audit.js';
import { chooseRole } from '../sso/choose-role.js';
import type { Gateway } from '../sso/gateway.js';
import { startSpInitiatedLogin } from '../sso/login.js';
import { acceptRoleSsoResponse, type RoleSsoOutcome } from '../sso/role-sso.js';
import { endSession, loadSession, saveSession, type ConsoleSession } from '../sso/sessions.js';
import { acceptUserSsoResponse } from '../sso/user-sso.js';
import { assertConsoleSessionActive } from '../sso/revocation.js';
import { roleSsoSpMetadata, userSsoSpMetadata } from '../saml/sp-metadata.js';
import type { GatewayMetrics } from './metrics.js';
import { consolePage } from './pages/console.js';
import { providerOf } from './pages/credential-snippets.js';
import { noConsoleSession } from './signin-routes.js';
import { rolePickerPage } from './pages/role-picker.js';
import { pageHeaders, pageState, PICK_COOKIE, readForm, renderError, type SessionCookies } from './web.js';

export interface SsoRouteDeps {
  gw: Gateway;
  cookies: SessionCookies;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Completes a CLI login (one-time code back to the CLI's loopback listener); set by the CLI routes. */
  completeCli?: (ctx: Context, cliState: string, session: ConsoleSession) => Promise<void>;
  /** Renders a failed sign-in that belonged to a CLI login and hands the failure to its listener; set by the CLI routes. */
  failCli?: (ctx: Context, error: unknown) => Promise<ApiError | undefined>;
}

const ACCOUNT = /^[0-9]{1,32}$/;

export function pageAudit(
  gw: Gateway,
  ctx: Context,
  event: Omit<AuditEvent, 'requestId' | 'sourceIp'>,
): void {
  gw.audit.write({ ...event, requestId: pageState(ctx).requestId, sourceIp: ctx.ip });
}

/** A sign-in that ended in a console session: store it, count and audit it, set the cookie, go to the console. */
export async function startConsoleSession(
  deps: SsoRouteDeps,
  ctx: Context,
  kind: 'role' | 'user' | 'password',
  outcome: Extract<RoleSsoOutcome, { kind: 'signed-in' }>,
): Promise<void> {
  const { gw, metrics, cookies } = deps;
  const { session } = outcome;
  await saveSession(gw.store.ephemeral, session, gw.now(), ctx.ip);
  metrics.logins.inc({ kind: outcome.cliState ? 'cli' : kind, outcome: 'success' });
  pageAudit(gw, ctx, {
    event: kind === 'password' ? 'signin.password' : `sso.${kind}`,
    outcome: 'success',
    accountId: session.accountId,
    principal: session.arn,
    provider: session.provider,
    role: session.roleName,
    sessionName: session.sessionName,
    detail: outcome.mapping ? { mapping: outcome.mapping } : undefined,
  });
  if (outcome.cliState && deps.completeCli) return deps.completeCli(ctx, outcome.cliState, session);
  await cookies.set(ctx, session.id, session.expiresAt);
  ctx.status = 303;
  ctx.redirect(outcome.returnTo ?? '/console');
}

export function ssoRoutes(deps: SsoRouteDeps): Router {
  const { gw, cookies, metrics } = deps;
  const router = new Router();
  router.use(pageHeaders);

  const audit = (ctx: Context, event: Omit<AuditEvent, 'requestId' | 'sourceIp'>) =>
    pageAudit(gw, ctx, event);

  const signedIn = (
    ctx: Context,
    kind: 'role' | 'user',
    outcome: Extract<RoleSsoOutcome, { kind: 'signed-in' }>,
  ) => startConsoleSession(deps, ctx, kind, outcome);

  async function failed(ctx: Context, kind: 'role' | 'user', error: unknown) {
    if (!isApiError(error))
      deps.logger.error({ err: error, requestId: pageState(ctx).requestId }, 'sign-in failed unexpectedly');
    const apiError = (await deps.failCli?.(ctx, error)) ?? renderError(ctx, error);
    metrics.logins.inc({ kind, outcome: 'failure' });
    audit(ctx, {
      event: `sso.${kind}`,
      outcome: 'failure',
      check: apiError.check,
      code: apiError.code,
      message: apiError.message,
    });
  }

  router.post('/saml-role/sso', async (ctx) => {
    try {
      const form = await readForm(ctx);
      const outcome = await acceptRoleSsoResponse(gw, {
        samlResponse: requiredField(form, 'SAMLResponse'),
        relayState: form.get('RelayState'),
        client: ctx.ip,
      });
      if (outcome.kind === 'signed-in') return await signedIn(ctx, 'role', outcome);
      const { pending } = outcome;
      audit(ctx, {
        event: 'sso.role.offered',
        outcome: 'success',
        provider: pending.login.issuer,
        sessionName: pending.login.sessionName,
        detail: outcome.mapping ? { mapping: outcome.mapping } : undefined,
      });
      cookies.setPick(ctx, pending.csrf);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = rolePickerPage({
        nonce: pageState(ctx).nonce,
        pendingId: pending.id,
        csrfToken: pending.csrf,
        action: '/saml-role/choose',
        // The RoleSessionName names the person; a NameID may be an opaque transient handle.
        subject: pending.login.sessionName ?? pending.login.nameId ?? pending.login.issuer,
        roles: await withAccountAliases(
          gw,
          pending.roles.map((r, i) => ({ ...r, value: String(i) })),
        ),
      });
    } catch (error) {
      await failed(ctx, 'role', error);
    }
  });

  router.post('/saml-role/choose', async (ctx) => {
    try {
      const form = await readForm(ctx);
      const outcome = await chooseRole(gw, {
        pending: form.get('pending') ?? '',
        csrf: form.get('csrf') ?? '',
        role: form.get('role') ?? '',
        cookieCsrf: ctx.cookies.get(PICK_COOKIE),
      });
      ctx.cookies.set(PICK_COOKIE, '', { maxAge: 0, path: '/' });
      await signedIn(ctx, 'role', outcome);
    } catch (error) {
      await failed(ctx, 'role', error);
    }
  });

  router.post('/:accountId/saml/SSO', async (ctx, next) => {
    const accountId = ctx.params.accountId ?? '';
    if (!ACCOUNT.test(accountId)) return next();
    try {
      const form = await readForm(ctx);
      const { session, returnTo, mapping } = await acceptUserSsoResponse(gw, accountId, {
        samlResponse: requiredField(form, 'SAMLResponse'),
        relayState: form.get('RelayState'),
        clientIp: ctx.ip,
      });
      await signedIn(ctx, 'user', { kind: 'signed-in', session, returnTo, mapping });
    } catch (error) {
      await failed(ctx, 'user', error);
    }
  });

  router.get('/saml-role/sp-metadata.xml', (ctx) => {
    ctx.type = 'application/samlmetadata+xml';
    ctx.body = roleSsoSpMetadata(gw.baseUrl, spCertificates(gw), gw.roleSpEntityId);
  });

  router.get('/:accountId/saml/SpMetadata.xml', (ctx, next) => {
    const accountId = ctx.params.accountId ?? '';
    if (!ACCOUNT.test(accountId)) return next();
    ctx.type = 'application/samlmetadata+xml';
    ctx.body = userSsoSpMetadata(gw.baseUrl, accountId, spCertificates(gw));
  });

  router.get('/login', async (ctx) => {
    try {
      const url = await startSpInitiatedLogin(gw, {
        provider: ctx.query.provider as string | undefined,
        account: ctx.query.account as string | undefined,
        role: ctx.query.role as string | undefined,
        duration: ctx.query.duration as string | undefined,
        returnTo: ctx.query.return_to as string | undefined,
        client: ctx.ip,
      });
      ctx.redirect(url);
    } catch (error) {
      renderError(ctx, error);
    }
  });

  router.get('/console', async (ctx) => {
    let session: ConsoleSession | undefined;
    try {
      session = await currentSession(ctx);
    } catch (error) {
      return renderError(ctx, error);
    }
    if (!session) return noConsoleSession(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = consolePage({
      nonce: pageState(ctx).nonce,
      gatewayUrl: gw.baseUrl,
      switchRoleHref: switchRoleHref(session),
      accountId: session.accountId,
      accountAlias: session.accountAlias,
      identityType: session.kind === 'role' ? 'AssumedRoleUser' : 'RAMUser',
      arn: session.arn,
      roleName: session.roleName,
      userName: session.userName,
      sessionName: session.sessionName,
      provider: session.provider,
      expiration: session.credentials.Expiration,
      credentials: session.credentials,
      signOutAction: '/logout',
      csrfToken: session.csrf,
    });
  });

  router.post('/logout', async (ctx) => {
    try {
      const form = await readForm(ctx);
      const session = await storedSession(ctx);
      if (session && form.get('csrf') !== session.csrf) {
        throw new ApiError('Forbidden.CSRF', 'The sign-out did not come from the console page.', {
          check: 'csrf',
        });
      }
      if (session) await endSession(gw.store.ephemeral, session.id);
      cookies.clear(ctx);
      audit(ctx, {
        event: 'sso.logout',
        outcome: 'success',
        principal: session?.arn,
        accountId: session?.accountId,
      });
      ctx.status = 303;
      ctx.redirect('/signed-out');
    } catch (error) {
      renderError(ctx, error);
    }
  });

  async function storedSession(ctx: Context): Promise<ConsoleSession | undefined> {
    const id = await cookies.read(ctx);
    const session = id ? await loadSession(gw.store.ephemeral, id) : undefined;
    return session && session.expiresAt > gw.now() ? session : undefined;
  }

  /** The signed-in session; a revoked role session is ended and refused (InvalidSecurityToken.Revoked). */
  async function currentSession(ctx: Context): Promise<ConsoleSession | undefined> {
    const session = await storedSession(ctx);
    if (!session) return undefined;
    try {
      await assertConsoleSessionActive(gw, session);
    } catch (error) {
      if (isApiError(error) && error.code === 'InvalidSecurityToken.Revoked') {
        await endSession(gw.store.ephemeral, session.id);
        cookies.clear(ctx);
      }
      throw error;
    }
    return session;
  }

  return router;
}

/**
 * "Switch role" signs in again through the same provider, SP-initiated and without role=, so the
 * IdP's fresh assertion decides which roles the picker offers (an assertion is used once: the
 * session keeps no means to mint another role's credentials). Only when several were offered.
 */
function switchRoleHref(session: ConsoleSession): string | undefined {
  if (session.kind !== 'role' || (session.offeredRoles ?? 0) < 2 || !session.provider) return undefined;
  const provider = providerOf(session.provider);
  return provider
    ? `/login?${new URLSearchParams({ provider: `${provider.accountId}:${provider.name}` }).toString()}`
    : undefined;
}

function requiredField(form: Map<string, string>, name: string): string {
  const value = form.get(name);
  if (!value) {
    throw new ApiError('AuthenticationFail.SAMLAssertion.Invalid', `The form has no ${name} field.`, {
      check: 'size',
    });
  }
  return value;
}

/** The picker names each account by its alias, as the console does (an account without one shows its id). */
async function withAccountAliases<T extends { accountId: string }>(
  gw: Gateway,
  roles: T[],
): Promise<Array<T & { accountAlias?: string | undefined }>> {
  const ids = [...new Set(roles.map((r) => r.accountId))];
  const aliases = new Map(
    await Promise.all(
      ids.map(async (id) => {
        const alias = await gw.directory.GetAccountAlias(id).then(
          (r) => r.AccountAlias,
          () => undefined,
        );
        return [id, alias === id ? undefined : alias] as const;
      }),
    ),
  );
  return roles.map((r) => ({ ...r, accountAlias: aliases.get(r.accountId) }));
}

function spCertificates(gw: Gateway) {
  return {
    ...(gw.sp.signingCertPem ? { signingCertificate: gw.sp.signingCertPem } : {}),
    ...(gw.sp.encryptionCertPem ? { encryptionCertificates: [gw.sp.encryptionCertPem] } : {}),
  };
}
