/**
 * The RAM directory: one object whose methods are named like the RAM/IMS APIs and take the
 * account id plus the API's parameters (PascalCase, typed values or RPC strings). They return the
 * API response bodies (PascalCase, minus RequestId) or throw an ApiError from the one table.
 * Mutations of one account are serialised in this process (see AccountLocks).
 */
import { ApiError } from '../errors.js';
import type { DirectoryStore } from '../store/types.js';
import * as accessKeys from './access-keys.js';
import * as accounts from './accounts.js';
import * as summary from './account-summary.js';
import * as report from './credential-report.js';
import * as attachments from './attachments.js';
import * as groups from './groups.js';
import * as logins from './login-profiles.js';
import * as mfa from './mfa-devices.js';
import * as passwordPolicy from './password-policy.js';
import type { Params } from './params.js';
import * as policies from './policies.js';
import * as versions from './policy-versions.js';
import * as roles from './roles.js';
import * as providers from './saml-providers.js';
import * as preference from './security-preference.js';
import * as sso from './sso-settings.js';
import { findEntity, userNameOfPrincipalName, type NamedKind } from './lookup.js';
import { resolveSsoUser } from './sso-users.js';
import * as signIn from './sign-in.js';
import {
  AccountLocks,
  type DirectoryContext,
  type IdpMetadataValidator,
  type PolicyType,
  type PrincipalType,
} from './storage.js';
import * as users from './users.js';

export interface DirectoryOptions {
  store: DirectoryStore;
  /** The SAML engine's metadata check. Without one, every metadata upload is refused (fail closed). */
  validateIdpMetadata?: IdpMetadataValidator;
  now?: () => Date;
  /** Called after every successful mutation (callers drop their read caches). */
  onChange?: () => void;
}

type Operation<T> = (ctx: DirectoryContext, accountId: string, params: Params) => Promise<T>;

const noValidator: IdpMetadataValidator = () => {
  throw new ApiError('AuthenticationFail.IDPMetadata.Invalid', 'No IdP metadata validator is configured.');
};

export class Directory {
  readonly ctx: DirectoryContext;
  private readonly locks = new AccountLocks();
  private readonly onChange: (() => void) | undefined;

  constructor(options: DirectoryOptions) {
    this.onChange = options.onChange;
    this.ctx = {
      store: options.store,
      validateIdpMetadata: options.validateIdpMetadata ?? noValidator,
      now: options.now ?? (() => new Date()),
    };
  }

  /** A mutation: runs after the account's earlier mutations in this process. */
  private write<T>(op: Operation<T>) {
    return async (accountId: string, params: Params = {}): Promise<T> => {
      const result = await this.locks.run(accountId, () => op(this.ctx, accountId, params));
      this.onChange?.();
      return result;
    };
  }

  private read<T>(op: Operation<T>) {
    return (accountId: string, params: Params = {}): Promise<T> => op(this.ctx, accountId, params);
  }

  private attach(type: PrincipalType) {
    return this.write((ctx, a, p) => attachments.attachPolicy(ctx, a, type, p));
  }

  private detach(type: PrincipalType) {
    return this.write((ctx, a, p) => attachments.detachPolicy(ctx, a, type, p));
  }

  private listPoliciesFor(type: PrincipalType) {
    return this.read((ctx, a, p) => attachments.listPoliciesFor(ctx, a, type, p));
  }

  // --- accounts (CreateAccount and the domain alias are internal: no Alibaba API) -------------
  readonly CreateAccount = (params: Params) =>
    this.locks.run(String(params['AccountId']), () => accounts.createAccount(this.ctx, params));
  readonly GetAccountAlias = this.read(accounts.getAccountAlias);
  readonly SetAccountAlias = this.write(accounts.setAccountAlias);
  readonly GetDefaultDomain = this.read(accounts.getDefaultDomain);
  readonly SetDefaultDomain = this.write(accounts.setDefaultDomain);
  readonly GetDomainAlias = this.read(accounts.getDomainAlias);
  readonly SetDomainAlias = this.write(accounts.setDomainAlias);

  // --- users and AccessKeys ------------------------------------------------------------------
  readonly CreateUser = this.write(users.createUser);
  readonly GetUser = this.read(users.getUser);
  readonly UpdateUser = this.write(users.updateUser);
  readonly ListUsers = this.read(users.listUsers);
  readonly ListUserBasicInfos = this.read(summary.listUserBasicInfos);
  readonly GetAccountSummary = this.read(summary.getAccountSummary);
  readonly GenerateCredentialReport = this.write(report.generateCredentialReport);
  readonly GetCredentialReport = this.read(report.getCredentialReport);
  readonly DeleteUser = this.write(users.deleteUser);
  readonly CreateAccessKey = this.write(accessKeys.createAccessKey);
  readonly ListAccessKeys = this.read(accessKeys.listAccessKeys);
  readonly UpdateAccessKey = this.write(accessKeys.updateAccessKey);
  readonly DeleteAccessKey = this.write(accessKeys.deleteAccessKey);
  readonly GetAccessKeyLastUsed = this.read(accessKeys.getAccessKeyLastUsed);

  // --- login profiles and the password policy -------------------------------------------------
  readonly CreateLoginProfile = this.write(logins.createLoginProfile);
  readonly GetLoginProfile = this.read(logins.getLoginProfile);
  readonly UpdateLoginProfile = this.write(logins.updateLoginProfile);
  readonly DeleteLoginProfile = this.write(logins.deleteLoginProfile);
  readonly ChangePassword = this.write(logins.changePassword);
  readonly SetPasswordPolicy = this.write(passwordPolicy.setPasswordPolicy);
  readonly GetPasswordPolicy = this.read(passwordPolicy.getPasswordPolicy);
  readonly SetSecurityPreference = this.write(preference.setSecurityPreference);
  readonly GetSecurityPreference = this.read(preference.getSecurityPreference);

  // --- virtual MFA devices --------------------------------------------------------------------
  readonly CreateVirtualMFADevice = this.write(mfa.createVirtualMfaDevice);
  readonly BindMFADevice = this.write(mfa.bindMfaDevice);
  readonly UnbindMFADevice = this.write(mfa.unbindMfaDevice);
  readonly ListVirtualMFADevices = this.read(mfa.listVirtualMfaDevices);
  readonly DeleteVirtualMFADevice = this.write(mfa.deleteVirtualMfaDevice);
  readonly GetUserMFAInfo = this.read(mfa.getUserMfaInfo);
  readonly GetAccountMFAInfo = this.read(mfa.getAccountMfaInfo);
  readonly DisableVirtualMFA = this.write(mfa.disableVirtualMfa);

  // --- groups ---------------------------------------------------------------------------------
  readonly CreateGroup = this.write(groups.createGroup);
  readonly GetGroup = this.read(groups.getGroup);
  readonly UpdateGroup = this.write(groups.updateGroup);
  readonly ListGroups = this.read(groups.listGroups);
  readonly DeleteGroup = this.write(groups.deleteGroup);
  readonly AddUserToGroup = this.write(groups.addUserToGroup);
  readonly RemoveUserFromGroup = this.write(groups.removeUserFromGroup);
  readonly ListGroupsForUser = this.read(groups.listGroupsForUser);
  readonly ListUsersForGroup = this.read(groups.listUsersForGroup);

  // --- roles ----------------------------------------------------------------------------------
  readonly CreateRole = this.write(roles.createRole);
  readonly GetRole = this.read(roles.getRole);
  readonly UpdateRole = this.write(roles.updateRole);
  readonly ListRoles = this.read(roles.listRoles);
  readonly DeleteRole = this.write(roles.deleteRole);

  // --- policies -------------------------------------------------------------------------------
  readonly CreatePolicy = this.write(policies.createPolicy);
  readonly GetPolicy = this.read(policies.getPolicy);
  readonly ListPolicies = this.read(policies.listPolicies);
  readonly DeletePolicy = this.write(policies.deletePolicy);
  readonly CreatePolicyVersion = this.write(versions.createPolicyVersion);
  readonly GetPolicyVersion = this.read(versions.getPolicyVersion);
  readonly ListPolicyVersions = this.read(versions.listPolicyVersions);
  readonly SetDefaultPolicyVersion = this.write(versions.setDefaultPolicyVersion);
  readonly DeletePolicyVersion = this.write(versions.deletePolicyVersion);
  readonly AttachPolicyToUser = this.attach('User');
  readonly AttachPolicyToGroup = this.attach('Group');
  readonly AttachPolicyToRole = this.attach('Role');
  readonly DetachPolicyFromUser = this.detach('User');
  readonly DetachPolicyFromGroup = this.detach('Group');
  readonly DetachPolicyFromRole = this.detach('Role');
  readonly ListPoliciesForUser = this.listPoliciesFor('User');
  readonly ListPoliciesForGroup = this.listPoliciesFor('Group');
  readonly ListPoliciesForRole = this.listPoliciesFor('Role');
  readonly ListEntitiesForPolicy = this.read(attachments.listEntitiesForPolicy);

  // --- SAML providers and user SSO settings ---------------------------------------------------
  readonly CreateSAMLProvider = this.write(providers.createSamlProvider);
  readonly GetSAMLProvider = this.read(providers.getSamlProvider);
  readonly UpdateSAMLProvider = this.write(providers.updateSamlProvider);
  readonly DeleteSAMLProvider = this.write(providers.deleteSamlProvider);
  readonly ListSAMLProviders = this.read(providers.listSamlProviders);
  readonly SetUserSsoSettings = this.write(sso.setUserSsoSettings);
  readonly GetUserSsoSettings = this.read(sso.getUserSsoSettings);

  // --- helpers for the other layers (not APIs) ------------------------------------------------
  /** Declarative config: add an AccessKey with a given id/secret, or update its secret/status. */
  readonly importAccessKey = this.write(accessKeys.importAccessKey);

  hasAccount(accountId: string): Promise<boolean> {
    return accounts.requireAccount(this.ctx, accountId).then(
      () => true,
      (e: unknown) =>
        e instanceof ApiError && e.code === 'EntityNotExist.Account' ? false : Promise.reject(e),
    );
  }

  listAccountIds(): Promise<string[]> {
    return accounts.listAccountIds(this.ctx);
  }

  /** Owner, secret and status of a long-term AccessKeyId, for request signature checks. */
  lookupAccessKey(accessKeyId: string) {
    return accessKeys.lookupAccessKey(this.ctx, accessKeyId);
  }

  /** The user's own and its groups' policies (default version documents), each once. */
  effectivePoliciesForUser(accountId: string, userName: string) {
    return attachments.effectivePoliciesForUser(this.ctx, accountId, userName);
  }

  /** The role's attached policies (default version documents). */
  policiesForRole(accountId: string, roleName: string) {
    return attachments.policiesForRole(this.ctx, accountId, roleName);
  }

  /** The group's attached policies (default version documents). */
  policiesForGroup(accountId: string, groupName: string) {
    return attachments.policiesForGroup(this.ctx, accountId, groupName);
  }

  /** Metadata XML, entity id and AuthnSignAlgo of a provider, or undefined. */
  samlProviderForSso(accountId: string, providerName: string) {
    return providers.samlProviderForSso(this.ctx, accountId, providerName);
  }

  /** The account's security preference with IMS's defaults filled in (see loginPreference). */
  securityPreference(accountId: string) {
    return preference.readSecurityPreference(this.ctx, accountId);
  }

  /** User-based SSO settings with decoded metadata, or undefined when SSO is off. */
  userSsoConfig(accountId: string) {
    return sso.userSsoConfig(this.ctx, accountId);
  }

  /** The RAM user a user-based SSO NameID names (reference §1.7), or an AuthenticationFail error. */
  resolveSsoUser(accountId: string, nameId: string) {
    return resolveSsoUser(this.ctx, accountId, nameId);
  }

  /** The stored name and id of a named entity, or undefined (authorization resolves each name once). */
  findEntity(accountId: string, kind: NamedKind, name: string, policyType: PolicyType = 'Custom') {
    return findEntity(this.ctx, accountId, kind, name, policyType);
  }

  /** The user name of a UserPrincipalName of this account (InvalidParameter.UserPrincipalName otherwise). */
  async userNameOfPrincipalName(accountId: string, upn: string, param: string): Promise<string> {
    return userNameOfPrincipalName(await accounts.requireAccount(this.ctx, accountId), upn, param);
  }

  // --- password sign-in (src/sso/password-signin.ts) -------------------------------------------
  /** The domains a logon name of the account may end in (default domain, domain alias or auxiliary domain). */
  signInDomains(accountId: string) {
    return signIn.signInDomains(this.ctx, accountId);
  }

  /** The user, its login profile, the password policy and the bound MFA device; undefined without user or profile. */
  signInFacts(accountId: string, userName: string) {
    return signIn.signInFacts(this.ctx, accountId, userName);
  }

  /** The forced password change of a pending sign-in (ChangePassword's rules, no old password). */
  changePasswordAtSignIn(accountId: string, change: Parameters<typeof logins.changePasswordAtSignIn>[2]) {
    return this.mutate(accountId, (ctx) => logins.changePasswordAtSignIn(ctx, accountId, change));
  }

  /** Create and bind a device from the seed a sign-in showed (two consecutive codes); the second code's step. */
  bindMfaAtSignIn(accountId: string, bind: Parameters<typeof mfa.bindNewDeviceAtSignIn>[2]) {
    return this.mutate(accountId, (ctx) => mfa.bindNewDeviceAtSignIn(ctx, accountId, bind));
  }

  /** LastLoginTime of a successful sign-in. */
  recordLogin(accountId: string, userName: string, userId: string) {
    return this.mutate(accountId, (ctx) => logins.recordLogin(ctx, accountId, userName, userId));
  }

  private async mutate<T>(accountId: string, op: (ctx: DirectoryContext) => Promise<T>): Promise<T> {
    const result = await this.locks.run(accountId, () => op(this.ctx));
    this.onChange?.();
    return result;
  }

  /** The account whose default domain or domain alias is `domain`. */
  findAccountByDomain(domain: string) {
    return accounts.findAccountByDomain(this.ctx, domain);
  }
}
