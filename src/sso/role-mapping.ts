/**
 * Role-based SSO mapping glue: Alibaba's Role/RoleSessionName/SessionDuration attributes plus the
 * mapping rules of every provider that has this issuer and the keys that verified the response →
 * the offered (role, provider) pairs. Session name and duration follow the rules of the first
 * provider that offers a role (the verifying one first). AssumeRoleWithSAML's trust check stays the gate.
 */
import { parseArn } from '../core/arn.js';
import { ApiError } from '../core/errors.js';
import { compileRoleMapping } from '../core/mapping/rules.js';
import {
  mapRoles,
  requireMappedLogin,
  type MappedRole,
  type RoleMappingResult,
} from '../core/mapping/engine.js';
import type { VerifiedAssertion } from '../saml/verify.js';
import { sameSigningKeys, type ProviderTrust } from './providers.js';
import { offeredRoles, roleSessionName, sessionDuration, type OfferedRole } from './role-attributes.js';

export interface MappedAssertion {
  roles: OfferedRole[];
  sessionName: string | undefined;
  sessionDuration: string | undefined;
  /** For the audit trail: attribute names received, rules applied, roles offered (no attribute values beyond group names). */
  audit: MappingAudit;
}

export interface MappingAudit {
  attributes: string[];
  rules: string[];
  roles: string[];
}

export function mappingAudit(results: RoleMappingResult[]): MappingAudit {
  return {
    attributes: results[0]?.attributesReceived ?? [],
    rules: results.flatMap((r) =>
      results.length > 1 ? r.explanation.map((l) => `${r.provider}: ${l}`) : r.explanation,
    ),
    roles: results.flatMap((r) => r.roles.map((role) => role.roleArn)),
  };
}

/**
 * Apply the rules of `providers` (the first is the one that verified the response). With
 * `require` (the ACS), no role or no session name is a login error that says why; without it (the
 * STS API) AssumeRoleWithSAML reports what is missing for the pair it was asked for.
 */
export function mapAssertion(
  assertion: VerifiedAssertion,
  providers: ProviderTrust[],
  require = true,
): MappedAssertion {
  const anyAccepts = providers.some((p) => p.mapping?.acceptAlibaba !== false);
  const alibaba = anyAccepts
    ? {
        roles: offeredRoles(assertion.attributes) as MappedRole[],
        sessionName: roleSessionName(assertion.attributes),
        sessionDuration: sessionDuration(assertion.attributes),
      }
    : { roles: [] };
  const results = providers.map((p) =>
    mapRoles(p.mapping, {
      provider: { accountId: p.accountId, name: p.name },
      attributes: assertion.attributes,
      nameId: assertion.nameId,
      alibaba,
    }),
  );
  // Session name and duration: the rules of the first provider (verifying one first) that offers a role.
  // With no role at all, the rules that were tried explain why.
  const primary = (results.find((r) => r.roles.length > 0) ??
    results[
      Math.max(
        0,
        providers.findIndex((p) => p.mapping),
      )
    ]) as RoleMappingResult;
  const roles = results.flatMap((r) => r.roles);
  if (require && roles.length === 0 && providers.every((p) => !p.mapping))
    throw new ApiError(
      'AuthenticationFail.SAMLAssertion.Invalid',
      alibaba.roles.length === 0
        ? 'The SAML assertion has no https://www.aliyun.com/SAML-Role/Attributes/Role value (and the provider has no mapping rules).'
        : `None of the ${alibaba.roles.length} offered role(s) names a SAML provider that trusts ${assertion.issuer}.`,
      { check: 'role-attribute' },
    );
  if (require) requireMappedLogin({ ...primary, roles });
  return {
    roles,
    sessionName: primary.sessionName,
    sessionDuration: primary.sessionDuration,
    audit: mappingAudit(results),
  };
}

/** The providers whose roles a response verified with `verifiedWith`'s keys may grant. */
export function trustedProviders(verifiedWith: ProviderTrust, candidates: ProviderTrust[]): ProviderTrust[] {
  return [verifiedWith, ...candidates.filter((c) => c !== verifiedWith && sameSigningKeys(c, verifiedWith))];
}

/**
 * What a provider's rules make of a verified assertion, without a directory (`ramgate diagnose`,
 * recipe tests): the same engine and the same Alibaba-attribute parsing as the ACS.
 */
export function explainMapping(
  assertion: Pick<VerifiedAssertion, 'attributes' | 'nameId'>,
  providerArn: string,
  rules?: unknown,
): RoleMappingResult & { loginError?: string } {
  const arn = parseArn(providerArn, 'saml-provider', 'InvalidParameter.SAMLProviderArn');
  if (arn.kind !== 'saml-provider') throw new Error('unreachable: parseArn checked the kind');
  const mapping = rules === undefined ? undefined : compileRoleMapping(rules, arn.accountId);
  const accept = mapping?.acceptAlibaba !== false;
  const result = mapRoles(mapping, {
    provider: { accountId: arn.accountId, name: arn.name },
    attributes: assertion.attributes,
    nameId: assertion.nameId,
    alibaba: accept
      ? {
          roles: offeredRoles(assertion.attributes),
          sessionName: roleSessionName(assertion.attributes),
          sessionDuration: sessionDuration(assertion.attributes),
        }
      : { roles: [] },
  });
  try {
    requireMappedLogin(result);
    return result;
  } catch (err) {
    return { ...result, loginError: (err as Error).message };
  }
}
