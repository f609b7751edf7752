/** Whatever the IdP sends, mapping offers only valid roles of the provider's own account through that provider. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapRoles } from '../../../src/core/mapping/engine.js';
import { compileRoleMapping } from '../../../src/core/mapping/rules.js';
import { checkRoleName } from '../../../src/core/ram/rules.js';

const ACCOUNT = '1234567890123456';
const provider = { accountId: ACCOUNT, name: 'idp' };
const rules = compileRoleMapping(
  {
    roles: {
      attribute: 'groups',
      map: { admins: 'Admin', [`Aliyun-${ACCOUNT}-x`]: 'X' },
      patterns: ['Aliyun-{account}-{role}', 'CN={role},*', 'grp:{role}'],
    },
    sessionName: { attribute: 'mail' },
  },
  ACCOUNT,
);

const piece = fc.constantFrom(
  'Aliyun-',
  ACCOUNT,
  '999',
  '-',
  'CN=',
  ',',
  'OU=x',
  'grp:',
  'admins',
  'a b',
  '/',
  '\\',
  'é',
  '@',
  '',
);
const value = fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 8 }).map((p) => p.join(''));

describe('mapping properties', () => {
  it('offers only valid role names of the provider’s account, through the provider', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 20 }), fc.array(value, { maxLength: 2 }), (groups, mail) => {
        const r = mapRoles(rules, { provider, attributes: { groups, mail }, alibaba: { roles: [] } });
        for (const role of r.roles) {
          expect(role.accountId).toBe(ACCOUNT);
          expect(role.providerArn).toBe(`acs:ram::${ACCOUNT}:saml-provider/idp`);
          expect(role.roleArn).toBe(`acs:ram::${ACCOUNT}:role/${role.roleName}`);
          expect(() => checkRoleName(role.roleName)).not.toThrow();
        }
        if (r.sessionName !== undefined) expect(r.sessionName).toMatch(/^[A-Za-z0-9,.\-_+=@]{2,64}$/);
      }),
      { numRuns: 500 },
    );
  });
});
