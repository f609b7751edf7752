/**
 * ARNs and Role attribute values are parsed once and remembered (they repeat from request to
 * request). What is remembered must be shared read-only, must not change what a later call with a
 * different expectation gets, and must not keep alive the request body or SAMLResponse it was cut from.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseArn } from '../../src/core/arn.js';
import { ApiError } from '../../src/core/errors.js';
import { parseRoleValue } from '../../src/sso/role-attributes.js';

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
}

describe('remembered ARN parses', () => {
  const arn = 'acs:ram::1234567890123456:role/Remembered';

  it('gives the same frozen value again', () => {
    const first = parseArn(arn, 'role');
    expect(parseArn(arn, 'role')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('still refuses a remembered ARN of the wrong kind, with the caller’s code', () => {
    parseArn(arn);
    expect(codeOf(() => parseArn(arn, 'saml-provider', 'InvalidParameter.SAMLProviderArn'))).toBe(
      'InvalidParameter.SAMLProviderArn',
    );
  });

  it('does not remember session ARNs (each session names its own)', () => {
    const session = 'acs:ram::1234567890123456:assumed-role/R/alice';
    expect(parseArn(session)).not.toBe(parseArn(session));
    expect(parseArn(session)).toEqual(parseArn(session));
  });

  it('does not remember what it refused', () => {
    expect(codeOf(() => parseArn('acs:ram::12x:role/R', 'role', 'InvalidParameter.RoleArn'))).toBe(
      'InvalidParameter.RoleArn',
    );
    expect(codeOf(() => parseArn('acs:ram::12x:role/R', 'role', 'InvalidParameter.RoleArn'))).toBe(
      'InvalidParameter.RoleArn',
    );
  });
});

describe('what remembered parses keep alive', () => {
  /** A fresh 64 KB string per call, with a role and a provider ARN of its own inside. */
  function largeBody(i: number): { body: string; roleAt: number; providerAt: number } {
    const role = `acs:ram::1234567890123456:role/r${i}`;
    const provider = `acs:ram::1234567890123456:saml-provider/p${i}`;
    const body = `RoleArn=${role}&x=${'x'.repeat(64 * 1024)}&Role=${role},${provider}`;
    return { body, roleAt: 8, providerAt: body.lastIndexOf('&Role=') + 6 };
  }

  it('ARNs and Role values cut from large bodies do not keep those bodies alive', () => {
    const entries = 1_000;
    const before = heapAfterGc();
    for (let i = 0; i < entries; i++) {
      const { body, roleAt, providerAt } = largeBody(i);
      const roleArn = body.slice(roleAt, body.indexOf('&', roleAt));
      parseArn(roleArn, 'role');
      parseRoleValue(body.slice(providerAt));
    }
    const grown = heapAfterGc() - before;
    // Retained bodies would be 1,000 × 64 KB × 2 caches; the parses themselves are well under 2 MB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});
