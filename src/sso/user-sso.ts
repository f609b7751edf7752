/**
 * User-based SSO at the account's ACS (POST /{accountId}/saml/SSO): SSO must be on → verify with
 * the account's IdP metadata → NameID → RAM user (UPN rules) → a session acting as that user.
 */
import { userArn } from '../core/arn.js';
import { ApiError } from '../core/errors.js';
import { assertsMfa } from '../core/mapping/mfa.js';
import { userIdentity } from '../core/mapping/user.js';
import { assertLoginAddress, loginPreference } from '../core/ram/index.js';
import type { TemporaryCredentials } from '../core/sts/credentials.js';
import { userConsoleSession } from '../core/sts/operations.js';
import { loadIdpMetadata } from '../saml/metadata.js';
import type { Gateway } from './gateway.js';
import type { MappingAudit } from './role-mapping.js';
import { safeReturnPath } from './role-sso.js';
import { newOpaqueId, type ConsoleSession } from './sessions.js';
import { ACS_MAX_RESPONSE_LENGTH, findPendingRequest, verifyOrThrow } from './verify.js';

export async function acceptUserSsoResponse(
  gw: Gateway,
  accountId: string,
  /** clientIp: the client's address as the transport determines it (LoginNetworkMasks). */
  input: { samlResponse: string; relayState?: string | undefined; clientIp: string },
): Promise<{ session: ConsoleSession; returnTo?: string | undefined; mapping: MappingAudit }> {
  const settings = await gw.directory.userSsoConfig(accountId).catch((err: unknown) => {
    if (err instanceof ApiError && err.code === 'EntityNotExist.Account') return undefined;
    throw err;
  });
  if (!settings) {
    throw new ApiError(
      'AuthenticationFail.SSO.Disabled',
      `User-based SSO is not enabled for account ${accountId}.`,
      {
        check: 'sso-enabled',
      },
    );
  }
  // The security preference: sign-in only from its networks, sessions no longer than its duration.
  const preference = await loginPreference(gw.directory, accountId);
  assertLoginAddress(preference, input.clientIp, accountId);
  const { prepared, pending } = await findPendingRequest(
    gw.store.ephemeral,
    input.samlResponse,
    ACS_MAX_RESPONSE_LENGTH,
  );
  const assertion = await verifyOrThrow(gw, {
    samlResponse: prepared,
    sp: gw.userSp(accountId),
    idp: loadIdpMetadata(settings.metadataXml),
    allowSha1: settings.authnSignAlgo === 'rsa-sha1',
    allowAesCbc: gw.allowsAesCbc(settings.entityId),
    maxInputLength: ACS_MAX_RESPONSE_LENGTH,
    pending: pending?.context?.account === accountId ? pending : undefined,
  });
  const { upn, explanation } = userIdentity(settings.mapping, assertion);
  const user = await gw.directory.resolveSsoUser(accountId, upn).catch((err: unknown) => {
    if (err instanceof ApiError) throw new ApiError(err.code, err.message, { check: 'user-mapping' });
    throw err;
  });
  const { credentials } = await userConsoleSession(
    gw.sts,
    { accountId, userName: user.UserName, userId: user.UserId },
    {
      via: 'sso:user',
      // The account's SSO settings say which AuthnContextClassRef values mean MFA (none: never).
      mfaPresent: assertsMfa(settings.mapping?.mfaAuthnContexts, assertion.authnContextClassRef),
      ...(assertion.sessionNotOnOrAfter !== undefined
        ? { sessionNotOnOrAfter: assertion.sessionNotOnOrAfter }
        : {}),
    },
    Math.min(gw.userSessionSeconds ?? Infinity, preference.sessionSeconds),
  );
  return {
    returnTo: pending?.returnTo ?? safeReturnPath(input.relayState),
    mapping: { attributes: Object.keys(assertion.attributes), rules: [explanation], roles: [] },
    session: await consoleSessionAsUser(
      gw,
      { accountId, userName: user.UserName, provider: assertion.issuer },
      credentials,
    ),
  };
}

/** A console session acting as a RAM user (user-based SSO and password sign-in). */
export async function consoleSessionAsUser(
  gw: Gateway,
  user: { accountId: string; userName: string; provider?: string | undefined },
  credentials: TemporaryCredentials,
): Promise<ConsoleSession> {
  const { accountId, userName } = user;
  const alias = await gw.directory.GetAccountAlias(accountId).then(
    (r) => r.AccountAlias,
    () => undefined,
  );
  return {
    id: newOpaqueId(),
    kind: 'user',
    accountId,
    accountAlias: alias === accountId ? undefined : alias,
    arn: userArn(accountId, userName),
    userName,
    sessionName: userName,
    provider: user.provider,
    credentials,
    expiresAt: Date.parse(credentials.Expiration),
    csrf: newOpaqueId(),
  };
}
