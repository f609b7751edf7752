/**
 * Name rules and limits of the RAM directory (reference §1.7, §2.1, §2.5, §4 and the RAM/IMS API
 * pages). Where no Alibaba source gives a cap, the cap is ours and says so.
 */
import { ApiError, type ErrorCode } from '../errors.js';

export const LIMITS = {
  usersPerAccount: 1000,
  groupsPerAccount: 50,
  rolesPerAccount: 1000,
  customPoliciesPerAccount: 1500,
  samlProvidersPerAccount: 100,
  groupsPerUser: 5,
  accessKeysPerUser: 2,
  /** Root (account principal) AccessKeys: no source found; we use the RAM user cap. */
  accessKeysPerAccountPrincipal: 2,
  versionsPerPolicy: 5,
  /** Policies attached to one principal, by principal and policy type (the limits table). */
  attachments: {
    User: { Custom: 10, System: 20 },
    Group: { Custom: 5, System: 20 },
    Role: { Custom: 5, System: 20 },
  },
  policyDocumentChars: 6144,
  policyNameChars: 128,
  policyDescriptionChars: 1024,
  roleNameChars: 64,
  roleDescriptionChars: 1024,
  userNameChars: 64,
  displayNameChars: 128,
  commentsChars: 128,
  emailChars: 128,
  groupNameChars: 64,
  samlProviderNameChars: 128,
  /** SAML provider Description: no source gives a cap (reference §2.1); ours. */
  samlProviderDescriptionChars: 256,
  /** Base64 IdP metadata: no source gives a cap; ours (AD FS metadata is ~100 KB). */
  metadataDocumentChars: 1024 * 1024,
  accountAliasMin: 3,
  accountAliasMax: 64,
  /** `<alias>.onaliyun.com` including the suffix (current limits page). */
  defaultDomainChars: 64,
  domainNameChars: 253,
  minSessionDuration: 3600,
  maxSessionDuration: 43200,
  listMaxItems: 1000,
  samlProviderListMaxItems: 100,
} as const;

export const DEFAULT_DOMAIN_SUFFIX = '.onaliyun.com';

const USER_NAME = /^[A-Za-z0-9._-]+$/;
const GROUP_NAME = /^[A-Za-z0-9._-]+$/;
const ROLE_NAME = /^[a-zA-Z0-9. @-]+$/;
const POLICY_NAME = /^[a-zA-Z0-9-]+$/;
const SAML_PROVIDER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;
const ACCOUNT_ALIAS = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE_PHONE = /^[0-9]{1,4}-[0-9]{4,20}$/;

function refuse(code: ErrorCode, message: string): never {
  throw new ApiError(code, message);
}

function checkLength(code: ErrorCode, what: string, value: string, max: number, min = 1): void {
  if (value.length < min || value.length > max)
    refuse(code, `${what} must be ${min} to ${max} characters long; it has ${value.length}.`);
}

function checkPattern(code: ErrorCode, what: string, value: string, pattern: RegExp, allowed: string) {
  if (!pattern.test(value)) refuse(code, `${what} "${clip(value)}" may contain only ${allowed}.`);
}

export function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}

export function checkUserName(name: string): void {
  checkLength('InvalidParameter.UserName', 'UserName', name, LIMITS.userNameChars);
  checkPattern('InvalidParameter.UserName', 'UserName', name, USER_NAME, 'letters, digits, ".", "-" and "_"');
}

export function checkGroupName(name: string): void {
  checkLength('InvalidParameter.GroupName', 'GroupName', name, LIMITS.groupNameChars);
  checkPattern(
    'InvalidParameter.GroupName',
    'GroupName',
    name,
    GROUP_NAME,
    'letters, digits, ".", "-" and "_"',
  );
}

export function checkRoleName(name: string): void {
  checkLength('InvalidParameter.RoleName', 'RoleName', name, LIMITS.roleNameChars);
  checkPattern(
    'InvalidParameter.RoleName',
    'RoleName',
    name,
    ROLE_NAME,
    'letters, digits, ".", " ", "@" and "-"',
  );
}

export function checkPolicyName(name: string): void {
  checkLength('InvalidParameter.PolicyName', 'PolicyName', name, LIMITS.policyNameChars);
  checkPattern('InvalidParameter.PolicyName', 'PolicyName', name, POLICY_NAME, 'letters, digits and "-"');
}

export function checkSamlProviderName(name: string): void {
  const code = 'InvalidParameter.SAMLProviderName';
  checkLength(code, 'SAMLProviderName', name, LIMITS.samlProviderNameChars);
  checkPattern(
    code,
    'SAMLProviderName',
    name,
    SAML_PROVIDER_NAME,
    'letters, digits, ".", "-" and "_", and must not start or end with ".", "-" or "_"',
  );
}

export function checkDisplayName(value: string): void {
  checkLength('InvalidParameter.DisplayName', 'DisplayName', value, LIMITS.displayNameChars);
}

export function checkComments(value: string): void {
  checkLength('InvalidParameter.Comments', 'Comments', value, LIMITS.commentsChars);
}

export function checkEmail(value: string): void {
  checkLength('InvalidParameter.Email', 'Email', value, LIMITS.emailChars);
  if (!EMAIL.test(value))
    refuse('InvalidParameter.Email', `Email "${clip(value)}" is not an e-mail address.`);
}

export function checkMobilePhone(value: string): void {
  if (!MOBILE_PHONE.test(value))
    refuse('InvalidParameter.MobilePhone', `MobilePhone "${clip(value)}" must be <country code>-<number>.`);
}

export function checkMaxSessionDuration(seconds: number): void {
  if (
    !Number.isInteger(seconds) ||
    seconds < LIMITS.minSessionDuration ||
    seconds > LIMITS.maxSessionDuration
  )
    refuse(
      'InvalidParameter.MaxSessionDuration',
      `MaxSessionDuration must be an integer from ${LIMITS.minSessionDuration} to ${LIMITS.maxSessionDuration}; got ${seconds}.`,
    );
}

/** Account alias: 3–64 characters, and the default domain `<alias>.onaliyun.com` at most 64. */
export function checkAccountAlias(alias: string): void {
  const code = 'InvalidParameter.AccountAlias';
  checkLength(code, 'AccountAlias', alias, LIMITS.accountAliasMax, LIMITS.accountAliasMin);
  checkPattern(
    code,
    'AccountAlias',
    alias,
    ACCOUNT_ALIAS,
    'lower-case letters, digits and "-", and must not start or end with "-"',
  );
  const domain = defaultDomainOf(alias);
  if (domain.length > LIMITS.defaultDomainChars)
    refuse(
      code,
      `The default domain "${domain}" would be ${domain.length} characters long; at most ${LIMITS.defaultDomainChars} are allowed including the suffix.`,
    );
}

export function defaultDomainOf(alias: string): string {
  return `${alias}${DEFAULT_DOMAIN_SUFFIX}`;
}

/** A DNS name such as `example.com` (domain alias, auxiliary domain). */
export function checkDomainName(code: ErrorCode, what: string, value: string): void {
  checkLength(code, what, value, LIMITS.domainNameChars);
  const labels = value.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)))
    refuse(code, `${what} "${clip(value)}" must be a lower-case domain name such as example.com.`);
}

/**
 * Names are unique per account case-insensitively: the store key is the name with A–Z folded to
 * a–z. Only ASCII is folded: Unicode case mapping would make "\u212Aevin" (KELVIN SIGN) the key of
 * "kevin", letting an IdP-signed look-alike name sign in as another user.
 */
export function nameKey(name: string): string {
  return name.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
