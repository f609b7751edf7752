/**
 * The MFA claim: a SecurityToken carries `mfa: true` only for a session that passed MFA; tokens
 * without the claim (minted before it existed) decode unchanged and mean "no MFA"; the principal
 * built from the token, and only it, sets `acs:MFAPresent` in the request context.
 */
import { describe, expect, it } from 'vitest';
import { mfaPresentOf, type Principal } from '../../../src/core/principal.js';
import { simulatedContext } from '../../../src/core/simulator/index.js';
import { callerFacts, requestContext } from '../../../src/core/sts/authorize.js';
import {
  decodeSecurityToken,
  mintCredentials,
  type SessionClaims,
  type SessionSubject,
} from '../../../src/core/sts/credentials.js';
import { encryptCompact } from '../../../src/core/sts/jwe.js';
import { TokenKeyring, newTokenKey } from '../../../src/core/sts/keyring.js';

const T0 = Date.parse('2026-12-07T12:00:00Z');
const keyring = new TokenKeyring([newTokenKey(T0)]);
const subject: SessionSubject = {
  acct: '1234567890123456',
  kind: 'RAMUser',
  user: 'alice',
  userId: '200000000000000001',
  session: 'alice',
  via: 'signin:password',
};
const user: Principal = {
  type: 'RAMUser',
  accountId: '1234567890123456',
  userName: 'alice',
  userId: '200000000000000001',
};

describe('the mfa claim round-trips through the SecurityToken', () => {
  it('a session that passed MFA decodes with mfa: true', () => {
    const { credentials } = mintCredentials(keyring, { ...subject, mfa: true }, 3600, T0);
    const claims = decodeSecurityToken(keyring, credentials.SecurityToken, credentials.AccessKeyId, T0);
    expect(claims).toMatchObject({ mfa: true, via: 'signin:password', user: 'alice' });
  });

  it('a session without MFA has no mfa member at all', () => {
    const { credentials } = mintCredentials(keyring, subject, 3600, T0);
    const claims = decodeSecurityToken(keyring, credentials.SecurityToken, credentials.AccessKeyId, T0);
    expect(Object.keys(claims)).not.toContain('mfa');
  });

  it('a token minted before the claim existed decodes unchanged (no MFA)', () => {
    const old = {
      v: 1,
      ak: 'STS.oldtoken0000000000000000',
      sk: 'x'.repeat(44),
      acct: '1234567890123456',
      kind: 'AssumedRoleUser',
      role: 'Admin',
      roleId: '300000000000000001',
      session: 'bob',
      via: 'sts:AssumeRoleWithSAML',
      iat: T0 / 1000,
      exp: T0 / 1000 + 3600,
    };
    const key = keyring.current;
    const token = encryptCompact(Buffer.from(JSON.stringify(old)), key.secret, key.kid);
    const claims: SessionClaims = decodeSecurityToken(keyring, token, old.ak, T0);
    expect(claims).toEqual(old);
    expect(claims.mfa).toBeUndefined();
  });
});

describe('acs:MFAPresent comes from the caller', () => {
  it('is true only for a principal whose session passed MFA; never for the account', () => {
    expect(mfaPresentOf({ ...user, mfaPresent: true })).toBe(true);
    expect(mfaPresentOf(user)).toBe(false);
    expect(mfaPresentOf({ ...user, mfaPresent: false })).toBe(false);
    expect(mfaPresentOf({ type: 'Account', accountId: '1234567890123456' })).toBe(false);
  });

  it('the request context carries it; facts claiming MFA never override the principal', () => {
    const ctx = (p: Principal, mfaPresent?: boolean) =>
      requestContext(callerFacts(p, { sourceIp: '127.0.0.1', mfaPresent }), T0)['acs:MFAPresent'];
    expect(ctx({ ...user, mfaPresent: true })).toBe(true);
    expect(ctx(user)).toBe(false);
    expect(ctx(user, true)).toBe(false);
    expect(ctx({ ...user, mfaPresent: true }, false)).toBe(true);
    expect(requestContext({ mfaPresent: false }, T0)).toMatchObject({
      'acs:MFAPresent': false,
      'acs:SecureTransport': false,
    });
  });

  it('the simulator defaults to the simulated principal and lets ContextEntries set it either way', () => {
    const facts = { sourceIp: '127.0.0.1', secureTransport: true };
    expect(simulatedContext(undefined, { ...facts, mfaPresent: true }, T0)['acs:MFAPresent']).toBe(true);
    expect(simulatedContext(undefined, { ...facts, mfaPresent: false }, T0)['acs:MFAPresent']).toBe(false);
    const forced = simulatedContext('{"acs:MFAPresent": true}', { ...facts, mfaPresent: false }, T0);
    expect(forced['acs:MFAPresent']).toBe(true);
    const cleared = simulatedContext('{"ACS:MFAPresent": "false"}', { ...facts, mfaPresent: true }, T0);
    expect(cleared).toMatchObject({ 'ACS:MFAPresent': 'false' });
    expect(Object.keys(cleared)).not.toContain('acs:MFAPresent');
  });
});
