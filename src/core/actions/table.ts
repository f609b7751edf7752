/**
 * THE ACTION TABLE: every STS, IMS and RAM action ramgate serves, with its versions, parameters,
 * policy action and every resource it is authorized on (ARN templates in the form of Alibaba's
 * IMS action table, reference/ims-actions.tsv). The RPC router serves exactly these rows, the
 * authorization step evaluates exactly these resources, the README's action list and the
 * adversarial authorization suite are generated from them.
 */
import { PASSWORD_POLICY_FLAGS, PASSWORD_POLICY_NUMBERS } from '../ram/password-policy.js';
import { SECURITY_PREFERENCE_FLAGS } from '../ram/security-preference.js';
import { paramRule, type ParamSpec } from './params.js';
import type { AccessLevel, ActionRow, ApiVersion, AuthorizedBy, SlotName, SlotUse } from './types.js';

const STS: readonly ApiVersion[] = ['2015-04-01'];
const IMS: readonly ApiVersion[] = ['2019-08-15'];
const RAM: readonly ApiVersion[] = ['2015-05-01'];
const BOTH: readonly ApiVersion[] = ['2019-08-15', '2015-05-01'];

const ARN = 'acs:ram::{#accountId}:';
export const RESOURCE = {
  account: `${ARN}*`,
  user: `${ARN}user/{#UserName}`,
  newUser: `${ARN}user/{#NewUserName}`,
  users: `${ARN}user/*`,
  group: `${ARN}group/{#GroupName}`,
  groups: `${ARN}group/*`,
  role: `${ARN}role/{#RoleName}`,
  roles: `${ARN}role/*`,
  policy: `${ARN}policy/{#PolicyName}`,
  policies: `${ARN}policy/*`,
  provider: `${ARN}saml-provider/{#SAMLProviderName}`,
  providers: `${ARN}saml-provider/*`,
  mfaDevice: `${ARN}mfa/{#SerialNumber}`,
  mfaDevices: `${ARN}mfa/*`,
} as const;

interface RowOptions {
  slots?: Partial<Record<SlotName, SlotUse>>;
  optional?: SlotName[];
  params?: ParamSpec[];
  resources: string[];
  policyAction?: string;
  authorizedBy?: AuthorizedBy;
  anonymous?: boolean;
  extension?: boolean;
}

function row(action: string, versions: readonly ApiVersion[], access: AccessLevel, o: RowOptions): ActionRow {
  return Object.freeze({
    action,
    versions,
    policyAction: o.policyAction ?? `ram:${action}`,
    access,
    anonymous: o.anonymous ?? false,
    authorizedBy: o.authorizedBy ?? 'table',
    slots: Object.freeze({ ...o.slots }),
    optionalSlots: Object.freeze([...(o.optional ?? [])]),
    params: Object.freeze((o.params ?? []).map(paramRule)),
    resources: Object.freeze([...o.resources]),
    extension: o.extension ?? false,
  });
}

const PAGE: ParamSpec[] = ['MaxItems', 'Marker'];
const R = RESOURCE;
const user = { UserName: 'existing' } as const;
const group = { GroupName: 'existing' } as const;
const role = { RoleName: 'existing' } as const;
const policy = { PolicyName: 'existing' } as const;
const provider = { SAMLProviderName: 'existing' } as const;
const ownKeys = { UserName: 'caller' } as const;
/** IMS: "The display name … must be 1 to 24 characters in length" (RAM 2015-05-01 allows 128). */
const imsDisplayName = (name: string, required: boolean): ParamSpec => ({
  name,
  required,
  min: 1,
  max: 24,
  code: 'InvalidParameter.DisplayName',
});
const profile = ['Email', 'MobilePhone', 'Comments'];
const newProfile = ['NewEmail', 'NewMobilePhone', 'NewComments'];
const attach = (principal: 'User' | 'Group' | 'Role', verb: 'Attach' | 'Detach') =>
  row(verb === 'Attach' ? `AttachPolicyTo${principal}` : `DetachPolicyFrom${principal}`, RAM, 'Write', {
    slots: { PolicyName: 'existing', [`${principal}Name`]: 'existing' },
    params: ['PolicyType!'],
    resources: [R.policy, R[principal.toLowerCase() as 'user' | 'group' | 'role']],
  });

export const ACTION_TABLE: readonly ActionRow[] = Object.freeze([
  // --- STS 2015-04-01 -------------------------------------------------------------------------
  row('AssumeRole', STS, 'Write', {
    policyAction: 'sts:AssumeRole',
    authorizedBy: 'sts-core',
    params: ['RoleArn', 'RoleSessionName', 'Policy', 'DurationSeconds', 'ExternalId', 'SourceIdentity'],
    resources: ['{RoleArn}'],
  }),
  row('AssumeRoleWithSAML', STS, 'Write', {
    policyAction: 'sts:AssumeRoleWithSAML',
    authorizedBy: 'none',
    anonymous: true,
    params: ['SAMLProviderArn', 'RoleArn', 'SAMLAssertion', 'Policy', 'DurationSeconds'],
    resources: [],
  }),
  row('GetCallerIdentity', STS, 'Read', {
    policyAction: 'sts:GetCallerIdentity',
    authorizedBy: 'none',
    resources: [],
  }),

  // --- users (IMS names them by UserPrincipalName, RAM by UserName; both accept both) ---------
  row('CreateUser', IMS, 'Write', {
    slots: { UserName: 'new' },
    params: [imsDisplayName('DisplayName', true), ...profile],
    resources: [R.users],
  }),
  row('CreateUser', RAM, 'Write', {
    slots: { UserName: 'new' },
    params: ['DisplayName', ...profile],
    resources: [R.users],
  }),
  row('GetUser', BOTH, 'Read', { slots: user, resources: [R.user] }),
  row('UpdateUser', IMS, 'Write', {
    slots: { UserName: 'existing', NewUserName: 'new' },
    optional: ['NewUserName'],
    params: [imsDisplayName('NewDisplayName', false), ...newProfile],
    resources: [R.user, R.newUser],
  }),
  row('UpdateUser', RAM, 'Write', {
    slots: { UserName: 'existing', NewUserName: 'new' },
    optional: ['NewUserName'],
    params: ['NewDisplayName', ...newProfile],
    resources: [R.user, R.newUser],
  }),
  row('ListUsers', BOTH, 'List', { params: PAGE, resources: [R.users] }),
  row('DeleteUser', BOTH, 'Write', { slots: user, resources: [R.user] }),

  // --- AccessKeys: without a user named, the caller's own ---------------------------------------
  row('CreateAccessKey', BOTH, 'Write', { slots: ownKeys, resources: [R.user] }),
  row('ListAccessKeys', BOTH, 'List', { slots: ownKeys, resources: [R.user] }),
  row('UpdateAccessKey', BOTH, 'Write', {
    slots: ownKeys,
    params: ['UserAccessKeyId!', 'Status!'],
    resources: [R.user],
  }),
  row('DeleteAccessKey', BOTH, 'Write', {
    slots: ownKeys,
    params: ['UserAccessKeyId!'],
    resources: [R.user],
  }),

  // --- login profiles (console passwords) and the account's password policy -------------------
  row('CreateLoginProfile', BOTH, 'Write', {
    slots: user,
    params: ['Password!', 'PasswordResetRequired', 'MFABindRequired', 'Status'],
    resources: [R.user],
  }),
  row('GetLoginProfile', BOTH, 'Read', { slots: user, resources: [R.user] }),
  row('UpdateLoginProfile', BOTH, 'Write', {
    slots: user,
    params: ['Password', 'PasswordResetRequired', 'MFABindRequired', 'Status'],
    resources: [R.user],
  }),
  row('DeleteLoginProfile', BOTH, 'Write', { slots: user, resources: [R.user] }),
  // The caller's own password only: no parameter names the user.
  row('ChangePassword', BOTH, 'Write', {
    slots: { UserName: 'self' },
    params: ['OldPassword!', 'NewPassword!'],
    resources: [R.user],
  }),
  row('SetPasswordPolicy', BOTH, 'Write', {
    params: [...PASSWORD_POLICY_NUMBERS, ...PASSWORD_POLICY_FLAGS],
    resources: [R.account],
  }),
  row('GetPasswordPolicy', BOTH, 'Read', { resources: [R.account] }),
  row('SetSecurityPreference', BOTH, 'Write', {
    params: [
      'LoginSessionDuration',
      ...SECURITY_PREFERENCE_FLAGS,
      'LoginNetworkMasks',
      'MFAOperationForLogin',
      'OperationForRiskLogin',
      'VerificationTypes',
    ],
    resources: [R.account],
  }),
  row('GetSecurityPreference', BOTH, 'Read', { resources: [R.account] }),

  // --- virtual MFA devices (IMS); binding is authorized on the user only, as Alibaba's table says
  row('CreateVirtualMFADevice', IMS, 'Write', {
    params: ['VirtualMFADeviceName!'],
    resources: [R.mfaDevices],
  }),
  row('ListVirtualMFADevices', IMS, 'List', { params: PAGE, resources: [R.mfaDevices] }),
  row('DeleteVirtualMFADevice', IMS, 'Write', {
    slots: { SerialNumber: 'existing' },
    resources: [R.mfaDevice],
  }),
  row('BindMFADevice', IMS, 'Write', {
    slots: user,
    params: ['SerialNumber!', 'AuthenticationCode1!', 'AuthenticationCode2!'],
    resources: [R.user],
  }),
  row('UnbindMFADevice', IMS, 'Write', { slots: user, resources: [R.user] }),
  row('DisableVirtualMFA', IMS, 'Write', { slots: user, resources: [R.user] }),
  row('GetUserMFAInfo', IMS, 'Read', { slots: user, resources: [R.user] }),
  row('GetAccountMFAInfo', IMS, 'Read', { resources: [R.account] }),

  // --- groups and memberships (authorized on the group AND the user) --------------------------
  row('CreateGroup', BOTH, 'Write', {
    slots: { GroupName: 'new' },
    params: ['Comments'],
    resources: [R.groups],
  }),
  row('GetGroup', BOTH, 'Read', { slots: group, resources: [R.group] }),
  row('UpdateGroup', BOTH, 'Write', { slots: group, params: ['NewComments'], resources: [R.group] }),
  row('ListGroups', BOTH, 'List', { params: PAGE, resources: [R.groups] }),
  row('DeleteGroup', BOTH, 'Write', { slots: group, resources: [R.group] }),
  row('AddUserToGroup', BOTH, 'Write', { slots: { ...group, ...user }, resources: [R.group, R.user] }),
  row('RemoveUserFromGroup', BOTH, 'Write', { slots: { ...group, ...user }, resources: [R.group, R.user] }),
  row('ListGroupsForUser', BOTH, 'List', { slots: user, resources: [R.user] }),
  row('ListUsersForGroup', BOTH, 'List', { slots: group, params: PAGE, resources: [R.group] }),

  // --- SAML providers and user-based SSO (IMS) ------------------------------------------------
  row('CreateSAMLProvider', IMS, 'Write', {
    slots: { SAMLProviderName: 'new' },
    params: ['EncodedSAMLMetadataDocument!', 'Description', 'MappingRules'],
    resources: [R.providers],
  }),
  row('GetSAMLProvider', IMS, 'Read', { slots: provider, resources: [R.provider] }),
  row('UpdateSAMLProvider', IMS, 'Write', {
    slots: provider,
    params: ['NewEncodedSAMLMetadataDocument', 'NewDescription', 'MappingRules'],
    resources: [R.provider],
  }),
  row('DeleteSAMLProvider', IMS, 'Write', { slots: provider, resources: [R.provider] }),
  row('ListSAMLProviders', IMS, 'List', { params: PAGE, resources: [R.providers] }),
  row('SetUserSsoSettings', IMS, 'Write', {
    params: [
      'SsoEnabled',
      'MetadataDocument',
      'AuxiliaryDomain',
      'SsoLoginWithDomain',
      'AuthnSignAlgo',
      'MappingRules',
    ],
    resources: [R.account],
  }),
  row('GetUserSsoSettings', IMS, 'Read', { resources: [R.account] }),
  row('GetDefaultDomain', IMS, 'Read', { resources: [R.account] }),
  row('SetDefaultDomain', IMS, 'Write', { params: ['DefaultDomainName!'], resources: [R.account] }),

  // --- roles (RAM) ----------------------------------------------------------------------------
  row('CreateRole', RAM, 'Write', {
    slots: { RoleName: 'new' },
    params: ['AssumeRolePolicyDocument!', 'Description', 'MaxSessionDuration'],
    resources: [R.roles],
  }),
  row('GetRole', RAM, 'Read', { slots: role, resources: [R.role] }),
  row('UpdateRole', RAM, 'Write', {
    slots: role,
    params: ['NewAssumeRolePolicyDocument', 'NewMaxSessionDuration', 'NewDescription'],
    resources: [R.role],
  }),
  row('ListRoles', RAM, 'List', { params: PAGE, resources: [R.roles] }),
  row('DeleteRole', RAM, 'Write', { slots: role, resources: [R.role] }),

  // --- policies and versions (RAM; without PolicyType a policy is Custom) ---------------------
  row('CreatePolicy', RAM, 'Write', {
    slots: { PolicyName: 'new' },
    params: ['PolicyDocument!', 'Description'],
    resources: [R.policies],
  }),
  row('GetPolicy', RAM, 'Read', { slots: policy, params: ['PolicyType!'], resources: [R.policy] }),
  row('ListPolicies', RAM, 'List', { params: ['PolicyType', ...PAGE], resources: [R.policies] }),
  row('DeletePolicy', RAM, 'Write', { slots: policy, params: ['CascadingDelete'], resources: [R.policy] }),
  row('CreatePolicyVersion', RAM, 'Write', {
    slots: policy,
    params: ['PolicyDocument!', 'SetAsDefault', 'RotateStrategy'],
    resources: [R.policy],
  }),
  row('GetPolicyVersion', RAM, 'Read', {
    slots: policy,
    params: ['PolicyType!', 'VersionId!'],
    resources: [R.policy],
  }),
  row('ListPolicyVersions', RAM, 'List', { slots: policy, params: ['PolicyType!'], resources: [R.policy] }),
  row('SetDefaultPolicyVersion', RAM, 'Write', {
    slots: policy,
    params: ['VersionId!'],
    resources: [R.policy],
  }),
  row('DeletePolicyVersion', RAM, 'Write', { slots: policy, params: ['VersionId!'], resources: [R.policy] }),

  // --- attachments: authorized on the policy AND on the principal it changes ------------------
  attach('User', 'Attach'),
  attach('Group', 'Attach'),
  attach('Role', 'Attach'),
  attach('User', 'Detach'),
  attach('Group', 'Detach'),
  attach('Role', 'Detach'),
  row('ListPoliciesForUser', RAM, 'List', { slots: user, resources: [R.user] }),
  row('ListPoliciesForGroup', RAM, 'List', { slots: group, resources: [R.group] }),
  row('ListPoliciesForRole', RAM, 'List', { slots: role, resources: [R.role] }),
  row('ListEntitiesForPolicy', RAM, 'List', {
    slots: policy,
    params: ['PolicyType!'],
    resources: [R.policy],
  }),

  // --- account ---------------------------------------------------------------------------------
  row('GetAccountAlias', RAM, 'Read', { resources: [R.account] }),
  row('SetAccountAlias', RAM, 'Write', { params: ['AccountAlias!'], resources: [R.account] }),

  // --- ramgate extensions: ending sessions before they expire ---------------------------------
  row('RevokeRoleSessions', RAM, 'Write', { slots: role, resources: [R.role], extension: true }),
  row('RevokeUserSessions', RAM, 'Write', { slots: user, resources: [R.user], extension: true }),

  // --- why a call is allowed or denied ----------------------------------------------------------
  row('DecodeDiagnosticMessage', RAM, 'Read', {
    params: ['EncodedDiagnosticMessage!'],
    resources: [R.account],
  }),
  // Simulates the user, group or role named (authorized on it), or the caller itself (no permission needed).
  row('RamgateSimulatePrincipalPolicy', RAM, 'Read', {
    slots: { UserName: 'existing', GroupName: 'existing', RoleName: 'existing' },
    optional: ['UserName', 'GroupName', 'RoleName'],
    params: ['ActionNames!', 'ResourceArns', 'ContextEntries', 'SessionPolicy'],
    resources: [R.user, R.group, R.role],
    extension: true,
  }),
]);

/** The row of (version, action), or undefined. */
export function findRow(version: string, action: string): ActionRow | undefined {
  return ROWS_BY_KEY.get(`${version}/${action}`);
}

const ROWS_BY_KEY = new Map<string, ActionRow>(
  ACTION_TABLE.flatMap((r) => r.versions.map((v) => [`${v}/${r.action}`, r] as const)),
);
