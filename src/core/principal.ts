import { assumedRoleArn, formatArn, userArn } from './arn.js';

/** Who is calling: the account itself (root AccessKey), a RAM user, or a role session. */
export type Principal =
  | { type: 'Account'; accountId: string }
  | {
      type: 'RAMUser';
      accountId: string;
      userName: string;
      userId: string;
      sessionPolicy?: string;
      /** The session's sign-in passed MFA (SessionClaims.mfa); never true for an AccessKey. */
      mfaPresent?: boolean;
    }
  | {
      type: 'AssumedRoleUser';
      accountId: string;
      roleName: string;
      roleId: string;
      sessionName: string;
      sessionPolicy?: string;
      /** Epoch seconds when the session began (revocation watermarks compare against it). */
      issuedAt?: number;
      /** The session's sign-in passed MFA (SessionClaims.mfa). */
      mfaPresent?: boolean;
    };

/** `acs:MFAPresent` of a caller: true only for a session that passed MFA (the account's AccessKey never). */
export function mfaPresentOf(p: Principal): boolean {
  return p.type !== 'Account' && p.mfaPresent === true;
}

export function principalArn(p: Principal): string {
  switch (p.type) {
    case 'Account':
      return formatArn({ kind: 'root', accountId: p.accountId });
    case 'RAMUser':
      return userArn(p.accountId, p.userName);
    case 'AssumedRoleUser':
      return assumedRoleArn(p.accountId, p.roleName, p.sessionName);
  }
}

/** GetCallerIdentity response body (reference §3.4), without RequestId. */
export function callerIdentity(p: Principal) {
  const common = { AccountId: p.accountId, IdentityType: p.type, Arn: principalArn(p) };
  switch (p.type) {
    case 'Account':
      return { ...common, PrincipalId: p.accountId };
    case 'RAMUser':
      return { ...common, UserId: p.userId, PrincipalId: p.userId };
    case 'AssumedRoleUser':
      return { ...common, RoleId: p.roleId, PrincipalId: `${p.roleId}:${p.sessionName}` };
  }
}
