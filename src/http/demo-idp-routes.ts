/**
 * Routes of the built-in DEVELOPMENT IdP (demo mode only): its metadata, a sign-in form listing
 * the demo users, and the auto-submitting POST of the signed response to this gateway's ACS.
 */
import { constantTimeEqual } from '../core/constant-time.js';
import Router from '@koa/router';
import { ApiError } from '../core/errors.js';
import type { DemoIdp } from '../saml/demo-idp.js';
import { parseRedirectMessage } from '../saml/redirect-binding.js';
import { attr, firstChild, parseXml, textOf } from '../saml/xml/index.js';
import type { Gateway } from '../sso/gateway.js';
import { html } from './pages/html.js';
import { page } from './pages/layout.js';
import { pageHeaders, pageState, readForm, renderError } from './web.js';

export interface DemoUser {
  username: string;
  password: string;
  nameId: string;
  displayName: string;
  /** Role names of the demo account this user may assume through the demo provider. */
  roles: string[];
}

export interface DemoIdpSetup {
  idp: DemoIdp;
  accountId: string;
  providerName: string;
  users: DemoUser[];
}

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const AUTO_SUBMIT = "document.getElementById('saml-post').submit();";

export function demoIdpRoutes(gw: Gateway, setup: DemoIdpSetup): Router {
  const router = new Router({ prefix: '/demo-idp' });
  router.use(pageHeaders);
  const targets = () => [
    { acsUrl: gw.roleSp.acsUrl, audience: gw.roleSp.entityId, kind: 'role' as const },
    {
      acsUrl: gw.userSp(setup.accountId).acsUrl,
      audience: gw.userSp(setup.accountId).entityId,
      kind: 'user' as const,
    },
  ];

  router.get('/metadata.xml', (ctx) => {
    ctx.type = 'application/samlmetadata+xml';
    ctx.body = setup.idp.metadataXml();
  });

  // IdP-initiated (?sp=role|user) or SP-initiated (SAMLRequest over HTTP-Redirect).
  router.get('/sso', (ctx) => {
    try {
      let target = targets().find((t) => t.kind === (ctx.query.sp === 'user' ? 'user' : 'role'));
      let requestId = '';
      let relayState = '';
      if (ctx.query.SAMLRequest) {
        const message = parseRedirectMessage(ctx.querystring);
        const request = parseXml(message.xml).documentElement;
        const acs = attr(request, 'AssertionConsumerServiceURL');
        const issuerEl = firstChild(request, ASSERTION_NS, 'Issuer');
        target = targets().find((t) => t.acsUrl === acs && issuerEl && textOf(issuerEl).text === t.audience);
        if (!target)
          throw new ApiError(
            'InvalidParameter',
            'The AuthnRequest names an ACS this demo IdP does not serve.',
          );
        requestId = attr(request, 'ID') ?? '';
        relayState = message.relayState ?? '';
      }
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = loginPage(pageState(ctx).nonce, setup.users, target?.kind ?? 'role', requestId, relayState);
    } catch (error) {
      renderError(ctx, error);
    }
  });

  router.post('/login', async (ctx) => {
    try {
      const form = await readForm(ctx);
      const user = setup.users.find((u) => u.username === form.get('username'));
      if (!user || !constantTimeEqual(user.password, form.get('password') ?? '')) {
        throw new ApiError('AuthenticationFail.Session', 'Unknown demo user or wrong password.');
      }
      const target =
        targets().find((t) => t.kind === form.get('sp')) ?? (targets()[0] as ReturnType<typeof targets>[0]);
      const roleAttr = user.roles.map(
        (r) =>
          `acs:ram::${setup.accountId}:role/${r},acs:ram::${setup.accountId}:saml-provider/${setup.providerName}`,
      );
      const samlResponse = setup.idp.issueResponse({
        acsUrl: target.acsUrl,
        audience: target.audience,
        nameId: user.nameId,
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        attributes: {
          'https://www.aliyun.com/SAML-Role/Attributes/Role': roleAttr,
          'https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName': [user.nameId],
        },
        inResponseTo: form.get('request') || undefined,
        now: gw.now(),
      });
      const nonce = pageState(ctx).nonce;
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = page({
        title: 'Signing in',
        nonce,
        script: AUTO_SUBMIT,
        body: html`<div class="card">
          <h1>Signing in…</h1>
          <form method="post" action="${target.acsUrl}" id="saml-post">
            <input type="hidden" name="SAMLResponse" value="${samlResponse}" />
            ${form.get('relay') ? html`<input type="hidden" name="RelayState" value="${form.get('relay') ?? ''}" />` : ''}
            <noscript><button type="submit">Continue</button></noscript>
          </form>
        </div>`,
      });
    } catch (error) {
      renderError(ctx, error);
    }
  });
  return router;
}

function loginPage(
  nonce: string,
  users: DemoUser[],
  sp: 'role' | 'user',
  requestId: string,
  relayState: string,
): string {
  return page({
    title: 'Demo IdP',
    nonce,
    body: html`<div class="card">
      <h1>Demo identity provider</h1>
      <p class="warn">
        Development only: this built-in IdP exists in demo mode so you can try ramgate without an IdP. Never
        use it in production.
      </p>
      <p>
        ${sp === 'role' ? 'Role-based SSO: you will assume a RAM role.' : 'User-based SSO: you will sign in as the RAM user.'}
      </p>
      <form method="post" action="/demo-idp/login">
        <input type="hidden" name="sp" value="${sp}" />
        <input type="hidden" name="request" value="${requestId}" />
        <input type="hidden" name="relay" value="${relayState}" />
        <p>
          <label>User <input name="username" id="username" autocomplete="username" required /></label>
        </p>
        <p>
          <label
            >Password
            <input name="password" id="password" type="password" autocomplete="current-password" required
          /></label>
        </p>
        <button type="submit" id="sign-in">Sign in</button>
      </form>
      <p class="muted">
        Demo users:
        ${users.map((u) => html`<code>${u.username}</code> / <code>${u.password}</code> (${u.displayName}) `)}
      </p>
    </div>`,
  });
}
