import { expect } from 'vitest';
import { ApiError, type ErrorCode } from '../../../src/core/errors.js';
import { compilePolicy, type CompiledPolicy, type PolicyKind } from '../../../src/core/policy/index.js';

/** A policy document text with Version "1" around the given statements. */
export function doc(...statements: object[]): string {
  return JSON.stringify({ Version: '1', Statement: statements });
}

export function identity(...statements: object[]): CompiledPolicy {
  return compilePolicy(doc(...statements), 'identity');
}

/** The ApiError a compile raises; fails the test when it compiles. */
export function compileError(text: string, kind: PolicyKind = 'identity'): ApiError {
  try {
    compilePolicy(text, kind);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error(`expected ${kind} policy to be rejected: ${text.slice(0, 200)}`);
}

export function expectRejected(
  text: string,
  code: ErrorCode,
  message: string | RegExp,
  kind: PolicyKind = 'identity',
) {
  const error = compileError(text, kind);
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

/** Pads a policy document with spaces to exactly `length` characters (whitespace is part of the size). */
export function padTo(text: string, length: number): string {
  if (text.length > length) throw new Error('document already too long');
  return text.slice(0, -1) + ' '.repeat(length - text.length) + text.slice(-1);
}

/** The trust policy of reference §2.4, verbatim (its account id is masked with ****, as in the doc). */
export const REFERENCE_SAML_TRUST = `{
  "Statement": [{
    "Action": "sts:AssumeRole",
    "Effect": "Allow",
    "Principal": { "Federated": ["acs:ram::123456789012****:saml-provider/testprovider"] },
    "Condition": { "StringEquals": { "saml:recipient": "https://signin.aliyun.com/saml-role/sso" } }
  }],
  "Version": "1"
}`;
