/**
 * Mapping rules end to end with SimpleSAMLphp (the SimpleSAMLphp and Keycloak recipes of
 * docs/idp-recipes.md): IdP users whose only role data is a group attribute sign in through the
 * provider's rules; a group mapping to a role whose trust policy does not admit the provider is
 * still refused by AssumeRoleWithSAML; the audit event shows attributes, rules and roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonLinesAuditSink } from '../../src/core/audit.js';
import { assumeRoleWithSamlApi } from '../../src/sso/sts-api.js';
import { WebSession, textOfId } from '../support/gateway-client.js';
import {
  ACCOUNT,
  PROVIDER,
  ROLE_SP_ENTITY_ID,
  startSimpleSamlPhpGateway,
  type SimpleSamlPhpGateway,
} from '../support/simplesamlphp-gateway.js';
import { recipes } from '../support/recipes.js';
import { idpInitiatedLogin, type IdpUser } from '../support/simplesamlphp.js';

const GROUPS = 'groups';
const EMAIL = 'email';
const groupUser = (username: string, groups: string[], email?: string): IdpUser => ({
  username,
  password: `${username}-pw`,
  attributes: { [GROUPS]: groups, ...(email ? { [EMAIL]: email } : {}) },
});

const DAVE = groupUser(
  'dave',
  [`Aliyun-${ACCOUNT}-ReadOnly`, 'Aliyun-999999-Admin', 'staff'],
  'Dave.O Brien@corp.example',
);
const ERIN = groupUser('erin', ['/cloud/admins', `Aliyun-${ACCOUNT}-ReadOnly`], 'erin@corp.example');
const FRANK = groupUser('frank', ['Aliyun-999999-Admin', 'staff'], 'frank@corp.example');
const GRACE = groupUser('grace', [`Aliyun-${ACCOUNT}-Untrusted`], 'grace@corp.example');
const HEIDI = groupUser('heidi', [`Aliyun-${ACCOUNT}-ReadOnly`]);
// Users shaped as the Keycloak and SimpleSAMLphp recipes of docs/idp-recipes.md say.
const KC_USER = groupUser('ivan', ['/aliyun/Admin', '/staff'], 'ivan@kc.example');
const LDAP_USER: IdpUser = {
  username: 'judy',
  password: 'judy-pw',
  attributes: { memberOf: ['cn=aliyun-ReadOnly,ou=groups,dc=example,dc=org'], mail: 'judy@example.org' },
};

const RULES = {
  roles: { attribute: GROUPS, map: { '/cloud/admins': 'Admin' }, patterns: ['Aliyun-{account}-{role}'] },
  sessionName: { attribute: EMAIL },
  sessionDuration: { default: 1800, max: 3600 },
};

let env: SimpleSamlPhpGateway;

beforeAll(async () => {
  env = await startSimpleSamlPhpGateway({ users: [DAVE, ERIN, FRANK, GRACE, HEIDI, KC_USER, LDAP_USER] });
  await env.registerRoleSp();
  const d = env.gateway.gw.directory;
  await d.UpdateSAMLProvider(ACCOUNT, { SAMLProviderName: PROVIDER, MappingRules: JSON.stringify(RULES) });
  await d.CreateSAMLProvider(ACCOUNT, {
    SAMLProviderName: 'other-idp',
    EncodedSAMLMetadataDocument: Buffer.from(env.idp.metadataXml).toString('base64'),
  });
  // A role of this account that trusts another provider only.
  await d.CreateRole(ACCOUNT, {
    RoleName: 'Untrusted',
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '1',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Federated: [`acs:ram::${ACCOUNT}:saml-provider/other-idp`] },
          Condition: { StringEquals: { 'saml:recipient': env.roleAcs } },
        },
      ],
    }),
  });
});

afterAll(() => env?.close());

async function login(user: IdpUser) {
  const result = await idpInitiatedLogin(env.idp, { spEntityId: ROLE_SP_ENTITY_ID, ...user });
  const browser = new WebSession();
  const answer = await browser.request(result.acsUrl, { SAMLResponse: result.samlResponse });
  return { browser, answer };
}

const lastAudit = () => {
  const events = (env.gateway.gw.audit as JsonLinesAuditSink).recent;
  return events[events.length - 1];
};

describe('role mapping with SimpleSAMLphp group attributes', () => {
  it('signs in a user whose only role data is a group, with the sanitised email as session name', async () => {
    const { browser, answer } = await login(DAVE);
    expect(answer.status).toBe(303);
    const page = await browser.request(`${env.gateway.url}/console`);
    expect(textOfId(page.html, 'role-name')).toBe('ReadOnly');
    expect(textOfId(page.html, 'session-name')).toBe('Dave.O-Brien@corp.example');
    const event = lastAudit();
    expect(event).toMatchObject({ event: 'sso.role', outcome: 'success', role: 'ReadOnly' });
    const mapping = event?.detail?.mapping as { attributes: string[]; rules: string[]; roles: string[] };
    expect(mapping.attributes.sort()).toEqual([EMAIL, GROUPS]);
    expect(mapping.roles).toEqual([`acs:ram::${ACCOUNT}:role/ReadOnly`]);
    expect(mapping.rules.join('\n')).toMatch(/names account 999999, not 1234567890123456: ignored/);
  });

  it('offers the picker when an exact map entry and a pattern give two roles', async () => {
    const { answer } = await login(ERIN);
    expect(answer.status).toBe(200);
    expect(answer.html).toContain(`acs:ram::${ACCOUNT}:role/Admin`);
    expect(answer.html).toContain(`acs:ram::${ACCOUNT}:role/ReadOnly`);
    expect(lastAudit()).toMatchObject({ event: 'sso.role.offered' });
  });

  it('refuses a user whose groups name only another account’s roles, saying why', async () => {
    const { answer } = await login(FRANK);
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('<code>role-mapping</code>');
    expect(answer.html).toMatch(/no value matched a map entry or pattern/);
    expect(lastAudit()).toMatchObject({ event: 'sso.role', outcome: 'failure', check: 'role-mapping' });
  });

  it('never grants a mapped role whose trust policy does not admit the provider', async () => {
    const { answer } = await login(GRACE);
    expect(answer.status).toBe(403);
    expect(lastAudit()).toMatchObject({ event: 'sso.role', outcome: 'failure' });
    expect(lastAudit()).toMatchObject({ code: 'NoPermission' });
    expect(lastAudit()?.message).toMatch(
      /trust policy of .*role\/Untrusted does not admit .*saml-provider\/ssp/,
    );
  });

  it('refuses a user without the session-name attribute with a clear error', async () => {
    const { answer } = await login(HEIDI);
    expect(answer.status).toBe(401);
    expect(answer.html).toMatch(
      /session name from attribute &quot;email&quot;|session name from attribute "email"/,
    );
  });
});

describe('the Keycloak and SimpleSAMLphp recipes through the gateway', () => {
  const useRecipe = (name: string) =>
    env.gateway.gw.directory.UpdateSAMLProvider(ACCOUNT, {
      SAMLProviderName: PROVIDER,
      MappingRules: JSON.stringify(recipes()[name]),
    });

  const cases = [
    {
      recipe: 'keycloak',
      shape: 'a /aliyun/<role> group path',
      user: KC_USER,
      role: 'Admin',
      session: 'ivan@kc.example',
    },
    {
      recipe: 'simplesamlphp',
      shape: 'a memberOf DN',
      user: LDAP_USER,
      role: 'ReadOnly',
      session: 'judy@example.org',
    },
  ];
  for (const c of cases)
    it(`${c.recipe}: ${c.shape} signs in as that role`, async () => {
      await useRecipe(c.recipe);
      const { browser, answer } = await login(c.user);
      expect(answer.status).toBe(303);
      const page = await browser.request(`${env.gateway.url}/console`);
      expect(textOfId(page.html, 'role-name')).toBe(c.role);
      expect(textOfId(page.html, 'session-name')).toBe(c.session);
    });
});

describe('user-based SSO mapping: the RAM user from an attribute', () => {
  const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
  const userLogin = async (user: IdpUser) => {
    const result = await idpInitiatedLogin(env.idp, { spEntityId: env.userAcs, ...user });
    const browser = new WebSession();
    return { browser, answer: await browser.request(result.acsUrl, { SAMLResponse: result.samlResponse }) };
  };
  const setUserMapping = (rules: unknown) =>
    env.gateway.gw.directory.SetUserSsoSettings(ACCOUNT, { MappingRules: JSON.stringify(rules) });

  beforeAll(() => env.registerUserSp({ nameIdFormat: TRANSIENT, nameIdAttribute: undefined }));

  it('a transient NameID names no RAM user by Alibaba’s rule', async () => {
    await setUserMapping({});
    const { answer } = await userLogin(ERIN);
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('AuthenticationFail.User.NotFound');
  });

  it('with user: {attribute: email} the UPN rules apply to the email (domain alias)', async () => {
    await setUserMapping({ user: { attribute: EMAIL } });
    expect((await env.gateway.gw.directory.GetUserSsoSettings(ACCOUNT)).UserSsoSettings).toMatchObject({
      MappingRules: JSON.stringify({ user: { attribute: EMAIL } }),
    });
    const { browser, answer } = await userLogin(ERIN);
    expect(answer.status).toBe(303);
    const page = await browser.request(`${env.gateway.url}/console`);
    expect(textOfId(page.html, 'user-name')).toBe('erin');
    expect(lastAudit()).toMatchObject({
      event: 'sso.user',
      outcome: 'success',
      detail: { mapping: { rules: [`user: from attribute "${EMAIL}"`] } },
    });
    const other = await userLogin(KC_USER); // ivan@kc.example: a domain the account does not own
    expect(other.answer.status).toBe(401);
    expect(other.answer.html).toMatch(/the domain must be/);
  });

  it('refuses a missing attribute clearly', async () => {
    await setUserMapping({ user: { attribute: 'urn:not:sent' } });
    const { answer } = await userLogin(ERIN);
    expect(answer.status).toBe(401);
    expect(answer.html).toMatch(/reads attribute &quot;urn:not:sent&quot;|reads attribute "urn:not:sent"/);
  });
});

describe('the STS API (AssumeRoleWithSAML) applies the same rules', () => {
  const call = async (user: IdpUser, params: Record<string, string>) => {
    const { samlResponse } = await idpInitiatedLogin(env.idp, { spEntityId: ROLE_SP_ENTITY_ID, ...user });
    return assumeRoleWithSamlApi(env.gateway.gw, {
      SAMLAssertion: samlResponse,
      SAMLProviderArn: `acs:ram::${ACCOUNT}:saml-provider/${PROVIDER}`,
      ...params,
    });
  };
  beforeAll(() =>
    env.gateway.gw.directory.UpdateSAMLProvider(ACCOUNT, {
      SAMLProviderName: PROVIDER,
      MappingRules: JSON.stringify(RULES),
    }),
  );

  it('grants a mapped role with the rules’ default duration and session name', async () => {
    const before = Date.now();
    const result = await call(DAVE, { RoleArn: `acs:ram::${ACCOUNT}:role/ReadOnly` });
    expect(result.AssumedRoleUser.Arn).toBe(
      `acs:ram::${ACCOUNT}:assumed-role/ReadOnly/Dave.O-Brien@corp.example`,
    );
    const seconds = (Date.parse(result.Credentials.Expiration) - before) / 1000;
    expect(seconds).toBeGreaterThan(1790);
    expect(seconds).toBeLessThan(1810);
  });

  it('refuses a DurationSeconds above the rules’ cap and a role the rules do not offer', async () => {
    await expect(
      call(DAVE, { RoleArn: `acs:ram::${ACCOUNT}:role/ReadOnly`, DurationSeconds: '7200' }),
    ).rejects.toMatchObject({ code: 'InvalidParameter.DurationSeconds' });
    await expect(call(DAVE, { RoleArn: `acs:ram::${ACCOUNT}:role/Admin` })).rejects.toMatchObject({
      code: 'AuthenticationFail.SAMLAssertion.Invalid',
      check: 'role-offered',
    });
  });
});
