import { html } from './html.js';
import { page } from './layout.js';

export interface ConsoleModel {
  nonce: string;
  accountId: string;
  accountAlias?: string | undefined;
  identityType: 'AssumedRoleUser' | 'RAMUser';
  arn: string;
  roleName?: string | undefined;
  userName?: string | undefined;
  sessionName: string;
  provider?: string | undefined;
  expiration: string;
  credentials: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string; Expiration: string };
  signOutAction: string;
  csrfToken: string;
}

const REVEAL_SCRIPT = `
document.querySelectorAll('[data-reveal]').forEach(function (button) {
  button.addEventListener('click', function () {
    var target = document.getElementById(button.getAttribute('data-reveal'));
    var hidden = target.hasAttribute('hidden');
    if (hidden) target.removeAttribute('hidden'); else target.setAttribute('hidden', '');
    button.textContent = hidden ? 'Hide' : 'Reveal';
  });
});
document.querySelectorAll('[data-copy]').forEach(function (button) {
  button.addEventListener('click', function () {
    var text = document.getElementById(button.getAttribute('data-copy')).textContent;
    navigator.clipboard.writeText(text).then(function () { button.textContent = 'Copied'; },
      function () { button.textContent = 'Copy failed'; });
  });
});
`;

/** After sign-in: who you are, until when, and the temporary credentials. */
export function consolePage(m: ConsoleModel): string {
  const c = m.credentials;
  const env = [
    `export ALIBABA_CLOUD_ACCESS_KEY_ID=${c.AccessKeyId}`,
    `export ALIBABA_CLOUD_ACCESS_KEY_SECRET=${c.AccessKeySecret}`,
    `export ALIBABA_CLOUD_SECURITY_TOKEN=${c.SecurityToken}`,
  ].join('\n');
  const json = JSON.stringify(c, null, 2);
  const secretRow = (id: string, label: string, value: string) =>
    html`<dt>${label}</dt>
      <dd>
        <span class="masked">••••••••</span>
        <button type="button" class="secondary" data-reveal="${id}">Reveal</button>
        <button type="button" class="secondary" data-copy="${id}">Copy</button>
        <div class="secret" id="${id}" hidden>${value}</div>
      </dd>`;
  return page({
    title: 'Console',
    nonce: m.nonce,
    script: REVEAL_SCRIPT,
    body: html`<div class="card">
        <h1>Signed in</h1>
        <dl id="identity">
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
          <dd id="arn">${m.arn}</dd>
          ${
            m.provider
              ? html`<dt>Identity provider</dt>
                  <dd>${m.provider}</dd>`
              : ''
          }
          <dt>Session expires</dt>
          <dd id="expiration">${m.expiration}</dd>
        </dl>
      </div>
      <div class="card">
        <h2>Temporary credentials</h2>
        <dl>
          <dt>AccessKeyId</dt>
          <dd class="secret" id="access-key-id">${c.AccessKeyId}</dd>
          ${secretRow('access-key-secret', 'AccessKeySecret', c.AccessKeySecret)}
          ${secretRow('security-token', 'SecurityToken', c.SecurityToken)}
        </dl>
        <h2>Shell</h2>
        <button type="button" class="secondary" data-copy="env-lines">Copy</button>
        <button type="button" class="secondary" data-reveal="env-lines">Reveal</button>
        <pre id="env-lines" hidden>${env}</pre>
        <h2>JSON</h2>
        <button type="button" class="secondary" data-copy="json-credentials">Copy</button>
        <button type="button" class="secondary" data-reveal="json-credentials">Reveal</button>
        <pre id="json-credentials" hidden>${json}</pre>
      </div>
      <form method="post" action="${m.signOutAction}">
        <input type="hidden" name="csrf" value="${m.csrfToken}" />
        <button type="submit" id="sign-out">Sign out</button>
      </form>`,
  });
}
