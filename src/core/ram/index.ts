/** The RAM directory (accounts, users, groups, roles, policies, SAML providers, user SSO settings). */
export { Directory, type DirectoryOptions } from './directory.js';
export type { IdpMetadataValidator, DirectoryContext, PolicyType, PrincipalType } from './storage.js';
export type { EffectivePolicy } from './attachments.js';
export type { AccessKeyOwner, AccessKeyStatus } from './access-keys.js';
export type { AuthnSignAlgo } from './sso-settings.js';
export { LIMITS, DEFAULT_DOMAIN_SUFFIX } from './rules.js';
export { formatDate } from './ids.js';
export type { Params } from './params.js';
export {
  loginPreference,
  assertLoginAddress,
  type LoginPreference,
  type PreferenceSource,
} from './login-preference.js';
export type { SecurityPreferenceRecord } from './security-preference.js';
