import { html } from './html.js';
import { page } from './layout.js';

export interface RolePickerModel {
  nonce: string;
  pendingId: string;
  csrfToken: string;
  action: string;
  subject: string;
  roles: Array<{
    value: string;
    roleName: string;
    accountId: string;
    accountAlias?: string | undefined;
    roleArn: string;
    providerArn: string;
  }>;
}

/** Several roles offered: the person picks one (like Alibaba's role selection page). */
export function rolePickerPage(m: RolePickerModel): string {
  return page({
    title: 'Choose a role',
    nonce: m.nonce,
    body: html`<div class="card">
      <h1>Choose a role</h1>
      <p class="muted">
        Signed in as <strong>${m.subject}</strong>. Your identity provider offers several roles.
      </p>
      <form method="post" action="${m.action}" id="role-picker">
        <input type="hidden" name="pending" value="${m.pendingId}" />
        <input type="hidden" name="csrf" value="${m.csrfToken}" />
        <fieldset>
          <legend>Role to sign in to</legend>
          <ul class="roles">
            ${m.roles.map(
              (r, i) =>
                html`<li>
                  <label
                    ><input type="radio" name="role" value="${r.value}" ${i === 0 ? 'checked' : ''} />
                    <span
                      ><strong>${r.roleName}</strong
                      ><small
                        >Account ${r.accountAlias ? `${r.accountAlias} (${r.accountId})` : r.accountId} ·
                        ${r.roleArn}</small
                      ></span
                    ></label
                  >
                </li>`,
            )}
          </ul>
        </fieldset>
        <button type="submit">Sign in</button>
      </form>
    </div>`,
  });
}
