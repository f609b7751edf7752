/**
 * The pages of password sign-in for RAM users: the logon form, the MFA code, the forced password
 * change and the MFA binding. Every form carries the double-submit token; problems are said in
 * plain words with the code and request id below, as on the other sign-in pages.
 */
import { html, type Html } from './html.js';
import { page } from './layout.js';

export interface Problem {
  message: string;
  code: string;
  requestId: string;
}

export interface LogonFormModel {
  nonce: string;
  csrf: string;
  /** The account chosen on the sign-in page: the user types only the user name. */
  account?: { accountId: string; accountAlias?: string | undefined; domain: string } | undefined;
  logonName?: string | undefined;
  problem?: Problem | undefined;
  maxLogonName: number;
  maxPassword: number;
}

function problemBlock(id: string, p: Problem | undefined): Html | string {
  if (!p) return '';
  return html`<div id="${id}" class="problem-box" role="alert">
    <p class="problem">${p.message}</p>
    <p class="muted">Error code <code>${p.code}</code> · request id <code>${p.requestId}</code></p>
  </div>`;
}

const described = (p: Problem | undefined, id: string) =>
  p ? html`aria-invalid="true" aria-describedby="${id}"` : '';

function passwordInput(id: string, autocomplete: string, max: number, aria: Html | string): Html {
  return html`<input
    id="${id}"
    name="${id}"
    type="password"
    autocomplete="${autocomplete}"
    maxlength="${max}"
    required
    ${aria}
  />`;
}

function card(title: string, body: Html): Html {
  return html`<div class="card narrow">
    <h1>${title}</h1>
    ${body}
  </div>`;
}

export function logonPage(m: LogonFormModel): string {
  const a = m.account;
  const who = a ? (a.accountAlias ?? a.accountId) : undefined;
  return page({
    title: 'Sign in as a RAM user',
    nonce: m.nonce,
    body: card(
      'Sign in as a RAM user',
      html`${who ? html`<p>Account <strong>${who}</strong> <a href="/signin?change=1">Use another account</a></p>` : ''}
        <form method="post" action="/signin/user" class="stack" novalidate>
          ${problemBlock('logon-problem', m.problem)}
          <input type="hidden" name="csrf" value="${m.csrf}" />
          ${a ? html`<input type="hidden" name="account" value="${a.accountId}" />` : ''}
          <label for="logon-name">${a ? 'User name' : 'Logon name'}</label>
          <input
            id="logon-name"
            name="logon-name"
            type="text"
            autocomplete="username"
            autocapitalize="none"
            spellcheck="false"
            maxlength="${m.maxLogonName}"
            required
            value="${m.logonName ?? ''}"
            aria-describedby="logon-help"
            ${m.problem ? html`aria-invalid="true"` : ''}
          />
          <p class="muted" id="logon-help">
            ${
              a
                ? html`Your RAM user name, for example <code>alice</code> (or
                    <code>alice@${a.domain}</code>).`
                : html`<code>&lt;user name&gt;@&lt;default domain&gt;</code>, for example
                    <code>alice@example.onaliyun.com</code>, or a domain alias of the account.`
            }
          </p>
          <label for="password">Password</label>
          ${passwordInput('password', 'current-password', m.maxPassword, described(m.problem, 'logon-problem'))}
          <button type="submit" id="sign-in">Sign in</button>
        </form>
        <p class="muted">
          Signing in with an identity provider instead? <a href="/signin">Back to the sign-in page</a>
        </p>`,
    ),
  });
}

export interface StepPageModel {
  nonce: string;
  csrf: string;
  pendingId: string;
  userName: string;
  problem?: Problem | undefined;
}

function stepForm(m: StepPageModel, step: string, fields: Html, submit: string): Html {
  return html`<form method="post" action="/signin/user/step" class="stack" novalidate>
    ${problemBlock('step-problem', m.problem)}
    <input type="hidden" name="csrf" value="${m.csrf}" />
    <input type="hidden" name="pending" value="${m.pendingId}" />
    <input type="hidden" name="step" value="${step}" />
    <input type="text" name="username" value="${m.userName}" autocomplete="username" hidden readonly />
    ${fields}
    <button type="submit" id="continue">${submit}</button>
  </form>`;
}

function codeInput(id: string, label: string, problem: Problem | undefined, autofocus = false): Html {
  return html`<label for="${id}">${label}</label>
    <input
      id="${id}"
      name="${id}"
      type="text"
      inputmode="numeric"
      pattern="[0-9]{6}"
      minlength="6"
      maxlength="6"
      autocomplete="one-time-code"
      required
      ${autofocus ? 'autofocus' : ''}
      ${described(problem, 'step-problem')}
    />`;
}

export function mfaPage(m: StepPageModel): string {
  return page({
    title: 'MFA code',
    nonce: m.nonce,
    body: card(
      'Type your MFA code',
      html`<p>
          Open the authenticator app of <strong>${m.userName}</strong> and type the 6-digit code it shows now.
        </p>
        ${stepForm(m, 'mfa', codeInput('code', 'MFA code', m.problem, true), 'Verify')}`,
    ),
  });
}

export function changePasswordPage(m: StepPageModel & { reason: 'reset' | 'expired' | undefined }): string {
  const why =
    m.reason === 'expired'
      ? 'Your password has expired under the password policy of the account.'
      : 'An administrator asked you to set a new password at your next sign-in.';
  const newField = (id: string, label: string) =>
    html`<label for="${id}">${label}</label>
      ${passwordInput(id, 'new-password', 128, described(m.problem, 'step-problem'))}`;
  return page({
    title: 'Set a new password',
    nonce: m.nonce,
    body: card(
      'Set a new password',
      html`<p>
          ${why} Choose a new password for <strong>${m.userName}</strong>; it must meet the password policy
          and differ from your recent ones.
        </p>
        ${stepForm(m, 'change-password', html`${newField('new-password', 'New password')}${newField('confirm-password', 'New password again')}`, 'Set password')}`,
    ),
  });
}

export function bindMfaPage(m: StepPageModel & { qrPngBase64: string; seed: string }): string {
  return page({
    title: 'Set up MFA',
    nonce: m.nonce,
    body: card(
      'Set up an MFA device',
      html`<p>
          This account asks <strong>${m.userName}</strong> to sign in with multi-factor authentication.
        </p>
        <ol>
          <li>Scan this QR code with an authenticator app (or type the key below).</li>
          <li>Type the code it shows, wait for the next code, and type that one too.</li>
        </ol>
        <img
          class="qr"
          src="data:image/png;base64,${m.qrPngBase64}"
          alt="QR code of your new MFA device"
          width="200"
          height="200"
        />
        <p>Key: <code class="secret" id="mfa-secret">${m.seed}</code></p>
        ${stepForm(
          m,
          'bind-mfa',
          html`${codeInput('code1', 'First code', m.problem, true)}${codeInput('code2', 'Next code', m.problem)}`,
          'Bind and sign in',
        )}`,
    ),
  });
}
