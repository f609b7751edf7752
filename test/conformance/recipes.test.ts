/**
 * The IdP recipes of docs/idp-recipes.md against assertions of each IdP's shape: the genuine
 * responses of ../shared/fixtures/idp-responses (verified at their own clocks, read in place) and,
 * for each recipe, the attributes that IdP sends once configured as the recipe says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRoleMapping } from '../../src/core/mapping/rules.js';
import { loadIdpMetadata, trustedIdpFromCertificates } from '../../src/saml/metadata.js';
import { verifyResponse } from '../../src/saml/verify.js';
import { explainMapping } from '../../src/sso/role-mapping.js';
import { RECIPE_ACCOUNT, recipes } from '../support/recipes.js';

const FIXTURES = join(process.cwd(), '../shared/fixtures/idp-responses');
const present = existsSync(join(FIXTURES, 'INDEX.txt'));
if (!present) console.warn(`recipes: genuine-fixture cases SKIPPED, no IdP fixtures at ${FIXTURES}`);

const RECIPES = recipes();
const providerArn = (name: string) => `acs:ram::${RECIPE_ACCOUNT}:saml-provider/${name}`;
const GROUP_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';

/** Verify a genuine response at a clock inside its window, with its own key, as the conformance suite does. */
async function verifiedFixture(name: string) {
  const dir = join(FIXTURES, name);
  const source = readFileSync(join(dir, 'source.txt'), 'utf8');
  const field = (label: string) => {
    const m = new RegExp(`^\\s*${label} (\\{.*\\})\\s*$`, 'm').exec(source);
    return m ? (JSON.parse(m[1] as string) as Record<string, string>) : {};
  };
  const response = field('Response:');
  const audiences = JSON.parse(/Audience\(s\): (\[.*\])/.exec(source)?.[1] ?? '[]') as string[];
  const metadata = join(dir, 'idp-metadata.xml');
  const result = await verifyResponse(readFileSync(join(dir, 'response.xml'), 'utf8'), {
    idp: existsSync(metadata)
      ? loadIdpMetadata(readFileSync(metadata, 'utf8'))
      : trustedIdpFromCertificates(null, [readFileSync(join(dir, 'idp-cert.pem'), 'utf8')]),
    audience: audiences[0] ?? 'urn:sp.invalid',
    acsUrl: response.Destination ?? field('SubjectConfirmationData:').Recipient ?? 'https://sp.invalid/acs',
    replay: 'skip',
    encoding: 'xml',
    now: () => Date.parse(response.IssueInstant as string) + 30_000,
    allowSha1: /xmldsig#rsa-sha1/.test(source),
    inResponseTo: 'report-only',
  });
  if (!result.ok) throw new Error(`${name} does not verify: ${result.check}: ${result.message}`);
  return result.assertion;
}

interface Case {
  /** The genuine response of this IdP, the session name the recipe gives it and the attribute it lacks. */
  fixture?: { name: string; sessionName: string; missing: string };
  /** Attributes (and NameID) of this IdP's shape once set up as the recipe says. */
  configured: { attributes: Record<string, string[]>; nameId?: string };
  roles: string[];
  configuredSession: string;
}

const CASES: Record<string, Case> = {
  adfs: {
    fixture: { name: 'adfs-1', sessionName: 'paul@spstest2.com', missing: GROUP_CLAIM },
    configured: {
      attributes: { [GROUP_CLAIM]: [`Aliyun-${RECIPE_ACCOUNT}-Admin`, 'Aliyun-999-Admin', 'Domain Users'] },
      nameId: 'SPSTEST2\\paul',
    },
    roles: ['Admin'],
    configuredSession: 'paul',
  },
  okta: {
    fixture: { name: 'okta-1', sessionName: 'russell.haering@scaleft.com', missing: 'groups' },
    configured: {
      attributes: {
        username: ['alice@example.com'],
        groups: ['aliyun-Admin', 'aliyun-ReadOnly', 'Everyone'],
      },
    },
    roles: ['Admin', 'ReadOnly'],
    configuredSession: 'alice@example.com',
  },
  entra: {
    fixture: { name: 'azure-1', sessionName: 'sam.kaufman.socialflow@outlook.com', missing: GROUP_CLAIM },
    configured: {
      attributes: {
        [GROUP_CLAIM]: ['5e2f5b6a-0000-4000-8000-00000000a002', 'ffffffff-0000-4000-8000-000000000000'],
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['alice@contoso.com'],
      },
    },
    roles: ['ReadOnly'],
    configuredSession: 'alice@contoso.com',
  },
  google: {
    fixture: { name: 'google-1', sessionName: 'ross@octolabs.io', missing: 'groups' },
    configured: {
      attributes: { groups: ['aliyun-admin@example.com', 'all@example.com'] },
      nameId: 'ross@example.com',
    },
    roles: ['admin'],
    configuredSession: 'ross@example.com',
  },
  keycloak: {
    configured: { attributes: { groups: ['/aliyun/ReadOnly', '/staff'], email: ['kc.user@example.com'] } },
    roles: ['ReadOnly'],
    configuredSession: 'kc.user@example.com',
  },
  simplesamlphp: {
    fixture: { name: 'simplesamlphp-2', sessionName: 'matiasw@gmail.com', missing: 'memberOf' },
    configured: {
      attributes: {
        memberOf: [
          'cn=aliyun-ReadOnly,ou=groups,dc=example,dc=org',
          'cn=cloud-admins,ou=groups,dc=example,dc=org',
        ],
        mail: ['bob@example.org'],
      },
    },
    roles: ['ReadOnly', 'Admin'],
    configuredSession: 'bob@example.org',
  },
};

describe('docs/idp-recipes.md', () => {
  it('has a recipe block for every IdP, each accepted by the rule checks', () => {
    expect(Object.keys(RECIPES).sort()).toEqual(Object.keys(CASES).sort());
    for (const rules of Object.values(RECIPES))
      expect(() => compileRoleMapping(rules, RECIPE_ACCOUNT)).not.toThrow();
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: the recipe's rules turn that IdP's attributes into roles and a session name`, () => {
      const m = explainMapping(c.configured, providerArn(name), RECIPES[name]);
      expect(m.loginError).toBeUndefined();
      expect(m.roles.map((r) => r.roleArn)).toEqual(
        c.roles.map((r) => `acs:ram::${RECIPE_ACCOUNT}:role/${r}`),
      );
      expect(m.roles.every((r) => r.providerArn === providerArn(name))).toBe(true);
      expect(m.sessionName).toBe(c.configuredSession);
    });

    const fixture = c.fixture;
    if (fixture)
      it.skipIf(!present)(
        `${name}: genuine ${fixture.name} verifies; the recipe gives its session name and says why no role`,
        async () => {
          const assertion = await verifiedFixture(fixture.name);
          const m = explainMapping(assertion, providerArn(name), RECIPES[name]);
          expect(m.sessionName).toBe(fixture.sessionName);
          expect(m.roles).toEqual([]);
          expect(m.loginError).toContain(`attribute "${fixture.missing}" was not received`);
        },
      );
  }

  it('alibaba attributes keep working with no rules at all', () => {
    const m = explainMapping(
      {
        attributes: {
          'https://www.aliyun.com/SAML-Role/Attributes/Role': [
            `acs:ram::${RECIPE_ACCOUNT}:role/Admin,${providerArn('plain')}`,
          ],
          'https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName': ['alice'],
        },
      },
      providerArn('plain'),
    );
    expect(m.roles.map((r) => r.roleName)).toEqual(['Admin']);
    expect(m.sessionName).toBe('alice');
  });
});
