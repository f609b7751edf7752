/**
 * STS operations of the shared core (reference §3): AssumeRole, AssumeRoleWithSAML (given an
 * assertion the SAML engine has already verified) and GetCallerIdentity. Each is a short list of
 * named steps; each failing step raises its Alibaba error.
 */
import { parseArn, roleArn as formatRoleArn } from '../arn.js';
import { ApiError, missingParameter } from '../errors.js';
import { evaluateTrust } from '../policy/index.js';
import { callerIdentity, principalArn, type Principal } from '../principal.js';
import { authorize, callerFacts, requestContext } from './authorize.js';
import { mintCredentials, type TemporaryCredentials } from './credentials.js';
import type { RequestFacts, RoleView, StsDeps } from './ports.js';
import {
  ASSUME_ROLE_SESSION_NAME,
  EXTERNAL_ID,
  MAX_SESSION_DURATION_SECONDS,
  SAML_SESSION_NAME,
  checkSessionName,
  parseDuration,
  parseSessionPolicy,
} from './rules.js';

export type StsParams = Record<string, string | undefined>;

function required(params: StsParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

async function loadRole(
  deps: StsDeps,
  roleArn: string,
  notFound: 'EntityNotExist.Role' | 'EntityNotExist.RoleArn',
) {
  const arn = parseArn(roleArn, 'role', 'InvalidParameter.RoleArn');
  const role = await deps.directory.findRole(arn.accountId, arn.kind === 'role' ? arn.name : '');
  if (!role) throw new ApiError(notFound, `The role ${roleArn} does not exist.`);
  return role;
}

function assumedRoleUser(role: RoleView, sessionName: string) {
  return {
    Arn: principalArn({
      type: 'AssumedRoleUser',
      accountId: role.accountId,
      roleName: role.roleName,
      roleId: role.roleId,
      sessionName,
    }),
    AssumedRoleId: `${role.roleId}:${sessionName}`,
  };
}

/** Temporary credentials of a role session (the SecurityToken carries who, which role, the session policy). */
async function mintRoleSession(
  deps: StsDeps,
  role: RoleView,
  session: {
    sessionName: string;
    policy: { text: string } | undefined;
    via: 'sts:AssumeRole' | 'sts:AssumeRoleWithSAML';
    source: string;
    mfaPresent: boolean;
  },
  duration: number,
  now: number,
): Promise<TemporaryCredentials> {
  return mintCredentials(
    await deps.keyring(),
    {
      acct: role.accountId,
      kind: 'AssumedRoleUser',
      role: role.roleName,
      roleId: role.roleId,
      session: session.sessionName,
      ...(session.policy ? { policy: session.policy.text } : {}),
      via: session.via,
      source: session.source,
      ...(session.mfaPresent ? { mfa: true as const } : {}),
    },
    duration,
    now,
  ).credentials;
}

export interface AssumeRoleResult {
  Credentials: TemporaryCredentials;
  AssumedRoleUser: { Arn: string; AssumedRoleId: string };
}

/** Alibaba: "The AssumeRole API operation cannot be called by an Alibaba Cloud account." */
function refuseRootCaller(caller: Principal): void {
  if (caller.type === 'Account')
    throw new ApiError(
      'NoPermission',
      "Roles may not be assumed by root accounts: call AssumeRole with a RAM user's or a role session's credentials.",
    );
}

/** AssumeRole: the caller's identity policy must allow sts:AssumeRole on the role, and the role's trust policy must admit the caller. */
export async function assumeRole(
  deps: StsDeps,
  caller: Principal,
  params: StsParams,
  facts: RequestFacts = {},
): Promise<AssumeRoleResult> {
  refuseRootCaller(caller);
  const roleArn = required(params, 'RoleArn');
  const sessionName = checkSessionName(
    required(params, 'RoleSessionName'),
    ASSUME_ROLE_SESSION_NAME,
    'RoleSessionName',
  );
  const policy = parseSessionPolicy(params.Policy);
  const externalId = params.ExternalId;
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw new ApiError(
      'InvalidParameter.ExternalId',
      'The ExternalId must be 2 to 1,224 characters of letters, digits and = , . @ : / - _.',
    );
  }
  const role = await loadRole(deps, roleArn, 'EntityNotExist.Role');
  const duration = parseDuration(params.DurationSeconds, role.maxSessionDuration);
  const now = deps.now();
  // The caller's own MFA is acs:MFAPresent for both its identity policy and the role's trust policy.
  const withMfa = callerFacts(caller, facts);
  const context = { ...requestContext(withMfa, now), 'sts:ExternalId': externalId };

  const identity = await authorize(deps.directory, caller, {
    action: 'sts:AssumeRole',
    resource: role.arn,
    context,
  });
  if (identity.decision !== 'Allow') {
    throw new ApiError(
      'NoPermission',
      `${principalArn(caller)} is not allowed to call sts:AssumeRole on ${role.arn}.`,
    );
  }
  // A role session is admitted as its role: trust policies name roles, not sessions.
  const trustArn =
    caller.type === 'AssumedRoleUser'
      ? formatRoleArn(caller.accountId, caller.roleName)
      : principalArn(caller);
  const trust = evaluateTrust(role.trustPolicy, { principal: { type: 'RAM', arn: trustArn }, context });
  if (trust.decision !== 'Allow') {
    throw new ApiError('NoPermission', `The trust policy of ${role.arn} does not admit ${trustArn}.`);
  }

  const credentials = await mintRoleSession(
    deps,
    role,
    // As AWS's role chaining from an MFA session (aws:MultiFactorAuthPresent): the role session
    // carries MFA exactly when the calling session passed it. STS AssumeRole takes no MFA code of
    // its own, so a long-term AccessKey (never MFA) cannot mint an MFA role session.
    {
      sessionName,
      policy,
      via: 'sts:AssumeRole',
      source: principalArn(caller),
      mfaPresent: withMfa.mfaPresent,
    },
    duration,
    now,
  );
  return { Credentials: credentials, AssumedRoleUser: assumedRoleUser(role, sessionName) };
}

/** What the SAML engine and the SSO mapping established from a verified assertion. */
export interface SamlLogin {
  issuer: string;
  nameId?: string;
  nameIdFormat?: string;
  recipient: string;
  /** The (role, provider) pairs the assertion offers (Role attribute or mapping rules). */
  offeredRoles: Array<{ roleArn: string; providerArn: string }>;
  /** RoleSessionName attribute (or mapped session name). */
  sessionName: string | undefined;
  /** Epoch ms of AuthnStatement/@SessionNotOnOrAfter, when given. */
  sessionNotOnOrAfter?: number;
}

export interface AssumeRoleWithSamlResult extends AssumeRoleResult {
  SAMLAssertionInfo: { SubjectType: string; Subject: string; Recipient: string; Issuer: string };
}

const NAMEID_PREFIXES = [
  'urn:oasis:names:tc:SAML:2.0:nameid-format:',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:',
];

/**
 * AssumeRoleWithSAML. `durationMode` 'strict' (the API) refuses a DurationSeconds above the role's
 * MaxSessionDuration; 'cap' (console sign-in from the SessionDuration attribute) takes the minimum.
 * Either way the credentials never outlive the IdP session (SessionNotOnOrAfter).
 */
export async function assumeRoleWithSaml(
  deps: StsDeps,
  login: SamlLogin,
  params: StsParams,
  durationMode: 'strict' | 'cap' = 'strict',
): Promise<AssumeRoleWithSamlResult> {
  const providerArn = required(params, 'SAMLProviderArn');
  const roleArn = required(params, 'RoleArn');
  const provider = parseArn(providerArn, 'saml-provider', 'InvalidParameter.SAMLProviderArn');
  const stored = await deps.directory.findSamlProvider(
    provider.accountId,
    provider.kind === 'saml-provider' ? provider.name : '',
  );
  if (!stored)
    throw new ApiError('EntityNotExist.SAMLProvider', `The SAML provider ${providerArn} does not exist.`);
  const role = await loadRole(deps, roleArn, 'EntityNotExist.RoleArn');
  const policy = parseSessionPolicy(params.Policy);
  if (!login.offeredRoles.some((r) => sameArn(r.roleArn, role.arn) && sameArn(r.providerArn, stored.arn))) {
    throw new ApiError(
      'AuthenticationFail.SAMLAssertion.Invalid',
      `The SAML assertion does not offer the role ${role.arn} through the provider ${stored.arn}.`,
      { check: 'role-offered' },
    );
  }
  const sessionName = checkSessionName(
    login.sessionName ?? fail('The SAML assertion has no RoleSessionName attribute.'),
    SAML_SESSION_NAME,
    'RoleSessionName attribute',
  );
  const now = deps.now();
  const trust = evaluateTrust(role.trustPolicy, {
    principal: { type: 'Federated', arn: stored.arn },
    context: { ...requestContext({ mfaPresent: false }, now), 'saml:recipient': login.recipient },
  });
  if (trust.decision !== 'Allow') {
    throw new ApiError(
      'NoPermission',
      `The trust policy of ${role.arn} does not admit ${stored.arn} for recipient ${login.recipient}.`,
    );
  }
  const duration = samlDuration(
    params.DurationSeconds,
    role.maxSessionDuration,
    durationMode,
    login.sessionNotOnOrAfter,
    now,
  );
  const credentials = await mintRoleSession(
    deps,
    role,
    { sessionName, policy, via: 'sts:AssumeRoleWithSAML', source: stored.arn, mfaPresent: false },
    duration,
    now,
  );
  return {
    Credentials: credentials,
    AssumedRoleUser: assumedRoleUser(role, sessionName),
    SAMLAssertionInfo: {
      SubjectType: shortNameIdFormat(login.nameIdFormat),
      Subject: login.nameId ?? '',
      Recipient: login.recipient,
      Issuer: login.issuer,
    },
  };
}

function fail(message: string): never {
  throw new ApiError('AuthenticationFail.SAMLAssertion.Invalid', message, { check: 'role-session-name' });
}

/** ARNs compare case-insensitively in names (RAM names are case-insensitive). */
function sameArn(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function shortNameIdFormat(format: string | undefined): string {
  if (!format) return '';
  const prefix = NAMEID_PREFIXES.find((p) => format.startsWith(p));
  return prefix ? format.slice(prefix.length) : format;
}

function samlDuration(
  raw: string | undefined,
  max: number,
  mode: 'strict' | 'cap',
  sessionNotOnOrAfter: number | undefined,
  now: number,
): number {
  const requested =
    mode === 'strict'
      ? parseDuration(raw, max)
      : Math.min(parseDuration(raw, 43_200, 'SessionDuration'), max);
  if (sessionNotOnOrAfter === undefined) return requested;
  const remaining = Math.floor((sessionNotOnOrAfter - now) / 1000);
  if (remaining <= 0) {
    throw new ApiError(
      'AuthenticationFail.SAMLAssertion.Expired',
      'The IdP session (SessionNotOnOrAfter) has ended.',
      {
        check: 'authn-statement',
      },
    );
  }
  return Math.min(requested, remaining);
}

/** GetCallerIdentity (reference §3.4). */
export function getCallerIdentity(caller: Principal) {
  return callerIdentity(caller);
}

/** How a RAM user's console session was signed in (userConsoleSession). */
export interface UserLogin {
  /** User-based SSO (the default) or password sign-in. */
  via?: 'sso:user' | 'signin:password';
  /** The sign-in passed MFA (a TOTP step, or an IdP asserting an MFA context): the `mfa` claim. */
  mfaPresent?: boolean;
  providerArn?: string;
  /** Epoch ms the IdP session ends (SessionNotOnOrAfter): the credentials never outlive it. */
  sessionNotOnOrAfter?: number;
}

/**
 * A RAM user's sign-in (user-based SSO or password): credentials that act as the RAM user itself
 * (the user's own policies), never beyond the IdP session.
 */
export async function userConsoleSession(
  deps: StsDeps,
  user: { accountId: string; userName: string; userId: string },
  login: UserLogin,
  durationSeconds: number,
) {
  const now = deps.now();
  const duration = samlDuration(
    String(durationSeconds),
    MAX_SESSION_DURATION_SECONDS,
    'cap',
    login.sessionNotOnOrAfter,
    now,
  );
  return mintCredentials(
    await deps.keyring(),
    {
      acct: user.accountId,
      kind: 'RAMUser',
      user: user.userName,
      userId: user.userId,
      session: user.userName,
      via: login.via ?? 'sso:user',
      ...(login.providerArn ? { source: login.providerArn } : {}),
      ...(login.mfaPresent === true ? { mfa: true as const } : {}),
    },
    duration,
    now,
  );
}

/** The former name of userConsoleSession (kept for callers written before password sign-in). */
export const userSsoSession = userConsoleSession;
