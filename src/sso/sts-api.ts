/**
 * The STS AssumeRoleWithSAML API (anonymous): the SAMLAssertion is the base64 of the whole
 * SAMLResponse; the provider named by SAMLProviderArn supplies the keys.
 */
import { ApiError, missingParameter } from '../core/errors.js';
import { assumeRoleWithSaml, type StsParams } from '../core/sts/operations.js';
import type { Gateway } from './gateway.js';
import { samlLogin } from './role-sso.js';
import { offeredRoles } from './role-attributes.js';
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
  return assumeRoleWithSaml(
    gw.sts,
    samlLogin(assertion, offeredRoles(assertion.attributes)),
    params,
    'strict',
  );
}
