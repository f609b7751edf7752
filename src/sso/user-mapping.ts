/**
 * User-based SSO: which RAM user a NameID names (reference §1.2, §1.7). With SsoLoginWithDomain
 * the NameID is `<user>@<domain>` where the domain is the default domain, the domain alias, or —
 * only when no domain alias is set — the auxiliary domain; without it the NameID is the bare user name.
 */
import { ApiError } from '../core/errors.js';

export interface UserDomains {
  defaultDomain: string;
  domainAlias?: string | undefined;
  auxiliaryDomain?: string | undefined;
  ssoLoginWithDomain: boolean;
}

function refuse(message: string): ApiError {
  return new ApiError('AuthenticationFail.User.NotFound', message, { check: 'user-mapping' });
}

export function acceptedDomains(d: UserDomains): string[] {
  const domains = [d.defaultDomain];
  if (d.domainAlias) domains.push(d.domainAlias);
  else if (d.auxiliaryDomain) domains.push(d.auxiliaryDomain);
  return domains.map((x) => x.toLowerCase());
}

/** The RAM user name the NameID names, or an error saying which form was expected. */
export function userNameFromNameId(nameId: string | undefined, d: UserDomains): string {
  if (!nameId)
    throw refuse('The SAML assertion has no NameID; user-based SSO identifies the RAM user by it.');
  const at = nameId.lastIndexOf('@');
  if (!d.ssoLoginWithDomain) {
    if (at >= 0) {
      throw refuse(
        `The NameID "${nameId.slice(0, 128)}" must be a bare user name: SsoLoginWithDomain is false.`,
      );
    }
    return nameId;
  }
  const domains = acceptedDomains(d);
  const domain = at > 0 ? nameId.slice(at + 1).toLowerCase() : '';
  if (!domains.includes(domain)) {
    throw refuse(`The NameID "${nameId.slice(0, 128)}" must be <user>@${domains.join(' or <user>@')}.`);
  }
  return nameId.slice(0, at);
}
