/**
 * The STS AssumeRoleWithSAML API (anonymous): the SAMLAssertion is the base64 of the whole
 * SAMLResponse; the provider named by SAMLProviderArn supplies the keys.
 */
import { ApiError, missingParameter } from '../core/errors.js';
import { assumeRoleWithSaml, type StsParams } from '../core/sts/operations.js';
import type { Gateway } from './gateway.js';
import type { ProviderTrust } from './providers.js';
import { samlLogin } from './role-sso.js';
import { mapAssertion } from './role-mapping.js';
import { verifyOrThrow } from './verify.js';

export const SAML_ASSERTION_MIN_LENGTH = 4;
export const SAML_ASSERTION_MAX_LENGTH = 100_000;

export async function assumeRoleWithSamlApi(gw: Gateway, params: StsParams) {
  const assertionB64 = params.SAMLAssertion;
  if (assertionB64 === undefined || assertionB64 === '') throw missingParameter('SAMLAssertion');
  if (params.SAMLProviderArn === undefined || params.SAMLProviderArn === '')
    throw missingParameter('SAMLProviderArn');
  if (params.RoleArn === undefined || params.RoleArn === '') throw missingParameter('RoleArn');
  if (assertionB64.length < SAML_ASSERTION_MIN_LENGTH || assertionB64.length > SAML_ASSERTION_MAX_LENGTH) {
    throw new ApiError(
      'InvalidParameter.SAMLAssertion',
      `The SAMLAssertion must be ${SAML_ASSERTION_MIN_LENGTH} to ${SAML_ASSERTION_MAX_LENGTH} characters, not ${assertionB64.length}.`,
    );
  }
  const provider = await gw.providers.byArn(params.SAMLProviderArn);
  if (!provider)
    throw new ApiError(
      'EntityNotExist.SAMLProvider',
      `The SAML provider ${params.SAMLProviderArn} does not exist.`,
    );
  const assertion = await verifyOrThrow(gw, {
    samlResponse: assertionB64,
    sp: gw.roleSp,
    idp: provider.metadata,
    allowSha1: provider.allowSha1,
    allowAesCbc: provider.allowAesCbc,
    maxInputLength: SAML_ASSERTION_MAX_LENGTH,
  });
  const mapped = mapAssertion(assertion, [provider], false);
  const login = samlLogin(assertion, mapped.roles, mapped.sessionName, [provider]);
  return assumeRoleWithSaml(gw.sts, login, { ...params, ...mappedDuration(provider, params) }, 'strict');
}

/** The provider's sessionDuration rules: a default when DurationSeconds is absent, and a cap. */
function mappedDuration(provider: ProviderTrust, params: StsParams): StsParams {
  const rule = provider.mapping?.rules.sessionDuration;
  if (!rule) return {};
  const asked = params.DurationSeconds;
  if ((asked === undefined || asked === '') && rule.default !== undefined)
    return { DurationSeconds: String(Math.min(rule.default, rule.max ?? rule.default)) };
  if (rule.max !== undefined && asked !== undefined && Number(asked) > rule.max)
    throw new ApiError(
      'InvalidParameter.DurationSeconds',
      `DurationSeconds ${asked} is above ${rule.max}, the cap of ${provider.arn}'s mapping rules.`,
    );
  return {};
}
