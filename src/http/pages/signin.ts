/**
 * The sign-in page, as Alibaba Cloud's: first the account (alias, domain or ID), then that
 * account's ways in (each SAML provider for role-based SSO, and user-based SSO when enabled).
 */
import type { AccountSignIn } from '../../sso/signin-methods.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';

export interface SignInPageModel {
  nonce: string;
  /** The account whose methods to show (looked up, or remembered). */
  account?: AccountSignIn | undefined;
  /** What was typed, when the lookup failed. */
  typed?: string | undefined;
  problem?: string | undefined;
  /** Development sign-ins of demo mode. */
  hints?: Array<{ label: string; href: string }>;
  notice?: string | undefined;
}

function accountForm(m: SignInPageModel): Html {
  return html`<form method="get" action="/signin" class="stack" novalidate>
    <label for="account">Account alias or account ID</label>
    <input
      id="account"
      name="account"
      type="text"
      autocomplete="organization"
      spellcheck="false"
      maxlength="253"
      required
      value="${m.typed ?? ''}"
      ${m.problem ? html`aria-invalid="true" aria-describedby="account-problem"` : ''}
    />
    ${m.problem ? html`<p id="account-problem" class="problem" role="alert">${m.problem}</p>` : ''}
    <p class="muted" id="account-help">
      For example <code>example</code>, <code>example.onaliyun.com</code> or <code>1234567890123456</code>.
      Your administrator can tell you which.
    </p>
    <button type="submit">Next</button>
  </form>`;
}

function methodList(a: AccountSignIn): Html {
  const name = a.accountAlias
    ? html`${a.accountAlias} <span class="muted">(${a.accountId})</span>`
    : a.accountId;
  return html`<h2>Sign in to ${name}</h2>
    ${
      a.methods.length
        ? html`<ul class="methods">
            ${a.methods.map(
              (method) =>
                html`<li>
                  <a class="button wide" href="${method.href}">${method.label}</a>
                  <small>${method.kind === 'role' ? 'Sign in to a RAM role' : 'Sign in as a RAM user'}</small>
                </li>`,
            )}
          </ul>`
        : html`<p role="alert">
            This account has no single sign-on set up yet. Ask its administrator to add a SAML provider or
            enable user-based SSO.
          </p>`
    }
    ${
      a.methods.some((method) => method.kind === 'user')
        ? html`<p class="muted" id="password-off">
            Password sign-in is off for this account: RAM users sign in through the account's identity
            provider (user-based SSO).
          </p>`
        : ''
    }
    <p><a href="/signin?change=1">Use another account</a></p>`;
}

export function signInPage(m: SignInPageModel): string {
  return page({
    title: 'Sign in',
    nonce: m.nonce,
    body: html`<div class="card narrow">
      <h1>Sign in</h1>
      ${m.notice ? html`<p class="notice" role="status">${m.notice}</p>` : ''}
      ${m.account ? methodList(m.account) : accountForm(m)}
      ${
        m.hints?.length
          ? html`<h2>Demo</h2>
              <p>
                ${m.hints.map((h) => html`<a class="button secondary" href="${h.href}">${h.label}</a> `)}
              </p>`
          : ''
      }
    </div>`,
  });
}

/** A short page with a message and where to go next (signed out, session ended, not found). */
export function messagePage(m: {
  nonce: string;
  title: string;
  message: string;
  links: Array<{ label: string; href: string }>;
}): string {
  return page({
    title: m.title,
    nonce: m.nonce,
    body: html`<div class="card narrow">
      <h1>${m.title}</h1>
      <p>${m.message}</p>
      <p class="actions">
        ${m.links.map((l, i) => html`<a class="${i === 0 ? 'button' : 'button secondary'}" href="${l.href}">${l.label}</a> `)}
      </p>
    </div>`,
  });
}
