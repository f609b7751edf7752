/**
 * User-based SSO: which RAM user a SAML NameID names (reference §1.7). With SsoLoginWithDomain
 * (default) the NameID is `<name>@<domain>`, the domain being the default domain, the domain
 * alias, or — only when no domain alias is set — the auxiliary domain; without it the NameID is
 * the bare name. Domains compare case-insensitively, user names too (as every lookup).
 */
import { ApiError } from '../errors.js';
import { defaultDomain, requireAccount } from './accounts.js';
import { clip, nameKey } from './rules.js';
import { userSsoConfig } from './sso-settings.js';
import { C, read, type DirectoryContext } from './storage.js';
import { userShape, type UserRecord } from './users.js';

export async function resolveSsoUser(ctx: DirectoryContext, accountId: string, nameId: string) {
  const account = await requireAccount(ctx, accountId);
  const settings = await userSsoConfig(ctx, accountId);
  if (!settings)
    throw new ApiError('AuthenticationFail.SSO.Disabled', `User-based SSO is off for account ${accountId}.`);
  const notFound = (why: string) =>
    new ApiError(
      'AuthenticationFail.User.NotFound',
      `The NameID "${clip(nameId)}" names no RAM user: ${why}.`,
    );
  let userName = nameId;
  if (settings.ssoLoginWithDomain) {
    const at = nameId.lastIndexOf('@');
    if (at <= 0) throw notFound('SsoLoginWithDomain requires <name>@<domain>');
    const domain = nameKey(nameId.slice(at + 1));
    const allowed = [defaultDomain(account), account.DomainAlias ?? settings.auxiliaryDomain].filter(
      (d): d is string => !!d,
    );
    if (!allowed.includes(domain)) throw notFound(`the domain must be ${allowed.join(' or ')}`);
    userName = nameId.slice(0, at);
  } else if (nameId.includes('@')) {
    throw notFound('SsoLoginWithDomain is false, so the NameID must be the bare user name');
  }
  const user = await read<UserRecord>(ctx, accountId, C.user, nameKey(userName));
  if (!user) throw notFound('no such user');
  return userShape(account, user);
}
