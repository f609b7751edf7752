/**
 * Alibaba's role-based SSO attributes (reference §2.3): Role (one or more "roleArn,providerArn"
 * pairs, either order), RoleSessionName (exactly one) and SessionDuration (at most one).
 */
import { parseArn } from '../core/arn.js';
import { detached } from '../core/detached.js';
import { ApiError } from '../core/errors.js';
import { Lru } from '../core/lru.js';

export const ROLE_ATTRIBUTE = 'https://www.aliyun.com/SAML-Role/Attributes/Role';
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName';
export const SESSION_DURATION_ATTRIBUTE = 'https://www.aliyun.com/SAML-Role/Attributes/SessionDuration';

export interface OfferedRole {
  roleArn: string;
  providerArn: string;
  accountId: string;
  roleName: string;
  providerName: string;
}

const MAX_ROLE_VALUES = 100;

function invalid(check: string, message: string): ApiError {
  return new ApiError('AuthenticationFail.SAMLAssertion.Invalid', message, { check });
}

/** Role values repeat from login to login: each is parsed once and shared read-only. */
const recentRoleValues = new Lru<string, Readonly<OfferedRole>>(1024);
/** Two ARNs of at most 1,024 characters each, a comma and some spaces. */
const MAX_REMEMBERED_VALUE_LENGTH = 2100;

/** Parse one Role attribute value: two comma-separated ARNs, a role and a SAML provider, in either order. */
export function parseRoleValue(value: string): Readonly<OfferedRole> {
  if (value.length > MAX_REMEMBERED_VALUE_LENGTH) return parseRoleValueOnce(value);
  const known = recentRoleValues.get(value);
  if (known) return known;
  // Kept beyond the request: a copy that does not pin the SAMLResponse it was cut from.
  const own = detached(value);
  const parsed = Object.freeze(parseRoleValueOnce(own));
  recentRoleValues.set(own, parsed);
  return parsed;
}

function parseRoleValueOnce(value: string): OfferedRole {
  const tokens = value.split(',').map((t) => t.trim());
  if (tokens.length !== 2) {
    throw invalid(
      'role-attribute',
      `The Role value "${value.slice(0, 200)}" must be "<role ARN>,<SAML provider ARN>".`,
    );
  }
  const arns = tokens.map((t) => {
    try {
      return parseArn(t);
    } catch (err) {
      throw invalid(
        'role-attribute',
        `The Role value "${value.slice(0, 200)}" holds a malformed ARN: ${(err as Error).message}`,
      );
    }
  });
  const role = arns.find((a) => a.kind === 'role');
  const provider = arns.find((a) => a.kind === 'saml-provider');
  if (role?.kind !== 'role' || provider?.kind !== 'saml-provider') {
    throw invalid(
      'role-attribute',
      `The Role value "${value.slice(0, 200)}" must pair one role ARN with one SAML provider ARN.`,
    );
  }
  if (role.accountId !== provider.accountId) {
    throw invalid(
      'role-attribute',
      `The Role value "${value.slice(0, 200)}" pairs a role and a provider of different accounts.`,
    );
  }
  return {
    roleArn: `acs:ram::${role.accountId}:role/${role.name}`,
    providerArn: `acs:ram::${provider.accountId}:saml-provider/${provider.name}`,
    accountId: role.accountId,
    roleName: role.name,
    providerName: provider.name,
  };
}

/** Every pair the Role attribute offers, de-duplicated (case-insensitively), in order. */
export function offeredRoles(attributes: Record<string, string[]>): OfferedRole[] {
  const values = attributes[ROLE_ATTRIBUTE] ?? [];
  if (values.length > MAX_ROLE_VALUES)
    throw invalid('role-attribute', `The Role attribute has more than ${MAX_ROLE_VALUES} values.`);
  const seen = new Set<string>();
  const roles: OfferedRole[] = [];
  for (const value of values) {
    const role = parseRoleValue(value);
    const key = `${role.roleArn},${role.providerArn}`.toLowerCase();
    if (!seen.has(key)) roles.push(role);
    seen.add(key);
  }
  return roles;
}

/** The single RoleSessionName value, or undefined when the attribute is absent. */
export function roleSessionName(attributes: Record<string, string[]>): string | undefined {
  const values = attributes[ROLE_SESSION_NAME_ATTRIBUTE];
  if (values === undefined) return undefined;
  if (values.length !== 1)
    throw invalid(
      'role-session-name',
      `The RoleSessionName attribute must have exactly one value, not ${values.length}.`,
    );
  return values[0];
}

/** The SessionDuration value (seconds, as text), or undefined. */
export function sessionDuration(attributes: Record<string, string[]>): string | undefined {
  const values = attributes[SESSION_DURATION_ATTRIBUTE];
  if (values === undefined) return undefined;
  if (values.length !== 1)
    throw invalid(
      'session-duration',
      `The SessionDuration attribute must have at most one value, not ${values.length}.`,
    );
  return values[0]?.trim();
}
