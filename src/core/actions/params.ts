/**
 * The parameters of the action table: each one's type and cap, named once. Rows name them
 * (`'PolicyDocument!'` = required); the entity parameters come with the slots (SLOT_PARAMS).
 * Caps only bound what is read: the directory applies each name and format rule with its own code.
 */
import {
  MAX_PASSWORD_CHARS,
  PASSWORD_POLICY_FLAGS,
  PASSWORD_POLICY_NUMBERS,
} from '../ram/password-policy.js';
import { LIMITS } from '../ram/rules.js';
import { NETWORK_MASK_LIMITS, SECURITY_PREFERENCE_FLAGS } from '../ram/security-preference.js';
import type { ParamRule, ParamType, SlotName } from './types.js';

/** The entity kinds behind the slots. */
export type EntityKind = 'user' | 'group' | 'role' | 'policy' | 'saml-provider' | 'mfa-device';

export interface SlotParams {
  readonly kind: EntityKind;
  /** Parameters that name the slot's entity, primary first; several = aliases that must agree. */
  readonly params: readonly string[];
}

export const SLOT_PARAMS: Readonly<Record<SlotName, SlotParams>> = {
  UserName: { kind: 'user', params: ['UserName', 'UserPrincipalName'] },
  NewUserName: { kind: 'user', params: ['NewUserName', 'NewUserPrincipalName'] },
  GroupName: { kind: 'group', params: ['GroupName'] },
  RoleName: { kind: 'role', params: ['RoleName'] },
  PolicyName: { kind: 'policy', params: ['PolicyName'] },
  SAMLProviderName: { kind: 'saml-provider', params: ['SAMLProviderName'] },
  /** `acs:ram::<account>:mfa/<name>`: the slot holds the name. */
  SerialNumber: { kind: 'mfa-device', params: ['SerialNumber'] },
};

/** Longest name of any entity (user principal names included). */
const NAME = 256;
/** Short free texts (descriptions, comments, e-mail, ids …). */
const TEXT = 4096;
/** Documents: policies, metadata, mapping rules (the directory has the exact limits). */
const DOCUMENT = LIMITS.metadataDocumentChars;

const rule = (name: string, type: ParamType, max: number): ParamRule => ({
  name,
  type,
  required: false,
  max,
});

const CATALOGUE: readonly ParamRule[] = [
  ...['UserName', 'UserPrincipalName', 'NewUserName', 'NewUserPrincipalName', 'GroupName'].map((n) =>
    rule(n, 'string', NAME),
  ),
  ...['RoleName', 'PolicyName', 'SAMLProviderName', 'AccountAlias', 'DefaultDomainName'].map((n) =>
    rule(n, 'string', NAME),
  ),
  ...['DisplayName', 'NewDisplayName', 'Email', 'NewEmail', 'MobilePhone', 'NewMobilePhone'].map((n) =>
    rule(n, 'string', TEXT),
  ),
  ...['Comments', 'NewComments', 'Description', 'NewDescription', 'Marker', 'UserAccessKeyId'].map((n) =>
    rule(n, 'string', TEXT),
  ),
  ...['Status', 'PolicyType', 'VersionId', 'RotateStrategy', 'AuthnSignAlgo', 'AuxiliaryDomain'].map((n) =>
    rule(n, 'string', TEXT),
  ),
  ...['PolicyDocument', 'AssumeRolePolicyDocument', 'NewAssumeRolePolicyDocument'].map((n) =>
    rule(n, 'string', DOCUMENT),
  ),
  ...[
    'EncodedSAMLMetadataDocument',
    'NewEncodedSAMLMetadataDocument',
    'MetadataDocument',
    'MappingRules',
  ].map((n) => rule(n, 'string', DOCUMENT)),
  ...['MaxItems', 'MaxSessionDuration', 'NewMaxSessionDuration'].map((n) => rule(n, 'int', 16)),
  ...['CascadingDelete', 'SetAsDefault', 'SsoEnabled', 'SsoLoginWithDomain'].map((n) => rule(n, 'bool', 5)),
  // login profiles and the password policy (passwords: the policy checks them, MAX_PASSWORD_CHARS caps them)
  ...['Password', 'OldPassword', 'NewPassword'].map((n) => rule(n, 'string', MAX_PASSWORD_CHARS)),
  ...['PasswordResetRequired', 'MFABindRequired', ...PASSWORD_POLICY_FLAGS].map((n) => rule(n, 'bool', 5)),
  ...PASSWORD_POLICY_NUMBERS.map((n) => rule(n, 'int', 16)),
  // the security preference (the directory checks ranges, masks and enumerations)
  ...SECURITY_PREFERENCE_FLAGS.map((n) => rule(n, 'bool', 5)),
  rule('LoginSessionDuration', 'int', 16),
  rule('LoginNetworkMasks', 'string', NETWORK_MASK_LIMITS.chars),
  ...['MFAOperationForLogin', 'OperationForRiskLogin'].map((n) => rule(n, 'string', 32)),
  rule('VerificationTypes', 'string', 256),
  // virtual MFA devices
  rule('VirtualMFADeviceName', 'string', 64),
  rule('SerialNumber', 'string', NAME),
  ...['AuthenticationCode1', 'AuthenticationCode2'].map((n) => rule(n, 'string', 16)),
  // STS
  ...['RoleArn', 'SAMLProviderArn', 'RoleSessionName', 'ExternalId', 'SourceIdentity'].map((n) =>
    rule(n, 'string', TEXT),
  ),
  ...['Policy', 'SAMLAssertion'].map((n) => rule(n, 'string', DOCUMENT)),
  // the simulator and explained denials
  ...['ActionNames', 'ResourceArns', 'ContextEntries'].map((n) => rule(n, 'string', 64 * 1024)),
  rule('SessionPolicy', 'string', DOCUMENT),
  rule('EncodedDiagnosticMessage', 'string', 16_384),
  // DurationSeconds keeps its own codes (InvalidParameter.DurationSeconds): read as text here.
  rule('DurationSeconds', 'string', 32),
];

const BY_NAME = new Map(CATALOGUE.map((r) => [r.name, r]));

/** `'Name'`, `'Name!'` (required) or a rule of the row's own (a stricter version of the catalogue's). */
export type ParamSpec = string | (Partial<ParamRule> & { name: string });

export function paramRule(spec: ParamSpec): ParamRule {
  const name = typeof spec === 'string' ? spec.replace(/!$/, '') : spec.name;
  const base = BY_NAME.get(name);
  if (base === undefined) throw new Error(`action table: the parameter ${name} has no catalogue entry`);
  if (typeof spec === 'string') return spec.endsWith('!') ? { ...base, required: true } : base;
  return { ...base, ...spec };
}

/** Every parameter the catalogue knows (the adversarial suite draws extra parameters from it). */
export const KNOWN_PARAMS: readonly string[] = CATALOGUE.map((r) => r.name);
