/**
 * User-based SSO mapping (ramgate extension): which value identifies the RAM user — the NameID
 * (Alibaba's rule, the default), optionally only in listed NameID formats, or an attribute such
 * as the UPN claim. The value found still goes through the UPN rules of reference §1.7
 * (`resolveSsoUser`): `<name>@<default domain | domain alias | auxiliary domain>`.
 */
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { mfaAuthnContextsSchema } from './mfa.js';
import { MAPPING_LIMITS, parseRules } from './rules.js';

export const userMappingSchema = z.strictObject({
  user: z
    .union([
      z.strictObject({ attribute: z.string().min(1).max(MAPPING_LIMITS.attributeNameChars) }),
      z.strictObject({
        nameId: z.literal(true),
        formats: z.array(z.string().min(1).max(256)).min(1).max(MAPPING_LIMITS.nameIdFormats).optional(),
      }),
    ])
    .optional(),
  /** AuthnContextClassRef values that mean the IdP did MFA (core/mapping/mfa.ts); none = never MFA. */
  mfaAuthnContexts: mfaAuthnContextsSchema.optional(),
});

export type UserMappingRules = z.infer<typeof userMappingSchema>;

export function parseUserMapping(raw: unknown): UserMappingRules {
  return parseRules(userMappingSchema, raw);
}

export interface UserIdentityInput {
  attributes: Record<string, string[]>;
  nameId?: string | undefined;
  nameIdFormat?: string | undefined;
}

function notFound(message: string): ApiError {
  return new ApiError('AuthenticationFail.User.NotFound', message, { check: 'user-mapping' });
}

/** The UPN to resolve, and how it was found; throws a clear error when the rules find none. */
export function userIdentity(
  rules: UserMappingRules | undefined,
  input: UserIdentityInput,
): { upn: string; explanation: string } {
  const rule = rules?.user ?? { nameId: true as const };
  if ('attribute' in rule) {
    const values = input.attributes[rule.attribute];
    if (values === undefined || values.length === 0)
      throw notFound(
        `The user mapping reads attribute "${rule.attribute}", which the assertion does not carry (received: ${Object.keys(input.attributes).join(', ') || 'none'}).`,
      );
    if (values.length !== 1)
      throw notFound(
        `The user mapping reads attribute "${rule.attribute}", which has ${values.length} values, not one.`,
      );
    return { upn: values[0] as string, explanation: `user: from attribute "${rule.attribute}"` };
  }
  if (!input.nameId) throw notFound('The SAML assertion has no NameID to name a RAM user.');
  if (rule.formats && !rule.formats.includes(input.nameIdFormat ?? ''))
    throw notFound(
      `The NameID format ${input.nameIdFormat ?? '(none)'} is not one the user mapping accepts (${rule.formats.join(', ')}).`,
    );
  return { upn: input.nameId, explanation: 'user: from the NameID' };
}
