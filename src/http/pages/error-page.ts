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

/** What a person sees when a sign-in fails: what went wrong, the check, the request id; never a stack. */
export function errorPage(m: ErrorPageModel): string {
  return page({
    title: 'Sign-in failed',
    nonce: m.nonce,
    // A URL object's href has no quotes or angle brackets; JSON.stringify makes it a JS string.
    ...(m.cliReturn ? { script: `location.replace(${JSON.stringify(m.cliReturn)});` } : {}),
    body: html`<div class="card error">
      <h1>Sign-in failed</h1>
      <p>${m.message}</p>
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
      ${
        m.cliReturn
          ? html`<p>
              The ramgate command in your terminal has been told.
              <a id="cli-continue" href="${m.cliReturn}">Return to ramgate</a> if nothing happens.
            </p>`
          : ''
      }
      <p class="muted">
        Give the request id to your administrator: the audit log has the details. Administrators can replay
        the response offline with <code>npx ramgate diagnose</code>.
      </p>
    </div>`,
  });
}
