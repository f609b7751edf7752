/**
 * Role-based SSO at the ACS (POST /saml-role/sso): find the IdP by its issuer → take the pending
 * AuthnRequest (SP-initiated) → verify → read the roles offered through providers that trust
 * these same keys → one role: sign in; several: let the person choose.
 */
import { ApiError } from '../core/errors.js';
import { assumeRoleWithSaml, type SamlLogin } from '../core/sts/operations.js';
import { RESPONSE_CHECKS } from '../saml/checks.js';
import { verifyResponse, type PreparedResponse, type VerifiedAssertion } from '../saml/verify.js';
import type { Gateway } from './gateway.js';
import type { ProviderTrust } from './providers.js';
import { roleSessionName, type OfferedRole } from './role-attributes.js';
import { mapAssertion, trustedProviders, type MappingAudit } from './role-mapping.js';
import { newOpaqueId, savePendingChoice, type ConsoleSession, type PendingChoice } from './sessions.js';
import { withCliFailure } from './cli-failure.js';
import { isReturnPath } from './login-params.js';
import { peekProviderArns } from './peek.js';
import { keySetsToTry, verifyWithCandidates } from './provider-choice.js';
import { ACS_MAX_RESPONSE_LENGTH, findPendingRequest } from './verify.js';

export type RoleSsoOutcome =
  | {
      kind: 'signed-in';
      session: ConsoleSession;
      returnTo?: string | undefined;
      cliState?: string | undefined;
      mapping?: MappingAudit | undefined;
    }
  | { kind: 'choose'; pending: PendingChoice; mapping?: MappingAudit | undefined };

function invalid(check: string, message: string): ApiError {
  return new ApiError('AuthenticationFail.SAMLAssertion.Invalid', message, { check });
}

async function trustedIssuer(
  gw: Gateway,
  samlResponse: PreparedResponse,
  issuer: string | undefined,
): Promise<ProviderTrust[]> {
  if (!issuer) {
    await failStructureChecks(samlResponse);
    throw invalid('issuer', 'The SAML response names no Issuer, so no SAML provider can verify it.');
  }
  const candidates = await gw.providers.byEntityId(issuer);
  if (candidates.length === 0) {
    throw invalid(
      'issuer',
      `No SAML provider of any account has the IdP entityID "${issuer.slice(0, 200)}".`,
    );
  }
  return candidates;
}

/**
 * Without an Issuer no provider's keys can be chosen; run the checks that need no keys so that a
 * malformed message is refused with the check it actually fails (base64, xml-wellformed, …).
 */
async function failStructureChecks(samlResponse: PreparedResponse): Promise<void> {
  const result = await verifyResponse(samlResponse, {
    idp: { entityId: null, signingKeys: [] },
    audience: [],
    acsUrl: [],
    replay: 'skip',
    maxInputLength: ACS_MAX_RESPONSE_LENGTH,
  });
  const keyless = RESPONSE_CHECKS.indexOf('signature-present');
  if (!result.ok && RESPONSE_CHECKS.indexOf(result.check) < keyless) throw result.error;
}

export function samlLogin(
  assertion: VerifiedAssertion,
  roles: OfferedRole[],
  sessionName: string | undefined = roleSessionName(assertion.attributes),
): SamlLogin {
  return {
    issuer: assertion.issuer,
    ...(assertion.nameId !== undefined ? { nameId: assertion.nameId } : {}),
    ...(assertion.nameIdFormat !== undefined ? { nameIdFormat: assertion.nameIdFormat } : {}),
    recipient: assertion.recipient,
    offeredRoles: roles.map((r) => ({ roleArn: r.roleArn, providerArn: r.providerArn })),
    sessionName,
    ...(assertion.sessionNotOnOrAfter !== undefined
      ? { sessionNotOnOrAfter: assertion.sessionNotOnOrAfter }
      : {}),
  };
}

/** A RelayState the IdP sent back is honoured only as a same-origin path. */
export function safeReturnPath(relayState: string | undefined): string | undefined {
  return relayState && isReturnPath(relayState) ? relayState : undefined;
}

export async function acceptRoleSsoResponse(
  gw: Gateway,
  input: { samlResponse: string; relayState?: string | undefined; client: string },
): Promise<RoleSsoOutcome> {
  const found = await findPendingRequest(gw.store.ephemeral, input.samlResponse, ACS_MAX_RESPONSE_LENGTH);
  // A failure from here on belongs to a known request: a CLI login hears of it at once.
  return withCliFailure(found.pending?.context?.cli, () => signInFromResponse(gw, input, found));
}

async function signInFromResponse(
  gw: Gateway,
  input: { samlResponse: string; relayState?: string | undefined; client: string },
  { prepared, hints, pending }: Awaited<ReturnType<typeof findPendingRequest>>,
): Promise<RoleSsoOutcome> {
  const candidates = await trustedIssuer(gw, prepared, hints.issuer);
  const named = [pending?.context?.provider?.toLowerCase(), ...peekProviderArns(prepared)];
  const { provider, assertion } = await verifyWithCandidates(
    gw,
    { samlResponse: prepared, sp: gw.roleSp, maxInputLength: ACS_MAX_RESPONSE_LENGTH, pending },
    keySetsToTry(
      candidates,
      named.filter((arn): arn is string => arn !== undefined),
    ),
  );
  const mapped = mapAssertion(assertion, trustedProviders(provider, candidates));
  const { roles } = mapped;
  const login = samlLogin(assertion, roles, mapped.sessionName);
  const returnTo = pending?.returnTo ?? safeReturnPath(input.relayState);
  const cliState = pending?.context?.cli;
  const duration = requestedDuration(pending?.context?.duration, mapped.sessionDuration);
  const wanted = pending?.context?.role;
  const only = wanted ? wantedRole(roles, wanted) : roles.length === 1 ? roles[0] : undefined;
  if (only) {
    return {
      kind: 'signed-in',
      session: await signInWithRole(gw, login, only, duration),
      returnTo,
      cliState,
      mapping: mapped.audit,
    };
  }
  const choice: PendingChoice = {
    id: newOpaqueId(),
    login,
    roles,
    sessionDuration: duration,
    returnTo,
    csrf: newOpaqueId(),
    cliState,
  };
  await savePendingChoice(gw.store.ephemeral, choice, input.client);
  return { kind: 'choose', pending: choice, mapping: mapped.audit };
}

/** The CLI's --duration, never longer than the IdP's (or mapping's) session duration; either alone when the other is absent. */
function requestedDuration(requested: string | undefined, fromIdp: string | undefined): string | undefined {
  if (requested === undefined) return fromIdp;
  if (fromIdp === undefined || !/^[0-9]+$/.test(fromIdp)) return requested;
  return String(Math.min(Number(requested), Number(fromIdp)));
}

/**
 * The role named by the CLI's --role or /login's role=, which the assertion must offer: signing in
 * to another one (even the only one offered) would hand out credentials the person did not ask for.
 */
export function wantedRole(roles: OfferedRole[], wanted: string): OfferedRole {
  const found = roles.find((r) => matchesRole(r, wanted));
  if (found) return found;
  const offered = roles.map((r) => `${r.roleName} (${r.roleArn})`).join(', ') || 'none';
  throw invalid(
    'role-offered',
    `You asked for the role "${wanted}", but the identity provider does not offer it to you; it offers: ${offered}. ` +
      'Sign in with one of those, or ask the IdP administrator to grant the role.',
  );
}

/** `--role` of the CLI and `role=` of /login: a role ARN or a role name. */
export function matchesRole(role: OfferedRole, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return role.roleArn.toLowerCase() === w || role.roleName.toLowerCase() === w;
}

export async function signInWithRole(
  gw: Gateway,
  login: SamlLogin,
  role: OfferedRole,
  sessionDurationAttr: string | undefined,
): Promise<ConsoleSession> {
  const result = await assumeRoleWithSaml(
    gw.sts,
    login,
    {
      SAMLProviderArn: role.providerArn,
      RoleArn: role.roleArn,
      ...(sessionDurationAttr !== undefined ? { DurationSeconds: sessionDurationAttr } : {}),
    },
    'cap',
  );
  const alias = await gw.directory.GetAccountAlias(role.accountId).then(
    (r) => r.AccountAlias,
    () => undefined,
  );
  return {
    id: newOpaqueId(),
    kind: 'role',
    accountId: role.accountId,
    accountAlias: alias === role.accountId ? undefined : alias,
    arn: result.AssumedRoleUser.Arn,
    roleName: role.roleName,
    sessionName: login.sessionName ?? '',
    provider: role.providerArn,
    offeredRoles: login.offeredRoles.length,
    credentials: result.Credentials,
    expiresAt: Date.parse(result.Credentials.Expiration),
    csrf: newOpaqueId(),
  };
}
