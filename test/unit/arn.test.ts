import { describe, expect, it } from 'vitest';
import { formatArn, parseArn } from '../../src/core/arn.js';
import { ApiError } from '../../src/core/errors.js';

describe('ARNs', () => {
  it.each([
    [
      'acs:ram::1234567890123456:role/AdminRole',
      { kind: 'role', accountId: '1234567890123456', name: 'AdminRole' },
    ],
    ['acs:ram::123:saml-provider/okta', { kind: 'saml-provider', accountId: '123', name: 'okta' }],
    ['acs:ram::123:user/alice', { kind: 'user', accountId: '123', name: 'alice' }],
    ['acs:ram::123:root', { kind: 'root', accountId: '123' }],
    [
      'acs:ram::123:assumed-role/Admin/alice@example.com',
      { kind: 'assumed-role', accountId: '123', roleName: 'Admin', sessionName: 'alice@example.com' },
    ],
    [
      'acs:ram::123:policy/system/AdministratorAccess',
      { kind: 'policy', accountId: '123', name: 'AdministratorAccess', policyType: 'System' },
    ],
  ])('parses and formats %s', (arn, expected) => {
    expect(parseArn(arn)).toEqual(expected);
    expect(formatArn(parseArn(arn))).toBe(arn);
  });

  it('accepts acs:sts:: for assumed roles and formats them as acs:ram::', () => {
    expect(formatArn(parseArn('acs:sts::123:assumed-role/R/s1'))).toBe('acs:ram::123:assumed-role/R/s1');
  });

  it.each([
    ['', 'empty'],
    ['acs:ram::abc:role/x', 'decimal digits'],
    ['acs:ecs::123:role/x', 'wrongly formed'],
    ['acs:ram::123:role/', 'name is empty'],
    ['acs:ram::123:role/a/b', 'cannot contain'],
    ['acs:ram::123:widget/x', 'unknown resource type'],
    ['acs:ram::123:assumed-role/R', 'assumed-role/<role>/<session>'],
    ['acs:sts::123:role/R', 'assumed roles only'],
  ])('rejects %j (%s)', (arn, why) => {
    expect(() => parseArn(arn)).toThrow(ApiError);
    expect(() => parseArn(arn)).toThrow(why);
  });

  it('enforces the expected kind with the caller-chosen code', () => {
    try {
      parseArn('acs:ram::123:user/alice', 'role', 'InvalidParameter.RoleArn');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('InvalidParameter.RoleArn');
      expect((err as ApiError).httpStatus).toBe(400);
    }
  });
});
