import { html } from './html.js';
import { page } from './layout.js';

export function homePage(m: { nonce: string; hints: Array<{ label: string; href: string }> }): string {
  return page({
    title: 'Sign in',
    nonce: m.nonce,
    body: html`<div class="card">
      <h1>ramgate</h1>
      <p>SAML single sign-on to RAM roles and users, with STS temporary credentials.</p>
      ${
        m.hints.length
          ? html`<p>${m.hints.map((h) => html`<a class="button" href="${h.href}">${h.label}</a> `)}</p>`
          : html`<p class="muted">
              Start from your identity provider's portal, or open
              <code>/login?provider=&lt;account&gt;:&lt;provider&gt;</code>.
            </p>`
      }
    </div>`,
  });
}
