import { constantTimeEqual } from '../constant-time.js';
import { ApiError } from '../errors.js';
import { decryptCompact, encryptCompact, parseCompact } from './jwe.js';
import type { TokenKeyring } from './keyring.js';
import { randomAlnum } from './random.js';

/** Who a set of temporary credentials speaks for; carried inside the SecurityToken. */
export interface SessionClaims {
  v: 1;
  /** AccessKeyId the token belongs to (`STS.…`). */
  ak: string;
  /** AccessKeySecret: carried so any instance can check signatures without a lookup. */
  sk: string;
  acct: string;
  kind: 'AssumedRoleUser' | 'RAMUser';
  role?: string;
  roleId?: string;
  user?: string;
  userId?: string;
  session: string;
  /** Session policy document (STS `Policy`), intersected with the principal's policies. */
  policy?: string;
  /** How the session was made: sts:AssumeRole, sts:AssumeRoleWithSAML, sso:user, signin:password. */
  via: 'sts:AssumeRole' | 'sts:AssumeRoleWithSAML' | 'sso:user' | 'signin:password';
  /**
   * Present (always `true`) only when the session's sign-in passed a second factor: a TOTP step,
   * an IdP that asserted an MFA authentication context, or an AssumeRole from such a session.
   * Absent otherwise, so tokens minted before the claim existed decode unchanged (no MFA).
   */
  mfa?: true;
  /** SAML provider ARN (SAML sessions) or the caller ARN (AssumeRole). */
  source?: string;
  /** Issue and expiry, epoch seconds. */
  iat: number;
  exp: number;
}

export interface TemporaryCredentials {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  /** ISO 8601 UTC without milliseconds: YYYY-MM-DDThh:mm:ssZ. */
  Expiration: string;
}

export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type SessionSubject = Omit<SessionClaims, 'v' | 'ak' | 'sk' | 'iat' | 'exp'>;

/** Mint AccessKeyId `STS.` + 24 alphanumerics, a 44-character secret and the encrypted token. */
export function mintCredentials(
  keyring: TokenKeyring,
  subject: SessionSubject,
  durationSeconds: number,
  nowMs: number,
): { credentials: TemporaryCredentials; claims: SessionClaims } {
  const iat = Math.floor(nowMs / 1000);
  const claims: SessionClaims = {
    v: 1,
    ak: `STS.${randomAlnum(24)}`,
    sk: randomAlnum(44),
    ...subject,
    iat,
    exp: iat + durationSeconds,
  };
  const key = keyring.current;
  const token = encryptCompact(Buffer.from(JSON.stringify(claims)), key.secret, key.kid);
  return {
    claims,
    credentials: {
      AccessKeyId: claims.ak,
      AccessKeySecret: claims.sk,
      SecurityToken: token,
      Expiration: isoSeconds(claims.exp),
    },
  };
}

const MAX_TOKEN_LENGTH = 16_384;

/**
 * Decrypt and check a SecurityToken presented with `accessKeyId`. Tampered, unknown-key,
 * expired and wrong-AccessKeyId tokens are refused with the Alibaba codes.
 */
export function decodeSecurityToken(
  keyring: TokenKeyring,
  token: string,
  accessKeyId: string,
  nowMs: number,
): SessionClaims {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new ApiError('InvalidSecurityToken.Malformed', 'The SecurityToken is empty or too long.');
  }
  const parts = parseCompact(token);
  if (!parts)
    throw new ApiError(
      'InvalidSecurityToken.Malformed',
      'The SecurityToken is not a token this gateway issued.',
    );
  const key = keyring.find(parts.header.kid);
  if (!key) {
    throw new ApiError(
      'InvalidSecurityToken.Malformed',
      'The SecurityToken was encrypted with a key this gateway no longer has.',
    );
  }
  const plaintext = decryptCompact(parts, key.secret);
  if (!plaintext)
    throw new ApiError('InvalidSecurityToken.Malformed', 'The SecurityToken failed its integrity check.');
  const claims = JSON.parse(plaintext.toString('utf8')) as SessionClaims;
  if (claims.v !== 1 || typeof claims.ak !== 'string' || typeof claims.exp !== 'number') {
    throw new ApiError('InvalidSecurityToken.Malformed', 'The SecurityToken has an unknown layout.');
  }
  if (!constantTimeEqual(claims.ak, accessKeyId)) {
    throw new ApiError(
      'InvalidSecurityToken.MismatchWithAccessKey',
      'The SecurityToken was not issued for this AccessKeyId.',
    );
  }
  if (claims.exp * 1000 <= nowMs) {
    throw new ApiError(
      'InvalidSecurityToken.Expired',
      `The SecurityToken expired at ${isoSeconds(claims.exp)}.`,
    );
  }
  return claims;
}
