/**
 * The parameters of GET /login and GET /cli/login, checked before anything is stored for them: an
 * unauthenticated client must not be able to park arbitrary text in the pending AuthnRequest.
 */
import { parseArn } from '../core/arn.js';
import { ApiError } from '../core/errors.js';

/** A RAM role name (1–64 of letters, digits, '.' and '-'). */
const ROLE_NAME = /^[A-Za-z0-9.-]{1,64}$/;
const MAX_ROLE_ARN_LENGTH = 200;
/** The longest return_to accepted (a same-origin path with its query). */
export const MAX_RETURN_TO_LENGTH = 512;
const RETURN_PATH = /^\/(?![/\\])[\x21-\x7e]*$/;
const DURATION = /^[0-9]{1,6}$/;
/** Longest `provider` parameter: a provider ARN (account id + 128-character name) with room. */
const MAX_PROVIDER_LENGTH = 300;

function invalid(
  name: string,
  message: string,
  code: 'InvalidParameter' | 'InvalidParameter.RoleArn' = 'InvalidParameter',
) {
  return new ApiError(code, message, { check: name });
}

/** `role`: a role ARN of the provider's account, or a role name (of that account); undefined when absent. */
export function checkedRole(role: string | undefined, accountId: string): string | undefined {
  if (role === undefined || role === '') return undefined;
  if (ROLE_NAME.test(role)) return role;
  if (role.length > MAX_ROLE_ARN_LENGTH)
    throw invalid(
      'role',
      `role is longer than ${MAX_ROLE_ARN_LENGTH} characters.`,
      'InvalidParameter.RoleArn',
    );
  const arn = parseArn(role, 'role', 'InvalidParameter.RoleArn');
  if (arn.accountId !== accountId)
    throw invalid(
      'role',
      `role must be a role of account ${accountId}, the SAML provider's account.`,
      'InvalidParameter.RoleArn',
    );
  return role;
}

/** A same-origin path (no scheme, no host, no `//` or `/\\`) within MAX_RETURN_TO_LENGTH. */
export function isReturnPath(path: string): boolean {
  return path.length <= MAX_RETURN_TO_LENGTH && RETURN_PATH.test(path);
}

/** `return_to`: a path on this gateway (no scheme, no host, no `//`), at most MAX_RETURN_TO_LENGTH. */
export function checkedReturnTo(returnTo: string | undefined): string | undefined {
  if (returnTo === undefined || returnTo === '') return undefined;
  if (returnTo.length > MAX_RETURN_TO_LENGTH)
    throw invalid('return_to', `return_to is longer than ${MAX_RETURN_TO_LENGTH} characters.`);
  if (!RETURN_PATH.test(returnTo))
    throw invalid('return_to', 'return_to must be a path on this gateway, such as /console.');
  return returnTo;
}

/** `duration`: whole seconds (the STS checks the range when the role is assumed). */
export function checkedDuration(duration: string | undefined): string | undefined {
  if (duration === undefined || duration === '') return undefined;
  if (!DURATION.test(duration)) throw invalid('duration', 'duration must be a whole number of seconds.');
  return duration;
}

/** `provider`: bounded before it is looked up. */
export function checkedProvider(provider: string | undefined): string | undefined {
  if (provider === undefined || provider === '') return undefined;
  if (provider.length > MAX_PROVIDER_LENGTH)
    throw invalid('provider', `provider is longer than ${MAX_PROVIDER_LENGTH} characters.`);
  return provider;
}
