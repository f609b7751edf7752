/**
 * The sign-in page's lookup (as signin.aliyun.com asks for an account alias first): an account
 * alias, default domain, domain alias or account id → the account and how its people sign in:
 * each role-based SAML provider, and user-based SSO when it is enabled (else password sign-in). The same facts /login's
 * errors already reveal; no more.
 */
import { ApiError, isApiError } from '../core/errors.js';
import type { Gateway } from './gateway.js';

export interface SignInMethod {
  label: string;
  /** A same-origin path that starts the sign-in. */
  href: string;
  kind: 'role' | 'user' | 'password';
}

export interface AccountSignIn {
  accountId: string;
  accountAlias?: string | undefined;
  methods: SignInMethod[];
}

const ACCOUNT_ID = /^[0-9]{1,32}$/;
const ALIAS_OR_DOMAIN = /^[a-z0-9][a-z0-9.-]{0,252}$/;
export const MAX_ACCOUNT_INPUT = 253;

function notFound(input: string): ApiError {
  return new ApiError('EntityNotExist.Account', `No account "${input}" signs in here.`, { check: 'account' });
}

async function accountIdOf(gw: Gateway, raw: string): Promise<string> {
  const input = raw.trim().toLowerCase();
  if (input.length === 0 || input.length > MAX_ACCOUNT_INPUT)
    throw new ApiError('InvalidParameter.AccountAlias', 'Type the account alias or account ID.', {
      check: 'account',
    });
  if (ACCOUNT_ID.test(input)) return input;
  if (!ALIAS_OR_DOMAIN.test(input)) throw notFound(raw.trim());
  const domain = input.includes('.') ? input : `${input}.onaliyun.com`;
  const id = await gw.directory.findAccountByDomain(domain);
  if (!id) throw notFound(raw.trim());
  return id;
}

/** The account named by `input` and its sign-in methods; EntityNotExist.Account when there is none. */
export async function accountSignIn(gw: Gateway, input: string): Promise<AccountSignIn> {
  const accountId = await accountIdOf(gw, input);
  let alias: string | undefined;
  try {
    alias = (await gw.directory.GetAccountAlias(accountId)).AccountAlias as string | undefined;
  } catch (error) {
    if (isApiError(error) && error.code === 'EntityNotExist.Account') throw notFound(input.trim());
    throw error;
  }
  const listed = (await gw.directory.ListSAMLProviders(accountId, { MaxItems: 100 })) as {
    SAMLProviders?: { SAMLProvider?: Array<{ SAMLProviderName: string; Description?: string }> };
  };
  const methods: SignInMethod[] = (listed.SAMLProviders?.SAMLProvider ?? []).map((p) => ({
    kind: 'role',
    label: p.Description ? `${p.Description} (${p.SAMLProviderName})` : p.SAMLProviderName,
    href: `/login?${new URLSearchParams({ provider: `${accountId}:${p.SAMLProviderName}` })}`,
  }));
  // User-based SSO on turns password sign-in off (reference: "password login is switched off").
  if (await gw.directory.userSsoConfig(accountId))
    methods.push({ kind: 'user', label: 'RAM user (user-based SSO)', href: `/login?account=${accountId}` });
  else
    methods.push({
      kind: 'password',
      label: 'Sign in with a RAM user name and password',
      href: `/signin/user?account=${accountId}`,
    });
  return { accountId, accountAlias: alias === accountId ? undefined : alias, methods };
}
