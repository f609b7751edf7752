import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import {
  ROLE_ATTRIBUTE,
  ROLE_SESSION_NAME_ATTRIBUTE,
  SESSION_DURATION_ATTRIBUTE,
  offeredRoles,
  parseRoleValue,
  roleSessionName,
  sessionDuration,
} from '../../../src/sso/role-attributes.js';

const role = 'acs:ram::1234567890123456:role/Admin';
const provider = 'acs:ram::1234567890123456:saml-provider/okta';

function checkOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return `${err.code}/${err.check}`;
    throw err;
  }
}

describe('Role attribute', () => {
  it('accepts either order and trims spaces', () => {
    const expected = {
      roleArn: role,
      providerArn: provider,
      accountId: '1234567890123456',
      roleName: 'Admin',
      providerName: 'okta',
    };
    expect(parseRoleValue(`${role},${provider}`)).toEqual(expected);
    expect(parseRoleValue(` ${provider} , ${role} `)).toEqual(expected);
  });

  it.each([
    [role],
    [`${role},${provider},${role}`],
    [`${role},${role}`],
    [`${provider},${provider}`],
    [`${role},acs:ram::999:saml-provider/okta`],
    [`${role},not-an-arn`],
  ])('refuses %j', (value) => {
    expect(checkOf(() => parseRoleValue(value))).toBe(
      'AuthenticationFail.SAMLAssertion.Invalid/role-attribute',
    );
  });

  it('lists every pair once, in order', () => {
    const other = 'acs:ram::1234567890123456:role/ReadOnly';
    const roles = offeredRoles({
      [ROLE_ATTRIBUTE]: [
        `${role},${provider}`,
        `${other},${provider}`,
        `${provider},acs:ram::1234567890123456:role/ADMIN`,
      ],
    });
    expect(roles.map((r) => r.roleName)).toEqual(['Admin', 'ReadOnly']);
    expect(offeredRoles({})).toEqual([]);
  });

  it('takes exactly one RoleSessionName and at most one SessionDuration', () => {
    expect(roleSessionName({ [ROLE_SESSION_NAME_ATTRIBUTE]: ['alice'] })).toBe('alice');
    expect(roleSessionName({})).toBeUndefined();
    expect(checkOf(() => roleSessionName({ [ROLE_SESSION_NAME_ATTRIBUTE]: ['a', 'b'] }))).toBe(
      'AuthenticationFail.SAMLAssertion.Invalid/role-session-name',
    );
    expect(sessionDuration({ [SESSION_DURATION_ATTRIBUTE]: [' 1800 '] })).toBe('1800');
    expect(checkOf(() => sessionDuration({ [SESSION_DURATION_ATTRIBUTE]: ['1', '2'] }))).toBe(
      'AuthenticationFail.SAMLAssertion.Invalid/session-duration',
    );
  });
});
