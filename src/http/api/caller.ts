import { ApiError } from '../../core/errors.js';
import { mfaPresentOf, principalArn, type Principal } from '../../core/principal.js';
import { decodeSecurityToken } from '../../core/sts/credentials.js';
import type { Gateway } from '../../sso/gateway.js';
import { assertCredentialsActive } from '../../sso/revocation.js';
import type { Caller, CredentialResolver } from '../rpc/types.js';

export function callerOf(principal: Principal): Caller {
  const base = {
    accountId: principal.accountId,
    principalType: principal.type,
    arn: principalArn(principal),
    ...(mfaPresentOf(principal) ? { mfaPresent: true } : {}),
  };
  switch (principal.type) {
    case 'Account':
      return base;
    case 'RAMUser':
      return {
        ...base,
        userName: principal.userName,
        userId: principal.userId,
        policies: principal.sessionPolicy,
      };
    case 'AssumedRoleUser':
      return {
        ...base,
        roleName: principal.roleName,
        roleId: principal.roleId,
        sessionName: principal.sessionName,
        policies: principal.sessionPolicy,
      };
  }
}

export function principalOf(caller: Caller): Principal {
  const session = {
    ...(typeof caller.policies === 'string' ? { sessionPolicy: caller.policies } : {}),
    ...(caller.mfaPresent === true ? { mfaPresent: true } : {}),
  };
  switch (caller.principalType) {
    case 'Account':
      return { type: 'Account', accountId: caller.accountId };
    case 'RAMUser':
      return {
        type: 'RAMUser',
        accountId: caller.accountId,
        userName: caller.userName ?? '',
        userId: caller.userId ?? '',
        ...session,
      };
    case 'AssumedRoleUser':
      return {
        type: 'AssumedRoleUser',
        accountId: caller.accountId,
        roleName: caller.roleName ?? '',
        roleId: caller.roleId ?? '',
        sessionName: caller.sessionName ?? '',
        ...session,
      };
  }
}

/**
 * AccessKeyId (+ SecurityToken) → secret and principal. Temporary keys (`STS.`) carry everything
 * in their token, so any instance answers without a lookup; long-term keys come from the directory.
 */
export function credentialResolver(gw: Gateway): CredentialResolver {
  return async (accessKeyId, securityToken) => {
    if (accessKeyId.startsWith('STS.')) {
      if (!securityToken) {
        throw new ApiError(
          'InvalidSecurityToken.Malformed',
          'Temporary credentials must be sent with their SecurityToken.',
        );
      }
      const claims = decodeSecurityToken(await gw.sts.keyring(), securityToken, accessKeyId, gw.now());
      await assertCredentialsActive(gw, claims);
      const mfa = claims.mfa === true ? { mfaPresent: true } : {};
      const principal: Principal =
        claims.kind === 'RAMUser'
          ? {
              type: 'RAMUser',
              accountId: claims.acct,
              userName: claims.user ?? '',
              userId: claims.userId ?? '',
              ...mfa,
            }
          : {
              type: 'AssumedRoleUser',
              accountId: claims.acct,
              roleName: claims.role ?? '',
              roleId: claims.roleId ?? '',
              sessionName: claims.session,
              issuedAt: claims.iat,
              ...(claims.policy !== undefined ? { sessionPolicy: claims.policy } : {}),
              ...mfa,
            };
      return { secret: claims.sk, caller: callerOf(principal) };
    }
    const owner = await gw.directory.lookupAccessKey(accessKeyId);
    if (!owner)
      throw new ApiError(
        'InvalidAccessKeyId.NotFound',
        `The AccessKeyId ${accessKeyId.slice(0, 40)} is not found.`,
      );
    if (owner.Status !== 'Active')
      throw new ApiError('InvalidAccessKeyId.Inactive', `The AccessKeyId ${accessKeyId} is disabled.`);
    if (owner.UserName === null)
      return {
        secret: owner.AccessKeySecret,
        caller: callerOf({ type: 'Account', accountId: owner.AccountId }),
      };
    const { User } = await gw.directory.GetUser(owner.AccountId, { UserName: owner.UserName });
    return {
      secret: owner.AccessKeySecret,
      caller: callerOf({
        type: 'RAMUser',
        accountId: owner.AccountId,
        userName: User.UserName,
        userId: User.UserId,
      }),
    };
  };
}
