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
}

/** What a person sees when a sign-in fails: what went wrong, the check, the request id; never a stack. */
export function errorPage(m: ErrorPageModel): string {
  return page({
    title: 'Sign-in failed',
    nonce: m.nonce,
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
      <p class="muted">
        Give the request id to your administrator: the audit log has the details. Administrators can replay
        the response offline with <code>npx ramgate diagnose</code>.
      </p>
    </div>`,
  });
}
