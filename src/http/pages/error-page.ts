import { html } from './html.js';
import { page } from './layout.js';

export interface ErrorPageModel {
  status: number;
  code: string;
  message: string;
  requestId: string;
  /** Name of the failed check (SAML verification, mapping), when there is one. */
  check?: string | undefined;
  nonce: string;
  /** A CLI login's loopback URL carrying this failure: the page moves on to it at once. */
  cliReturn?: string | undefined;
}

interface PlainWords {
  title: string;
  what: string;
  next: string;
  /** The failure concerns a SAMLResponse the IdP sent: `ramgate diagnose` can replay it. */
  response?: boolean;
}

/** What happened and what to do, in plain words, by error code (the technical detail stays below). */
function plainWords(code: string, check: string | undefined): PlainWords {
  if (check === 'role-offered')
    return {
      title: 'That role is not available to you',
      what: 'Your identity provider does not offer you the role that was asked for.',
      next: 'Sign in again and choose one of your roles, or ask your administrator to grant the role.',
    };
  switch (code) {
    case 'AuthenticationFail.SAMLAssertion.Expired':
      return {
        title: 'The sign-in took too long',
        what: "Your identity provider's answer has expired, or a clock (yours, the IdP's or ours) is wrong.",
        next: 'Sign in again. If it keeps happening, tell your administrator the request id below.',
        response: true,
      };
    case 'AuthenticationFail.SAMLAssertion.Invalid':
    case 'AuthenticationFail.IDPMetadata.Invalid':
    case 'AuthenticationFail.User.NotFound':
      return {
        title: 'Your sign-in could not be accepted',
        what: "The answer from your identity provider did not pass this gateway's checks.",
        next: 'Sign in again. If it fails again, give your administrator the request id below.',
        response: true,
      };
    case 'AuthenticationFail.Session':
      return {
        title: 'This sign-in has expired',
        what: 'The sign-in you started is no longer waiting (it expired, or was already completed).',
        next: 'Start the sign-in again.',
      };
    case 'AuthenticationFail.SSO.Disabled':
      return {
        title: 'Single sign-on is not enabled',
        what: 'This account does not accept sign-ins of RAM users through an identity provider.',
        next: 'Choose another way in on the sign-in page, or ask the account administrator.',
      };
    case 'EntityNotExist.SAMLProvider':
    case 'EntityNotExist.Account':
      return {
        title: 'We could not find that sign-in',
        what: 'The address names an account or identity provider that does not sign in here.',
        next: 'Check the address, or pick your account on the sign-in page.',
      };
    case 'Forbidden.CSRF':
      return {
        title: 'That request did not come from this site',
        what: 'For your safety the gateway only accepts this from its own pages.',
        next: 'Go back to the sign-in page and try again.',
      };
    case 'AuthenticationFail.User.Locked':
      return {
        title: 'This RAM user is locked',
        what: 'There were too many wrong passwords or MFA codes for this user, so sign-in is locked for one hour.',
        next: 'Wait an hour and sign in again, or ask an administrator of the account for help.',
      };
    case 'AuthenticationFail.Password.Expired':
      return {
        title: 'Your password has expired',
        what: 'The password policy of the account lets only an administrator reset an expired password.',
        next: 'Ask an administrator of the account to set a new password for you.',
      };
    case 'AuthenticationFail.LoginProfile.Inactive':
      return {
        title: 'Console sign-in is disabled for you',
        what: 'The password is right, but an administrator has disabled console sign-in for this RAM user.',
        next: 'Ask an administrator of the account to enable it.',
      };
    case 'AuthenticationFail.LoginNetworkMask':
      return {
        title: 'Sign-in is not allowed from this network',
        what: 'The account allows console sign-in only from certain network addresses.',
        next: 'Sign in from your organisation’s network, or ask an administrator of the account.',
      };
    case 'AuthenticationFail.MFA.Invalid':
      return {
        title: 'Too many wrong MFA codes',
        what: 'This sign-in has ended after several wrong codes.',
        next: 'Sign in again; type the code your authenticator app shows at that moment.',
      };
    case 'Throttling':
    case 'Throttling.User':
      return {
        title: 'Too many attempts',
        what: 'Too many requests came from your address in a short time.',
        next: 'Wait a minute, then try again.',
      };
    default:
      return {
        title: 'Sign-in failed',
        what: 'Something went wrong while signing you in.',
        next: 'Try again. If it keeps failing, give your administrator the request id below.',
      };
  }
}

/** What a person sees when a sign-in fails: plain words and what to do, the technical detail below; never a stack. */
export function errorPage(m: ErrorPageModel): string {
  const words = plainWords(m.code, m.check);
  return page({
    title: words.title,
    nonce: m.nonce,
    // A URL object's href has no quotes or angle brackets; JSON.stringify makes it a JS string.
    ...(m.cliReturn ? { script: `location.replace(${JSON.stringify(m.cliReturn)});` } : {}),
    body: html`<div class="card error">
      <h1>${words.title}</h1>
      <p>${words.what}</p>
      <p><strong>What to do:</strong> ${words.next}</p>
      ${
        m.cliReturn
          ? html`<p>
              The ramgate command in your terminal has been told.
              <a id="cli-continue" href="${m.cliReturn}">Return to ramgate</a> if nothing happens.
            </p>`
          : html`<p class="actions">
              <a class="button" href="/signin">Sign in again</a>
              <a class="button secondary" href="/">Home</a>
            </p>`
      }
      <h2>Technical details</h2>
      <p class="detail">${m.message}</p>
      <dl>
        <dt>Error code</dt>
        <dd><code>${m.code}</code></dd>
        ${
          m.check
            ? html`<dt>Failed check</dt>
                <dd><code>${m.check}</code></dd>`
            : ''
        }
        <dt>HTTP status</dt>
        <dd>${m.status}</dd>
        <dt>Request id</dt>
        <dd><code>${m.requestId}</code></dd>
      </dl>
      <p class="muted">
        Give the request id to your administrator: the audit log has the details.
        ${
          words.response
            ? html`Administrators can replay the SAMLResponse (saved from the browser's network panel, the
                form POST to this gateway) offline with
                <code>npx ramgate diagnose response.xml --config ramgate.yaml</code>.`
            : ''
        }
      </p>
    </div>`,
  });
}
