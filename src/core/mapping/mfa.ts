/**
 * Which IdP authentication contexts count as MFA (ramgate extension of a provider's MappingRules,
 * `mfaAuthnContexts`): a SAML session has `acs:MFAPresent` true only when the verified assertion's
 * AuthnContextClassRef is one of these URIs, compared exactly. None configured = never MFA (fail
 * closed): an IdP's word "MFA" means something only when the account says which words it trusts.
 * Common values: http://schemas.microsoft.com/claims/multipleauthn (Entra ID / AD FS),
 * https://refeds.org/profile/mfa (REFEDS), urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken.
 */
import { z } from 'zod';

export const MFA_LIMITS = { contexts: 20, contextChars: 1024 } as const;

export const mfaAuthnContextsSchema = z
  .array(z.string().min(1, 'must not be empty').max(MFA_LIMITS.contextChars))
  .max(MFA_LIMITS.contexts);

/** Did the IdP assert MFA, by the provider's list? Absent list or absent class ref: no. */
export function assertsMfa(
  mfaAuthnContexts: readonly string[] | undefined,
  authnContextClassRef: string | undefined,
): boolean {
  return (
    authnContextClassRef !== undefined &&
    mfaAuthnContexts !== undefined &&
    mfaAuthnContexts.includes(authnContextClassRef)
  );
}
