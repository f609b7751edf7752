/**
 * The one table of API errors. Codes, HTTP statuses and default messages follow Alibaba Cloud
 * (reference §3 and the POP common errors). Every failure that reaches a client is an ApiError
 * built from this table; callers pass a specific message saying what exactly was wrong.
 */
export const ERROR_TABLE = {
  // --- parameters --------------------------------------------------------------------------
  MissingParameter: [400, 'A required parameter is missing.'],
  'MissingParameter.SAMLAssertion': [400, 'Parameter SAMLAssertion is required.'],
  'MissingParameter.SAMLProviderArn': [400, 'Parameter SAMLProviderArn is required.'],
  'MissingParameter.RoleArn': [400, 'Parameter RoleArn is required.'],
  'MissingParameter.RoleSessionName': [400, 'Parameter RoleSessionName is required.'],
  InvalidParameter: [400, 'The specified parameter is not valid.'],
  'InvalidParameter.Arn': [400, 'The parameter Arn is wrongly formed.'],
  'InvalidParameter.RoleArn': [400, 'The parameter RoleArn is wrongly formed.'],
  'InvalidParameter.SAMLProviderArn': [400, 'The parameter SAMLProviderArn is wrongly formed.'],
  'InvalidParameter.RoleSessionName': [400, 'The RoleSessionName is invalid.'],
  'InvalidParameter.DurationSeconds': [400, 'The DurationSeconds is invalid.'],
  'InvalidParameter.PolicyGrammar': [400, 'The parameter Policy has not passed grammar check.'],
  'InvalidParameter.PolicySize': [400, 'The size of Policy exceeds the limit.'],
  'InvalidParameter.ExternalId': [400, 'The parameter ExternalId is wrongly formed.'],
  'InvalidParameter.SAMLAssertion': [400, 'The parameter SAMLAssertion is wrongly formed.'],
  'InvalidParameter.SAMLProviderName': [400, 'The parameter SAMLProviderName is wrongly formed.'],
  'InvalidParameter.Description': [400, 'The parameter Description is too long.'],
  'InvalidParameter.AuthnSignAlgo': [400, 'The parameter AuthnSignAlgo must be rsa-sha256 or rsa-sha1.'],
  'InvalidParameter.EncodedSAMLMetadataDocument': [400, 'The SAML metadata document is not valid.'],
  'InvalidParameter.AccountId': [400, 'The parameter AccountId is wrongly formed.'],
  'InvalidParameter.AccountAlias': [400, 'The parameter AccountAlias is wrongly formed.'],
  'InvalidParameter.DomainAlias': [400, 'The parameter DomainAlias is wrongly formed.'],
  'InvalidParameter.AuxiliaryDomain': [400, 'The parameter AuxiliaryDomain is wrongly formed.'],
  'InvalidParameter.UserName': [400, 'The parameter UserName is wrongly formed.'],
  'InvalidParameter.Comments': [400, 'The parameter Comments is wrongly formed.'],
  'InvalidParameter.Email': [400, 'The parameter Email is wrongly formed.'],
  'InvalidParameter.MobilePhone': [400, 'The parameter MobilePhone is wrongly formed.'],
  'InvalidParameter.MetadataDocument': [400, 'The parameter MetadataDocument is not valid.'],
  'InvalidParameter.DefaultDomainName': [400, 'The parameter DefaultDomainName is wrongly formed.'],
  'InvalidParameter.RotateStrategy': [400, 'The parameter RotateStrategy is not valid.'],
  'InvalidParameter.UserPrincipalName': [400, 'The parameter UserPrincipalName is wrongly formed.'],
  'InvalidParameter.DisplayName': [400, 'The parameter DisplayName is wrongly formed.'],
  'InvalidParameter.GroupName': [400, 'The parameter GroupName is wrongly formed.'],
  'InvalidParameter.RoleName': [400, 'The parameter RoleName is wrongly formed.'],
  'InvalidParameter.MaxSessionDuration': [400, 'The parameter MaxSessionDuration must be 3600 to 43200.'],
  'InvalidParameter.PolicyName': [400, 'The parameter PolicyName is wrongly formed.'],
  'InvalidParameter.PolicyType': [400, 'The parameter PolicyType must be System or Custom.'],
  'InvalidParameter.VersionId': [400, 'The parameter VersionId is wrongly formed.'],
  'InvalidParameter.MaxItems': [400, 'The parameter MaxItems must be 1 to 1000.'],
  'InvalidParameter.Marker': [400, 'The parameter Marker is not valid.'],
  'InvalidParameter.NextToken': [400, 'The parameter NextToken is not valid.'],
  'InvalidParameter.Status': [400, 'The parameter Status must be Active or Inactive.'],
  'InvalidParameter.Format': [400, 'The parameter Format must be JSON or XML.'],
  'InvalidParameter.Config': [400, 'The configuration is not valid.'],
  'InvalidParameter.EncodedDiagnosticMessage': [
    400,
    'The parameter EncodedDiagnosticMessage is not a diagnostic message of this account.',
  ],
  'InvalidParameter.MappingRules': [400, 'The parameter MappingRules is not valid.'],
  'InvalidParameter.Password': [400, 'The password does not meet the password policy of the account.'],
  'InvalidParameter.OldPassword': [400, 'The old password is not correct.'],
  'InvalidParameter.SerialNumber': [400, 'The parameter SerialNumber is not an MFA device of this account.'],
  'InvalidParameter.VirtualMFADeviceName': [400, 'The parameter VirtualMFADeviceName is wrongly formed.'],
  'InvalidParameter.AuthenticationCode': [400, 'The MFA authentication codes are not valid.'],
  'InvalidParameter.PasswordPolicy': [400, 'A setting of the password policy is out of its range.'],
  'InvalidParameter.LoginSessionDuration': [400, 'The parameter LoginSessionDuration must be 1 to 24.'],
  'InvalidParameter.LoginNetworkMasks': [400, 'The parameter LoginNetworkMasks is not valid.'],
  'InvalidParameter.MFAOperationForLogin': [
    400,
    'The parameter MFAOperationForLogin must be mandatory, independent or adaptive.',
  ],
  'InvalidParameter.OperationForRiskLogin': [
    400,
    'The parameter OperationForRiskLogin must be autonomous or enforceVerify.',
  ],
  'InvalidParameter.VerificationTypes': [400, 'The parameter VerificationTypes is not valid.'],
  // --- entities -----------------------------------------------------------------------------
  'EntityNotExist.Account': [404, 'The specified account does not exist.'],
  'EntityNotExist.User': [404, 'The user does not exist.'],
  'EntityNotExist.Group': [404, 'The group does not exist.'],
  'EntityNotExist.Role': [404, 'The specified Role not exists.'],
  'EntityNotExist.RoleArn': [404, 'The specified Role does not exists.'],
  'EntityNotExist.Policy': [404, 'The policy does not exist.'],
  'EntityNotExist.PolicyVersion': [404, 'The policy version does not exist.'],
  'EntityNotExist.SAMLProvider': [404, 'Can not find SAML provider.'],
  'EntityNotExist.AccessKey': [404, 'The AccessKey does not exist.'],
  'EntityNotExist.User.Group': [404, 'The user is not a member of the group.'],
  'EntityNotExist.Attachment': [404, 'The policy is not attached to the principal.'],
  'EntityNotExist.VirtualMFADevice': [404, 'The virtual MFA device does not exist.'],
  'EntityNotExist.User.MFADevice': [404, 'The user has no MFA device bound.'],
  'EntityNotExist.CredentialReport': [404, 'No credential report has been generated.'],
  'EntityNotExist.User.LoginProfile': [404, 'The login profile of the user does not exist.'],
  'EntityAlreadyExists.Account': [409, 'The account already exists.'],
  'EntityAlreadyExists.User': [409, 'The user already exists.'],
  'EntityAlreadyExists.Group': [409, 'The group already exists.'],
  'EntityAlreadyExists.Role': [409, 'The role already exists.'],
  'EntityAlreadyExists.Policy': [409, 'The policy already exists.'],
  'EntityAlreadyExists.SAMLProvider': [409, 'The SAML provider already exists.'],
  'EntityAlreadyExists.User.Group': [409, 'The user is already a member of the group.'],
  'EntityAlreadyExists.Attachment': [409, 'The policy is already attached to the principal.'],
  'EntityAlreadyExists.VirtualMFADevice': [409, 'The virtual MFA device already exists.'],
  'EntityAlreadyExists.VirtualMFADevice.User': [409, 'The virtual MFA device is bound to another user.'],
  'LimitExceeded.VirtualMFADevice': [409, 'The number of virtual MFA devices exceeds the limit of 1000.'],
  'LimitExceeded.User.MFADevice': [409, 'A user can have at most 1 MFA device.'],
  'DeleteConflict.VirtualMFADevice.User': [409, 'The virtual MFA device is bound to a user.'],
  'EntityAlreadyExists.User.LoginProfile': [409, 'The user already has a login profile.'],
  'EntityAlreadyExists.DomainAlias': [409, 'The domain alias is already used by another account.'],
  'EntityAlreadyExists.AccountAlias': [409, 'The account alias is already used by another account.'],
  'LimitExceeded.SAMLProvider': [409, 'The number of SAML providers exceeds the limit of 100.'],
  'LimitExceeded.User': [409, 'The number of users exceeds the limit.'],
  'LimitExceeded.Role': [409, 'The number of roles exceeds the limit.'],
  'LimitExceeded.Group': [409, 'The number of groups exceeds the limit.'],
  'LimitExceeded.Policy': [409, 'The number of custom policies exceeds the limit.'],
  'LimitExceeded.Policy.Version': [409, 'The number of policy versions exceeds the limit of 5.'],
  'LimitExceeded.User.Group': [409, 'A user can join at most 5 groups.'],
  'LimitExceeded.User.AccessKey': [409, 'A user can have at most 2 AccessKeys.'],
  'LimitExceeded.Attachment': [409, 'The number of policies attached to the principal exceeds the limit.'],
  'DeleteConflict.User.Group': [409, 'The user still belongs to a group.'],
  'DeleteConflict.User.Policy': [409, 'The user still has attached policies.'],
  'DeleteConflict.User.AccessKey': [409, 'The user still has AccessKeys.'],
  'DeleteConflict.Group.User': [409, 'The group still has members.'],
  'DeleteConflict.Group.Policy': [409, 'The group still has attached policies.'],
  'DeleteConflict.Role.Policy': [409, 'The role still has attached policies.'],
  'DeleteConflict.Policy.Attachment': [409, 'The policy is still attached to a principal.'],
  'DeleteConflict.Policy.Version': [409, 'The policy still has non-default versions.'],
  'DeleteConflict.PolicyVersion.Default': [409, 'The default version of a policy cannot be deleted.'],
  // --- authentication and authorization -----------------------------------------------------
  'AuthenticationFail.IDPMetadata.Invalid': [401, 'The IdP Metadata of your SAML Provider is invalid.'],
  'AuthenticationFail.SAMLAssertion.Expired': [401, 'The SAML Assertion is expired.'],
  'AuthenticationFail.SAMLAssertion.Invalid': [401, 'The SAML Assertion is invalid.'],
  'AuthenticationFail.SSO.Disabled': [401, 'SSO is not enabled for this account.'],
  'AuthenticationFail.User.NotFound': [401, 'No RAM user matches the SAML NameID.'],
  /** ramgate's code (no Alibaba code found): SetSecurityPreference LoginNetworkMasks refused the client's address. */
  'AuthenticationFail.LoginNetworkMask': [401, 'Sign-in is not allowed from this network address.'],
  'AuthenticationFail.Session': [401, 'The session is missing, expired or invalid.'],
  'AuthenticationFail.OperatorToken': [401, 'A valid operator bearer token is required.'],
  // Password sign-in of RAM users (the console's, not an API): src/sso/password-signin.ts.
  'AuthenticationFail.Password': [401, 'The user name or password is incorrect.'],
  'AuthenticationFail.User.Locked': [
    403,
    'The RAM user is locked for one hour after too many wrong passwords.',
  ],
  'AuthenticationFail.LoginProfile.Inactive': [403, 'Console sign-in is disabled for this RAM user.'],
  'AuthenticationFail.Password.Expired': [403, 'The password has expired; an administrator must reset it.'],
  'AuthenticationFail.MFA.Invalid': [401, 'The MFA code is not valid.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  'InvalidAccessKeyId.Inactive': [400, 'Specified access key is disabled.'],
  IncompleteSignature: [400, 'The request signature does not conform to Alibaba Cloud standards.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  'InvalidSecurityToken.Malformed': [400, 'Specified SecurityToken is malformed.'],
  'InvalidSecurityToken.Expired': [400, 'Specified SecurityToken is expired.'],
  'InvalidSecurityToken.MismatchWithAccessKey': [400, 'Specified SecurityToken mismatch with the AccessKey.'],
  'InvalidSecurityToken.Revoked': [400, 'Specified SecurityToken was revoked.'],
  NoPermission: [403, 'You are not authorized to do this action. You should be authorized by RAM.'],
  'Forbidden.CSRF': [403, 'The request was not sent by a page of this gateway.'],
  'Forbidden.InsecureTransport': [403, 'This gateway accepts sign-ins over HTTPS only.'],
  // --- protocol and service -----------------------------------------------------------------
  'InvalidAction.NotFound': [404, 'Specified api is not found, please check your url and method.'],
  'InvalidVersion.NotFound': [404, 'Specified API version is not supported.'],
  UnsupportedHTTPMethod: [405, 'The HTTP method is not supported for this request.'],
  RequestTooLarge: [413, 'The request exceeds the size limit.'],
  RequestTimeout: [408, 'The request was not received in time.'],
  'Throttling.User': [400, 'Request was denied due to user flow control.'],
  /** A gateway-wide budget (not one client's) is full: retry later (src/core/store/budgets.ts). */
  Throttling: [503, 'Request was denied due to request throttling.'],
  ServiceUnavailable: [503, 'The request has failed due to a temporary failure of the server.'],
  InternalError: [500, 'STS Server Internal Error happened.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  /** Name of the failed verification check (SAML), or of the rule that refused the input. */
  readonly check: string | undefined;
  /** Further members of the error body (NoPermission's AccessDeniedDetail). */
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { check?: string; cause?: unknown; extra?: Record<string, unknown> },
  ) {
    const [status, defaultMessage] = ERROR_TABLE[code];
    super(message ?? defaultMessage, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.httpStatus = status;
    this.check = options?.check;
    this.extra = options?.extra;
  }

  /** The Alibaba error body, minus RequestId/HostId which the HTTP layer adds. */
  toJSON(): { Code: string; Message: string } & Record<string, unknown> {
    return { Code: this.code, Message: this.message, ...this.extra };
  }
}

export function apiError(code: ErrorCode, message?: string, options?: { check?: string; cause?: unknown }) {
  return new ApiError(code, message, options);
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** `MissingParameter.<Name>` where the table has it, otherwise the generic code naming the parameter. */
export function missingParameter(name: string): ApiError {
  const specific = `MissingParameter.${name}`;
  if (specific in ERROR_TABLE) return new ApiError(specific as ErrorCode);
  return new ApiError(
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );
}
