/**
 * SP-initiated login (GET /login): an AuthnRequest over HTTP-Redirect to the IdP of a role-based
 * provider (`provider=<account>:<name>` or `provider=<name>&account=<id>`, or a provider ARN) or
 * of an account's user-based SSO (`account=<id>` alone). The request ID and where to return are
 * kept server-side; the IdP's RelayState carries nothing we trust.
 */
import { ApiError } from '../core/errors.js';
import { startAuthnRequest } from '../saml/authn-request.js';
import type { IdpMetadata } from '../saml/metadata.js';
import { loadIdpMetadata } from '../saml/metadata.js';
import type { SpDescription } from '../saml/sp-metadata.js';
import type { RedirectSignAlgo } from '../saml/redirect-binding.js';
import type { Gateway } from './gateway.js';
import { safeReturnPath } from './role-sso.js';

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export interface LoginRequest {
  provider?: string | undefined;
  account?: string | undefined;
  role?: string | undefined;
  /** Requested session length in seconds (the CLI's --duration). */
  duration?: string | undefined;
  returnTo?: string | undefined;
  /** Set by the CLI flow: the state that binds the result to the CLI's request. */
  cli?: string | undefined;
}

function redirectEndpoint(metadata: IdpMetadata): string {
  const endpoint = metadata.ssoServices.find((s) => s.binding === REDIRECT_BINDING);
  if (!endpoint) {
    throw new ApiError(
      'AuthenticationFail.IDPMetadata.Invalid',
      'The IdP metadata has no HTTP-Redirect SingleSignOnService.',
      {
        check: 'metadata',
      },
    );
  }
  return endpoint.location;
}

interface LoginTarget {
  sp: SpDescription;
  metadata: IdpMetadata;
  signAlgo: RedirectSignAlgo;
  context: Record<string, string>;
}

async function target(gw: Gateway, req: LoginRequest): Promise<LoginTarget> {
  const account = req.account && /^[0-9]{1,32}$/.test(req.account) ? req.account : undefined;
  if (req.provider) {
    const [acct, name] = req.provider.startsWith('acs:')
      ? [undefined, undefined]
      : req.provider.includes(':')
        ? req.provider.split(':', 2)
        : [account, req.provider];
    const provider = req.provider.startsWith('acs:')
      ? await gw.providers.byArn(req.provider)
      : acct && name
        ? await gw.providers.byName(acct, name)
        : undefined;
    if (!provider)
      throw new ApiError(
        'EntityNotExist.SAMLProvider',
        `No SAML provider "${req.provider}"${account ? ` in account ${account}` : ''}.`,
      );
    return {
      sp: gw.roleSp,
      metadata: provider.metadata,
      signAlgo: provider.allowSha1 ? 'rsa-sha1' : 'rsa-sha256',
      context: { provider: provider.arn },
    };
  }
  if (!account)
    throw new ApiError(
      'MissingParameter',
      'Name a provider (provider=<account>:<name>) or an account (account=<id>).',
    );
  const settings = await gw.directory.userSsoConfig(account);
  if (!settings)
    throw new ApiError(
      'AuthenticationFail.SSO.Disabled',
      `User-based SSO is not enabled for account ${account}.`,
    );
  const sp: SpDescription = gw.userSp(account);
  return {
    sp,
    metadata: loadIdpMetadata(settings.metadataXml),
    signAlgo: settings.authnSignAlgo,
    context: { account },
  };
}

/**
 * What /login would do for this request, without building or remembering an AuthnRequest: the
 * provider ARN (or `account:<id>` for user-based SSO), or the ApiError the sign-in would fail with.
 */
export async function checkLoginTarget(gw: Gateway, req: LoginRequest): Promise<string> {
  const t = await target(gw, req);
  redirectEndpoint(t.metadata);
  return t.context.provider ?? `account:${t.context.account ?? ''}`;
}

/** Build and remember the AuthnRequest; returns the URL to send the browser to. */
export async function startSpInitiatedLogin(gw: Gateway, req: LoginRequest): Promise<string> {
  const t = await target(gw, req);
  const returnTo = safeReturnPath(req.returnTo);
  const built = await startAuthnRequest(gw.store.ephemeral, {
    idpSsoUrl: redirectEndpoint(t.metadata),
    spEntityId: t.sp.entityId,
    acsUrl: t.sp.acsUrl,
    ...(gw.sp.signingKey ? { signingKey: gw.sp.signingKey, signAlgo: t.signAlgo } : {}),
    ...(returnTo ? { returnTo } : {}),
    context: {
      ...t.context,
      ...(req.role ? { role: req.role } : {}),
      ...(req.duration && /^[0-9]{1,6}$/.test(req.duration) ? { duration: req.duration } : {}),
      ...(req.cli ? { cli: req.cli } : {}),
    },
    now: gw.now,
  });
  return built.url;
}
