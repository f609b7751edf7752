import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import { mapRoles, requireMappedLogin, type MappedRole } from '../../../src/core/mapping/engine.js';
import { compileRoleMapping } from '../../../src/core/mapping/rules.js';
import { userIdentity } from '../../../src/core/mapping/user.js';

const ACCOUNT = '1234567890123456';
const provider = { accountId: ACCOUNT, name: 'corp-idp' };
const PROVIDER_ARN = `acs:ram::${ACCOUNT}:saml-provider/corp-idp`;
const GROUPS = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';

const role = (name: string, account = ACCOUNT, p = 'corp-idp'): MappedRole => ({
  roleArn: `acs:ram::${account}:role/${name}`,
  providerArn: `acs:ram::${account}:saml-provider/${p}`,
  accountId: account,
  roleName: name,
  providerName: p,
});

const adfs = compileRoleMapping(
  {
    roles: {
      attribute: GROUPS,
      map: { 'Cloud Admins': ['admin', 'auditor'] },
      patterns: ['Aliyun-{account}-{role}'],
    },
    sessionName: { attribute: 'upn' },
    sessionDuration: { default: 1800, max: 7200 },
  },
  ACCOUNT,
);

describe('mapRoles', () => {
  it('without rules offers exactly the Alibaba Role values of this provider', () => {
    const r = mapRoles(undefined, {
      provider,
      attributes: {},
      alibaba: {
        roles: [role('dev'), role('ops', '999', 'other')],
        sessionName: 'alice',
        sessionDuration: '900',
      },
    });
    expect(r.roles.map((x) => x.roleArn)).toEqual([`acs:ram::${ACCOUNT}:role/dev`]);
    expect(r.sessionName).toBe('alice');
    expect(r.sessionDuration).toBe('900');
  });

  it('maps groups by exact entry and by pattern, ignoring other accounts and invalid captures', () => {
    const r = mapRoles(adfs, {
      provider,
      attributes: {
        [GROUPS]: [
          'cloud admins',
          `Aliyun-${ACCOUNT}-dev`,
          'Aliyun-999-root',
          `Aliyun-${ACCOUNT}-bad/name`,
          'Domain Users',
        ],
        upn: ['alice@example.com'],
      },
      alibaba: { roles: [] },
    });
    expect(r.roles.map((x) => x.roleName)).toEqual(['admin', 'auditor', 'dev']);
    expect(r.roles.every((x) => x.providerArn === PROVIDER_ARN)).toBe(true);
    expect(r.sessionName).toBe('alice@example.com');
    expect(r.sessionDuration).toBe('1800');
    const text = r.explanation.join('\n');
    expect(text).toMatch(/names account 999, not 1234567890123456: ignored/);
    expect(text).toMatch(/capture "bad\/name" is not a role name/);
  });

  it('with both: roles are the union, the sessionName rule wins, SessionDuration wins but is capped', () => {
    const r = mapRoles(adfs, {
      provider,
      attributes: { [GROUPS]: [`Aliyun-${ACCOUNT}-dev`], upn: ['EXAMPLE\\alice'] },
      alibaba: { roles: [role('legacy')], sessionName: 'from-alibaba', sessionDuration: '43200' },
    });
    expect(r.roles.map((x) => x.roleName)).toEqual(['legacy', 'dev']);
    expect(r.sessionName).toBe('alice');
    expect(r.sessionDuration).toBe('7200');
  });

  it('alibabaAttributes: ignore drops the Alibaba attributes', () => {
    const rules = compileRoleMapping(
      { roles: { attribute: 'groups', map: { ops: 'ops' } }, alibabaAttributes: 'ignore' },
      ACCOUNT,
    );
    const r = mapRoles(rules, {
      provider,
      attributes: { groups: ['ops'] },
      alibaba: { roles: [role('legacy')], sessionName: 'bob', sessionDuration: '900' },
    });
    expect(r.roles.map((x) => x.roleName)).toEqual(['ops']);
    expect(r.sessionName).toBeUndefined();
    expect(r.sessionDuration).toBeUndefined();
  });

  it('a cap below one hour applies even when nothing asks for a duration', () => {
    const rules = compileRoleMapping(
      { roles: { attribute: 'g', map: { a: 'a' } }, sessionDuration: { max: 900 } },
      ACCOUNT,
    );
    expect(
      mapRoles(rules, { provider, attributes: { g: ['a'] }, alibaba: { roles: [] } }).sessionDuration,
    ).toBe('900');
  });

  it('a missing groups attribute or session-name source is a clear login error', () => {
    const none = mapRoles(adfs, { provider, attributes: { email: ['a@b.c'] }, alibaba: { roles: [] } });
    expect(() => requireMappedLogin(none)).toThrow(
      /attribute "http:\/\/schemas\.microsoft\.com\/ws\/2008\/06\/identity\/claims\/groups" was not received/,
    );
    const noName = mapRoles(adfs, {
      provider,
      attributes: { [GROUPS]: ['Cloud Admins'] },
      alibaba: { roles: [] },
    });
    expect(noName.roles).toHaveLength(2);
    try {
      requireMappedLogin(noName);
      throw new Error('accepted');
    } catch (err) {
      expect((err as ApiError).code).toBe('AuthenticationFail.SAMLAssertion.Invalid');
      expect((err as ApiError).check).toBe('role-mapping');
      expect((err as ApiError).message).toMatch(
        /session name from attribute "upn", but attribute "upn" was not received/,
      );
    }
  });

  it('falls back to RoleSessionName when the rule’s source is absent', () => {
    const r = mapRoles(adfs, {
      provider,
      attributes: { [GROUPS]: ['Cloud Admins'] },
      alibaba: { roles: [], sessionName: 'alice' },
    });
    expect(r.sessionName).toBe('alice');
    expect(r.sessionNameProblem).toBeUndefined();
  });
});

describe('userIdentity', () => {
  it('reads the NameID by default, an attribute when told, and refuses what is missing', () => {
    expect(userIdentity(undefined, { attributes: {}, nameId: 'alice@corp.com' }).upn).toBe('alice@corp.com');
    expect(
      userIdentity({ user: { attribute: 'upn' } }, { attributes: { upn: ['bob@corp.com'] }, nameId: 'x' })
        .upn,
    ).toBe('bob@corp.com');
    expect(() => userIdentity({ user: { attribute: 'upn' } }, { attributes: { mail: ['m'] } })).toThrow(
      /reads attribute "upn", which the assertion does not carry \(received: mail\)/,
    );
    const formats = {
      user: { nameId: true as const, formats: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'] },
    };
    expect(() => userIdentity(formats, { attributes: {}, nameId: 'a@b', nameIdFormat: 'transient' })).toThrow(
      /format transient is not one the user mapping accepts/,
    );
  });
});
