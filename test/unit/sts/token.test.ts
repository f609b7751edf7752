import { createSecretKey } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import {
  decodeSecurityToken,
  mintCredentials,
  type SessionSubject,
} from '../../../src/core/sts/credentials.js';
import { decryptCompact, encryptCompact, parseCompact } from '../../../src/core/sts/jwe.js';
import {
  LONGEST_SESSION_MS,
  TokenKeyring,
  newTokenKey,
  parseTokenKeys,
} from '../../../src/core/sts/keyring.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const subject: SessionSubject = {
  acct: '1234567890123456',
  kind: 'AssumedRoleUser',
  role: 'Admin',
  roleId: '3000000000000000001',
  session: 'alice@example.com',
  via: 'sts:AssumeRoleWithSAML',
  source: 'acs:ram::1234567890123456:saml-provider/okta',
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('compact JWE (dir + A256GCM) is the format jose reads and writes', () => {
  const key = newTokenKey(T0);

  it('jose decrypts what we encrypt', async () => {
    const token = encryptCompact(Buffer.from('{"hello":"world"}'), key.secret, key.kid);
    const { plaintext, protectedHeader } = await compactDecrypt(token, createSecretKey(key.secret));
    expect(Buffer.from(plaintext).toString()).toBe('{"hello":"world"}');
    expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM', kid: key.kid });
  });

  it('we decrypt what jose encrypts', async () => {
    const token = await new CompactEncrypt(new TextEncoder().encode('payload'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: key.kid })
      .encrypt(createSecretKey(key.secret));
    const parts = parseCompact(token);
    expect(parts).toBeDefined();
    expect(decryptCompact(parts!, key.secret)?.toString()).toBe('payload');
  });

  it('refuses other algorithms and extra header members', async () => {
    const withZip = await new CompactEncrypt(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: key.kid, cty: 'x' })
      .encrypt(createSecretKey(key.secret));
    expect(parseCompact(withZip)).toBeUndefined();
    const a128 = await new CompactEncrypt(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM', kid: key.kid })
      .encrypt(createSecretKey(key.secret.subarray(0, 16)));
    expect(parseCompact(a128)).toBeUndefined();
  });
});

describe('temporary credentials', () => {
  const ring = new TokenKeyring([newTokenKey(T0)]);

  it('mints STS. AccessKeyIds, random secrets and an Expiration without milliseconds', () => {
    const { credentials, claims } = mintCredentials(ring, subject, 3600, T0 + 1234);
    expect(credentials.AccessKeyId).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
    expect(credentials.AccessKeySecret).toMatch(/^[A-Za-z0-9]{44}$/);
    expect(credentials.Expiration).toBe('2026-01-01T01:00:01Z');
    expect(claims.exp - claims.iat).toBe(3600);
    const again = mintCredentials(ring, subject, 3600, T0);
    expect(again.credentials.AccessKeyId).not.toBe(credentials.AccessKeyId);
    expect(again.credentials.AccessKeySecret).not.toBe(credentials.AccessKeySecret);
  });

  it('decodes back to the same claims, secret included', () => {
    const { credentials, claims } = mintCredentials(ring, { ...subject, policy: '{"Version":"1"}' }, 900, T0);
    const decoded = decodeSecurityToken(
      ring,
      credentials.SecurityToken,
      credentials.AccessKeyId,
      T0 + 899_000,
    );
    expect(decoded).toEqual(claims);
    expect(decoded.sk).toBe(credentials.AccessKeySecret);
  });

  it('refuses an expired token', () => {
    const { credentials } = mintCredentials(ring, subject, 900, T0);
    expect(
      codeOf(() =>
        decodeSecurityToken(ring, credentials.SecurityToken, credentials.AccessKeyId, T0 + 900_000),
      ),
    ).toBe('InvalidSecurityToken.Expired');
  });

  it('refuses a token presented with another AccessKeyId', () => {
    const { credentials } = mintCredentials(ring, subject, 900, T0);
    const other = mintCredentials(ring, subject, 900, T0).credentials.AccessKeyId;
    expect(codeOf(() => decodeSecurityToken(ring, credentials.SecurityToken, other, T0))).toBe(
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
  });

  it('refuses a tampered token: any changed character of any part', () => {
    const { credentials } = mintCredentials(ring, subject, 900, T0);
    const token = credentials.SecurityToken;
    const positions = [3, token.indexOf('..') + 3, token.length - 30, token.length - 2];
    for (const pos of positions) {
      const flipped = token.slice(0, pos) + (token[pos] === 'A' ? 'B' : 'A') + token.slice(pos + 1);
      expect(codeOf(() => decodeSecurityToken(ring, flipped, credentials.AccessKeyId, T0))).toMatch(
        /^InvalidSecurityToken\.Malformed$/,
      );
    }
    expect(codeOf(() => decodeSecurityToken(ring, 'CAIS.not.a.token', credentials.AccessKeyId, T0))).toBe(
      'InvalidSecurityToken.Malformed',
    );
    expect(codeOf(() => decodeSecurityToken(ring, 'x'.repeat(20_000), credentials.AccessKeyId, T0))).toBe(
      'InvalidSecurityToken.Malformed',
    );
  });

  it('refuses a token encrypted with a key the ring does not hold', () => {
    const stranger = new TokenKeyring([newTokenKey(T0)]);
    const { credentials } = mintCredentials(stranger, subject, 900, T0);
    expect(
      codeOf(() => decodeSecurityToken(ring, credentials.SecurityToken, credentials.AccessKeyId, T0)),
    ).toBe('InvalidSecurityToken.Malformed');
  });
});

describe('key rotation', () => {
  it('mints with the newest key and still decodes with older ones', () => {
    const old = newTokenKey(T0);
    const { credentials } = mintCredentials(new TokenKeyring([old]), subject, 43_200, T0);
    const rotated = new TokenKeyring([old, newTokenKey(T0 + 3_600_000)]);
    expect(rotated.current.kid).not.toBe(old.kid);
    expect(
      decodeSecurityToken(rotated, credentials.SecurityToken, credentials.AccessKeyId, T0 + 7_200_000).acct,
    ).toBe(subject.acct);
  });

  it('keeps a replaced key exactly as long as the longest session', () => {
    const old = newTokenKey(T0);
    const next = newTokenKey(T0 + 1000);
    const ring = new TokenKeyring([old, next]);
    expect(ring.retain(T0 + 1000 + LONGEST_SESSION_MS - 1).map((k) => k.kid)).toEqual([next.kid, old.kid]);
    expect(ring.retain(T0 + 1000 + LONGEST_SESSION_MS).map((k) => k.kid)).toEqual([next.kid]);
  });

  it('parses configured keys and rejects malformed ones', () => {
    const b64 = Buffer.alloc(32, 7).toString('base64');
    const keys = parseTokenKeys(`a:${b64}:2000,b:${b64}:1000`);
    expect(new TokenKeyring(keys).current.kid).toBe('a');
    expect(() => parseTokenKeys('a:c2hvcnQ=')).toThrow(/base64 of 32 bytes/);
  });
});
