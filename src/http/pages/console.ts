import { CONSOLE_SCRIPT } from './console-script.js';
import {
  aliyunConfigureLine,
  bashExports,
  powerShellLines,
  profileNameFor,
  ramgateLoginLine,
  type SnippetCredentials,
} from './credential-snippets.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';

export interface ConsoleModel {
  nonce: string;
  /** The gateway's public base URL (for the `ramgate login` line). */
  gatewayUrl: string;
  accountId: string;
  accountAlias?: string | undefined;
  identityType: 'AssumedRoleUser' | 'RAMUser';
  arn: string;
  roleName?: string | undefined;
  userName?: string | undefined;
  sessionName: string;
  /** The SAML provider ARN (role SSO) or the IdP's entityID (user SSO). */
  provider?: string | undefined;
  expiration: string;
  credentials: SnippetCredentials;
  /** Set when the assertion offered several roles: signs in again for the picker. */
  switchRoleHref?: string | undefined;
  signOutAction: string;
  csrfToken: string;
}

/** A value shown only on request: its mask, the value (hidden), Reveal and Copy with their own names. */
function secretRow(id: string, label: string, value: string): Html {
  return html`<dt>${label}</dt>
    <dd>
      <span class="masked" id="${id}-mask" aria-hidden="true">••••••••</span>
      <code class="secret block" id="${id}" hidden>${value}</code>
      <span class="buttons"> ${revealButton(id, label)}${copyButton(id, label)} </span>
    </dd>`;
}

function revealButton(id: string, label: string): Html {
  return html`<button
    type="button"
    class="secondary"
    data-reveal="${id}"
    data-label="${label}"
    aria-controls="${id}"
    aria-expanded="false"
    aria-label="Reveal ${label}"
  >
    Reveal
  </button>`;
}

function copyButton(id: string, label: string): Html {
  return html`<button
    type="button"
    class="secondary"
    data-copy="${id}"
    data-label="${label}"
    aria-label="Copy ${label}"
  >
    Copy
  </button>`;
}

/** A block of lines that holds the secret: hidden behind a mask until revealed. */
function secretBlock(id: string, title: string, label: string, lines: string, help: Html | string): Html {
  return html`<section aria-labelledby="${id}-title">
    <h3 id="${id}-title">${title}</h3>
    <p class="muted">${help}</p>
    <p class="buttons">${revealButton(id, label)}${copyButton(id, label)}</p>
    <p class="note" id="${id}-mask">Hidden: these lines contain the secret.</p>
    <pre id="${id}" hidden>${lines}</pre>
  </section>`;
}

function identityList(m: ConsoleModel): Html {
  return html`<dl id="identity">
    <dt>Account</dt>
    <dd>${m.accountAlias ? `${m.accountAlias} (${m.accountId})` : m.accountId}</dd>
    ${
      m.roleName
        ? html`<dt>Role</dt>
            <dd id="role-name">${m.roleName}</dd>`
        : ''
    }
    ${
      m.userName
        ? html`<dt>RAM user</dt>
            <dd id="user-name">${m.userName}</dd>`
        : ''
    }
    <dt>Session name</dt>
    <dd id="session-name">${m.sessionName}</dd>
    <dt>ARN</dt>
    <dd id="arn" class="wrap">${m.arn}</dd>
    ${
      m.provider
        ? html`<dt>Identity provider</dt>
            <dd class="wrap">${m.provider}</dd>`
        : ''
    }
    <dt>Session expires</dt>
    <dd>
      <span id="expiration-local" hidden></span> <span id="time-remaining" class="muted"></span>
      <span class="muted utc"
        ><time id="expiration" datetime="${m.expiration}">${m.expiration}</time> (UTC)</span
      >
    </dd>
  </dl>`;
}

/** After sign-in: who you are, until when, and the temporary credentials in the forms tools take. */
export function consolePage(m: ConsoleModel): string {
  const c = m.credentials;
  const profile = profileNameFor(m.accountAlias ?? m.accountId, m.roleName ?? m.userName);
  const loginLine = ramgateLoginLine({
    gatewayUrl: m.gatewayUrl,
    providerArn: m.identityType === 'AssumedRoleUser' ? m.provider : undefined,
    roleName: m.roleName,
    profile,
  });
  return page({
    title: 'Console',
    nonce: m.nonce,
    script: CONSOLE_SCRIPT,
    body: html`<div class="card">
        <h1>Signed in</h1>
        <p id="expired-notice" class="expired" role="alert" hidden>
          These temporary credentials have expired: tools using them are refused from now on.
          <a href="/signin">Sign in again</a> for new ones.
        </p>
        ${identityList(m)}
        <div class="actions session-actions">
          ${m.switchRoleHref ? html`<a class="button secondary" id="switch-role" href="${m.switchRoleHref}">Switch role</a>` : ''}
          <form method="post" action="${m.signOutAction}">
            <input type="hidden" name="csrf" value="${m.csrfToken}" />
            <button type="submit" id="sign-out">Sign out</button>
          </form>
        </div>
      </div>
      <div class="card">
        <h2>Temporary credentials</h2>
        <dl>
          <dt>AccessKeyId</dt>
          <dd>
            <code class="secret" id="access-key-id">${c.AccessKeyId}</code>
            <span class="buttons">${copyButton('access-key-id', 'AccessKeyId')}</span>
          </dd>
          ${secretRow('access-key-secret', 'AccessKeySecret', c.AccessKeySecret)}
          ${secretRow('security-token', 'SecurityToken', c.SecurityToken)}
        </dl>
        <h2>Use them</h2>
        ${secretBlock('env-lines', 'Bash or zsh', 'shell exports', bashExports(c), 'Paste into a terminal; the SDKs and the aliyun CLI read these variables.')}
        ${secretBlock('powershell-lines', 'PowerShell', 'PowerShell lines', powerShellLines(c), 'Paste into a PowerShell window.')}
        ${secretBlock(
          'aliyun-configure',
          'aliyun CLI profile',
          'aliyun configure command',
          aliyunConfigureLine(c, profile),
          html`Writes the StsToken profile <code>${profile}</code>; use it with
            <code>--profile ${profile}</code>. Change the region if yours differs.`,
        )}
        ${secretBlock('json-credentials', 'JSON', 'JSON credentials', JSON.stringify(c, null, 2), 'As STS AssumeRoleWithSAML returns them.')}
        ${
          loginLine
            ? html`<section aria-labelledby="ramgate-login-title">
                <h3 id="ramgate-login-title">From a terminal, without this page</h3>
                <p class="muted">
                  <code>ramgate login</code> signs in through your browser and keeps the profile fresh
                  (credential process):
                </p>
                <p class="buttons">${copyButton('ramgate-login', 'ramgate login command')}</p>
                <pre id="ramgate-login">${loginLine}</pre>
              </section>`
            : ''
        }
      </div>
      <p id="copy-status" class="visually-hidden" role="status" aria-live="polite"></p>`,
  });
}
