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
import { checkedDuration, checkedProvider, checkedReturnTo, checkedRole } from './login-params.js';

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
  /** The client address the pending request is counted against (its budget, budgets.ts). */
  client: string;
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

export interface LoginTarget {
  sp: SpDescription;
  metadata: IdpMetadata;
  signAlgo: RedirectSignAlgo;
  context: Record<string, string>;
}

async function target(gw: Gateway, req: LoginRequest): Promise<LoginTarget> {
  const account = req.account && /^[0-9]{1,32}$/.test(req.account) ? req.account : undefined;
  const named = checkedProvider(req.provider);
  if (named) {
    const [acct, name] = named.startsWith('acs:')
      ? [undefined, undefined]
      : named.includes(':')
        ? named.split(':', 2)
        : [account, named];
    const provider = named.startsWith('acs:')
      ? await gw.providers.byArn(named)
      : acct && name
        ? await gw.providers.byName(acct, name)
        : undefined;
    if (!provider)
      throw new ApiError(
        'EntityNotExist.SAMLProvider',
        `No SAML provider "${named}"${account ? ` in account ${account}` : ''}.`,
      );
    const role = checkedRole(req.role, provider.accountId);
    return {
      sp: gw.roleSp,
      metadata: provider.metadata,
      signAlgo: provider.allowSha1 ? 'rsa-sha1' : 'rsa-sha256',
      context: { provider: provider.arn, ...(role ? { role } : {}) },
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

/** A login whose parameters were checked and whose IdP is known; nothing is stored yet. */
export interface LoginPlan {
  target: LoginTarget;
  returnTo: string | undefined;
  duration: string | undefined;
  req: LoginRequest;
}

/** Check every parameter and find the IdP, storing nothing (a refusal leaves no trace). */
export async function planSpInitiatedLogin(gw: Gateway, req: LoginRequest): Promise<LoginPlan> {
  const returnTo = checkedReturnTo(req.returnTo);
  const duration = checkedDuration(req.duration);
  return { target: await target(gw, req), returnTo, duration, req };
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
  return beginPlannedLogin(gw, await planSpInitiatedLogin(gw, req));
}

/** Store the pending AuthnRequest of a checked login; returns the IdP URL. */
export async function beginPlannedLogin(gw: Gateway, plan: LoginPlan): Promise<string> {
  const { target: t, returnTo, duration, req } = plan;
  const built = await startAuthnRequest(gw.store.ephemeral, {
    idpSsoUrl: redirectEndpoint(t.metadata),
    spEntityId: t.sp.entityId,
    acsUrl: t.sp.acsUrl,
    ...(gw.sp.signingKey ? { signingKey: gw.sp.signingKey, signAlgo: t.signAlgo } : {}),
    ...(returnTo ? { returnTo } : {}),
    context: {
      ...t.context,
      ...(duration ? { duration } : {}),
      ...(req.cli ? { cli: req.cli } : {}),
    },
    client: req.client,
    now: gw.now,
  });
  return built.url;
}
