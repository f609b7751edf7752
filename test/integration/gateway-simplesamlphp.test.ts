/**
 * The gateway end to end with a real IdP, SimpleSAMLphp 1.19 from Debian's packages: role-based
 * SSO IdP- and SP-initiated, response-signed, assertion-signed and encrypted (AES-128-CBC, allowed
 * per provider), user-based SSO, and the credentials working with the official STS SDK.
 */
import { DOMParser, type Document } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSession, inputValue, textOfId, type WebPage } from '../support/gateway-client.js';
import {
  ACCOUNT,
  ALIAS_UPN_ATTRIBUTE,
  callerIdentity,
  MAIL_ATTRIBUTE,
  PROVIDER,
  ROLE_SP_ENTITY_ID,
  roleArn,
  ssoUser,
  startSimpleSamlPhpGateway,
  upn,
  type SimpleSamlPhpGateway,
} from '../support/simplesamlphp-gateway.js';
import {
  ALIYUN_SESSION_DURATION_ATTRIBUTE,
  completeSpInitiatedLogin,
  idpInitiatedLogin,
  type IdpUser,
} from '../support/simplesamlphp.js';

const ALICE = { username: 'alice', password: 'alice-pw-1' }; // Admin and ReadOnly: the picker
const BOB = { username: 'bob', password: 'bob-pw-2' }; // ReadOnly only
const CAROL = { username: 'carol', password: 'carol-pw-3' }; // Admin, for 900 s
const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

let env: SimpleSamlPhpGateway;
let gatewayUrl: string;

beforeAll(async () => {
  env = await startSimpleSamlPhpGateway({
    users: [
      ssoUser(ALICE.username, ALICE.password, ['Admin', 'ReadOnly']),
      ssoUser(BOB.username, BOB.password, ['ReadOnly']),
      withAttribute(
        ssoUser(CAROL.username, CAROL.password, ['Admin']),
        ALIYUN_SESSION_DURATION_ATTRIBUTE,
        '900',
      ),
    ],
    allowAesCbc: true,
  });
  gatewayUrl = env.gateway.url;
});

afterAll(() => env?.close());

type Login = typeof ALICE;

function withAttribute(user: IdpUser, name: string, value: string): IdpUser {
  return { ...user, attributes: { ...user.attributes, [name]: value } };
}

/** IdP-initiated login at SimpleSAMLphp; the auto-submit form is posted to the gateway. */
async function idpInitiated(user: Login, spEntityId = ROLE_SP_ENTITY_ID) {
  const login = await idpInitiatedLogin(env.idp, { spEntityId, ...user });
  const browser = new WebSession();
  const answer = await browser.request(login.acsUrl, { SAMLResponse: login.samlResponse });
  return { browser, answer, login };
}

async function consoleOf(browser: WebSession): Promise<WebPage> {
  const page = await browser.request(`${gatewayUrl}/console`);
  expect(page.status).toBe(200);
  return page;
}

function decode(samlResponse: string): Document {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  return new DOMParser().parseFromString(xml, 'text/xml');
}

/** Local names of the elements that carry a ds:Signature as a direct child. */
function signedElements(doc: Document): string[] {
  return Array.from(doc.getElementsByTagNameNS(DS, 'Signature')).map((s) => s.parentNode?.localName ?? '');
}

function consoleKeys(page: WebPage) {
  return {
    accessKeyId: textOfId(page.html, 'access-key-id') ?? '',
    accessKeySecret: textOfId(page.html, 'access-key-secret') ?? '',
    securityToken: textOfId(page.html, 'security-token') ?? '',
  };
}

describe('role-based SSO through SimpleSAMLphp (IdP-initiated)', () => {
  beforeAll(() => env.registerRoleSp()); // SimpleSAMLphp's defaults: Response and Assertion signed

  it('signs a one-role user straight into the console as that role', async () => {
    const { browser, answer, login } = await idpInitiated(BOB);
    expect(login.acsUrl).toBe(env.roleAcs);
    expect(signedElements(decode(login.samlResponse)).sort()).toEqual(['Assertion', 'Response']);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console');
    const page = await consoleOf(browser);
    expect(textOfId(page.html, 'role-name')).toBe('ReadOnly');
    expect(textOfId(page.html, 'session-name')).toBe(upn('bob'));
    expect(textOfId(page.html, 'arn')).toBe(`acs:ram::${ACCOUNT}:assumed-role/ReadOnly/${upn('bob')}`);
    expect(textOfId(page.html, 'access-key-id')).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
  });

  it('offers a several-role user the picker and signs in to the chosen role', async () => {
    const { browser, answer } = await idpInitiated(ALICE);
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('Choose a role');
    expect(answer.html).toContain(`Signed in as <strong>${upn('alice')}</strong>`); // not the transient NameID
    const offered = [...answer.html.matchAll(/acs:ram::\d+:role\/\w+/g)].map((m) => m[0]);
    expect(new Set(offered)).toEqual(new Set([roleArn('Admin'), roleArn('ReadOnly')]));
    const readOnly = offered.indexOf(roleArn('ReadOnly'));
    const chosen = await browser.request(`${gatewayUrl}/saml-role/choose`, {
      pending: inputValue(answer.html, 'pending') ?? '',
      csrf: inputValue(answer.html, 'csrf') ?? '',
      role: String(readOnly),
    });
    expect(chosen.status).toBe(303);
    const page = await consoleOf(browser);
    expect(textOfId(page.html, 'role-name')).toBe('ReadOnly');
    expect(textOfId(page.html, 'arn')).toBe(`acs:ram::${ACCOUNT}:assumed-role/ReadOnly/${upn('alice')}`);
  });

  it('honours the SessionDuration attribute for the credentials and the console session', async () => {
    const before = Date.now();
    const { browser, answer } = await idpInitiated(CAROL);
    expect(answer.status).toBe(303);
    const page = await consoleOf(browser);
    expect(textOfId(page.html, 'role-name')).toBe('Admin');
    const expires = Date.parse(textOfId(page.html, 'expiration') ?? '');
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 899_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 901_000);
  });

  it('refuses the same SimpleSAMLphp response a second time (replay)', async () => {
    const { login } = await idpInitiated(BOB);
    const again = await new WebSession().request(login.acsUrl, { SAMLResponse: login.samlResponse });
    expect(again.status).toBe(401);
    expect(again.html).toContain('<code>replay</code>');
  });

  it('gives temporary credentials that the official STS SDK accepts (GetCallerIdentity)', async () => {
    const { browser } = await idpInitiated(BOB);
    const me = await callerIdentity(gatewayUrl, consoleKeys(await consoleOf(browser)));
    expect(me).toMatchObject({ identityType: 'AssumedRoleUser', accountId: ACCOUNT });
    expect(me?.arn).toBe(`acs:ram::${ACCOUNT}:assumed-role/ReadOnly/${upn('bob')}`);
  });
});

describe('role-based SSO through SimpleSAMLphp (SP-initiated)', () => {
  beforeAll(() => env.registerRoleSp({ validateAuthnRequest: true }));

  it('sends a signed AuthnRequest, binds the answer to it (InResponseTo) and returns to the kept path', async () => {
    const browser = new WebSession();
    const start = await browser.request(
      `${gatewayUrl}/login?provider=${ACCOUNT}:${PROVIDER}&return_to=/console%3Ftab%3Dcredentials`,
    );
    expect(start.status).toBe(302);
    const redirect = new URL(start.location ?? '');
    expect(redirect.href.startsWith(env.idp.ssoUrl)).toBe(true);
    expect(redirect.searchParams.get('Signature')).toBeTruthy(); // SimpleSAMLphp validates it
    const login = await completeSpInitiatedLogin(env.idp, redirect.href, BOB);
    const requestId = decode(login.samlResponse).documentElement?.getAttribute('InResponseTo');
    expect(requestId).toMatch(/^_[0-9a-f]{40}$/);
    const answer = await browser.request(login.acsUrl, {
      SAMLResponse: login.samlResponse,
      RelayState: login.relayState ?? '',
    });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console?tab=credentials');
    expect(textOfId((await consoleOf(browser)).html, 'role-name')).toBe('ReadOnly');
  });

  it('signs a several-role user straight into the role named by /login?role=', async () => {
    const browser = new WebSession();
    const start = await browser.request(`${gatewayUrl}/login?provider=${ACCOUNT}:${PROVIDER}&role=Admin`);
    const login = await completeSpInitiatedLogin(env.idp, start.location ?? '', ALICE);
    const answer = await browser.request(login.acsUrl, { SAMLResponse: login.samlResponse });
    expect(answer.status).toBe(303);
    expect(textOfId((await consoleOf(browser)).html, 'role-name')).toBe('Admin');
  });

  it('refuses a second answer to an AuthnRequest already used (in-response-to)', async () => {
    // SimpleSAMLphp (validate.authnrequest) answers only AuthnRequests the gateway signed, so
    // replay a real one: the IdP answers it twice, the gateway takes the first answer only.
    const browser = new WebSession();
    const start = await browser.request(`${gatewayUrl}/login?provider=${ACCOUNT}:${PROVIDER}`);
    const first = await completeSpInitiatedLogin(env.idp, start.location ?? '', BOB);
    expect((await browser.request(first.acsUrl, { SAMLResponse: first.samlResponse })).status).toBe(303);
    const second = await completeSpInitiatedLogin(env.idp, start.location ?? '', BOB);
    const refused = await new WebSession().request(second.acsUrl, { SAMLResponse: second.samlResponse });
    expect(refused.status).toBe(401);
    expect(refused.html).toContain('<code>in-response-to</code>');
  });
});

describe('signing and encryption variants', () => {
  it.each([
    ['Response', { signResponse: true, signAssertion: false }],
    ['Assertion', { signResponse: false, signAssertion: true }],
  ])('accepts a response signed only on the %s', async (signed, options) => {
    await env.registerRoleSp(options);
    const { browser, answer, login } = await idpInitiated(BOB);
    expect(signedElements(decode(login.samlResponse))).toEqual([signed]);
    expect(answer.status).toBe(303);
    expect(textOfId((await consoleOf(browser)).html, 'role-name')).toBe('ReadOnly');
  });

  it('refuses a response signed nowhere', async () => {
    await env.registerRoleSp({ signResponse: false, signAssertion: false });
    const { answer, login } = await idpInitiated(BOB);
    expect(signedElements(decode(login.samlResponse))).toEqual([]);
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('AuthenticationFail.SAMLAssertion.Invalid');
    expect(answer.html).toContain('<code>signature-present</code>');
  });

  it('refuses RSA-SHA1 signatures from a provider configured for rsa-sha256', async () => {
    await env.registerRoleSp({
      extraMetadata: { 'signature.algorithm': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' },
    });
    const { answer, login } = await idpInitiated(BOB);
    expect(Buffer.from(login.samlResponse, 'base64').toString()).toContain('xmldsig#rsa-sha1');
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('AuthenticationFail.SAMLAssertion.Invalid');
    expect(answer.html).toContain('<code>signature-algorithm</code>');
  });

  it('decrypts an encrypted assertion (AES-128-CBC allowed for this provider) with the SP key', async () => {
    await env.registerRoleSp({ signResponse: false, encryptionCertPem: env.spCerts.encryptionCertPem });
    const { browser, answer, login } = await idpInitiated(ALICE);
    const doc = decode(login.samlResponse);
    expect(doc.getElementsByTagNameNS(SAML, 'EncryptedAssertion')).toHaveLength(1);
    expect(doc.getElementsByTagNameNS(SAML, 'Assertion')).toHaveLength(0);
    expect(doc.documentElement?.namespaceURI).toBe(SAMLP);
    expect(answer.status).toBe(200); // alice has two roles: the picker
    const chosen = await browser.request(`${gatewayUrl}/saml-role/choose`, {
      pending: inputValue(answer.html, 'pending') ?? '',
      csrf: inputValue(answer.html, 'csrf') ?? '',
      role: '0',
    });
    expect(chosen.status).toBe(303);
    expect(textOfId((await consoleOf(browser)).html, 'session-name')).toBe(upn('alice'));
  });

  it('binds an encrypted SP-initiated answer to its AuthnRequest and skips the picker for /login?role=', async () => {
    await env.registerRoleSp({
      signResponse: false,
      encryptionCertPem: env.spCerts.encryptionCertPem,
      validateAuthnRequest: true,
    });
    const browser = new WebSession();
    const start = await browser.request(
      `${gatewayUrl}/login?provider=${ACCOUNT}:${PROVIDER}&role=ReadOnly&return_to=/console%3Fenc`,
    );
    const login = await completeSpInitiatedLogin(env.idp, start.location ?? '', ALICE);
    expect(decode(login.samlResponse).getElementsByTagNameNS(SAML, 'EncryptedAssertion')).toHaveLength(1);
    const answer = await browser.request(login.acsUrl, { SAMLResponse: login.samlResponse });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console?enc');
    expect(textOfId((await consoleOf(browser)).html, 'role-name')).toBe('ReadOnly');
  });

  it('accepts an encrypted, unsigned assertion inside a signed Response; refuses it when nothing is signed', async () => {
    const encrypted = { encryptionCertPem: env.spCerts.encryptionCertPem, signAssertion: false };
    await env.registerRoleSp({ ...encrypted, signResponse: true });
    const covered = await idpInitiated(BOB);
    expect(signedElements(decode(covered.login.samlResponse))).toEqual(['Response']);
    expect(covered.answer.status).toBe(303);
    await env.registerRoleSp({ ...encrypted, signResponse: false });
    const bare = await idpInitiated(BOB);
    expect(signedElements(decode(bare.login.samlResponse))).toEqual([]);
    expect(bare.answer.status).toBe(401);
    expect(bare.answer.html).toContain('AuthenticationFail.SAMLAssertion.Invalid');
    expect(bare.answer.html).toContain('<code>assertion-signed</code>');
  });

  it('refuses the same encrypted response at the decryption check on a gateway without the AES-CBC allowance', async () => {
    await env.registerRoleSp({ signResponse: false, encryptionCertPem: env.spCerts.encryptionCertPem });
    const strict = await env.startTwin({ allowAesCbcProviders: [] });
    const login = await idpInitiatedLogin(env.idp, { spEntityId: ROLE_SP_ENTITY_ID, ...BOB });
    const answer = await new WebSession().request(`${strict}/saml-role/sso`, {
      SAMLResponse: login.samlResponse,
    });
    expect(answer.status).toBe(401);
    expect(answer.html).toContain('<code>decryption</code>');
  });
});

describe('user-based SSO through SimpleSAMLphp', () => {
  beforeAll(() => env.registerUserSp());

  it('maps the NameID <user>@<alias>.onaliyun.com to the RAM user (IdP-initiated)', async () => {
    const { browser, answer, login } = await idpInitiated(ALICE, env.userAcs);
    const nameId = decode(login.samlResponse).getElementsByTagNameNS(SAML, 'NameID')[0];
    expect(nameId?.textContent).toBe(upn('alice'));
    expect(answer.status).toBe(303);
    const page = await consoleOf(browser);
    expect(textOfId(page.html, 'user-name')).toBe('alice');
    expect(textOfId(page.html, 'arn')).toBe(`acs:ram::${ACCOUNT}:user/alice`);
    const me = await callerIdentity(gatewayUrl, consoleKeys(page));
    expect(me).toMatchObject({ identityType: 'RAMUser', arn: `acs:ram::${ACCOUNT}:user/alice` });
  });

  it.each([
    ['persistent', 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
    ['unspecified', 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'],
  ])('accepts the UPN in a %s NameID', async (_name, nameIdFormat) => {
    await env.registerUserSp({ nameIdFormat });
    try {
      const { browser, answer, login } = await idpInitiated(BOB, env.userAcs);
      const nameId = decode(login.samlResponse).getElementsByTagNameNS(SAML, 'NameID')[0];
      expect(nameId?.getAttribute('Format')).toBe(nameIdFormat);
      expect(answer.status).toBe(303);
      expect(textOfId((await consoleOf(browser)).html, 'user-name')).toBe('bob');
    } finally {
      await env.registerUserSp();
    }
  });

  it('accepts the UPN under the domain alias, and refuses a domain the account does not own', async () => {
    await env.registerUserSp({ nameIdAttribute: ALIAS_UPN_ATTRIBUTE });
    try {
      const aliased = await idpInitiated(BOB, env.userAcs);
      expect(aliased.answer.status).toBe(303);
      expect(textOfId((await consoleOf(aliased.browser)).html, 'user-name')).toBe('bob');
      await env.registerUserSp({ nameIdAttribute: MAIL_ATTRIBUTE });
      const foreign = await idpInitiated(BOB, env.userAcs);
      expect(foreign.answer.status).toBe(401);
      expect(foreign.answer.html).toContain('<code>user-mapping</code>');
      expect(foreign.answer.html).toContain('bob@elsewhere.example');
    } finally {
      await env.registerUserSp();
    }
  });

  it('signs in SP-initiated from /login?account=<id>', async () => {
    const browser = new WebSession();
    const start = await browser.request(`${gatewayUrl}/login?account=${ACCOUNT}`);
    expect(start.status).toBe(302);
    const login = await completeSpInitiatedLogin(env.idp, start.location ?? '', BOB);
    expect(login.acsUrl).toBe(env.userAcs);
    const answer = await browser.request(login.acsUrl, {
      SAMLResponse: login.samlResponse,
      RelayState: login.relayState ?? '',
    });
    expect(answer.status).toBe(303);
    expect(textOfId((await consoleOf(browser)).html, 'user-name')).toBe('bob');
  });

  it('decrypts an AES-128-CBC user-SSO response only where the IdP entityID is on the AES-CBC allowance', async () => {
    await env.registerUserSp({ encryptionCertPem: env.spCerts.encryptionCertPem });
    try {
      const { answer, login } = await idpInitiated(ALICE, env.userAcs);
      expect(decode(login.samlResponse).getElementsByTagNameNS(SAML, 'EncryptedAssertion')).toHaveLength(1);
      expect(answer.status).toBe(401); // the allowance names the role provider's ARN only
      expect(answer.html).toContain('<code>decryption</code>');
      const allowing = await env.startTwin({ allowAesCbcProviders: [env.idp.entityId] });
      const twin = new WebSession();
      const accepted = await twin.request(`${allowing}/${ACCOUNT}/saml/SSO`, {
        SAMLResponse: login.samlResponse,
      });
      expect(accepted.status).toBe(303);
      expect(textOfId((await twin.request(`${allowing}/console`)).html, 'user-name')).toBe('alice');
    } finally {
      await env.registerUserSp();
    }
  });

  it('refuses a role-SSO response posted to the user ACS', async () => {
    await env.registerRoleSp();
    const login = await idpInitiatedLogin(env.idp, { spEntityId: ROLE_SP_ENTITY_ID, ...BOB });
    const answer = await new WebSession().request(env.userAcs, { SAMLResponse: login.samlResponse });
    expect(answer.status).toBe(401);
    expect(answer.html).toMatch(/<code>(destination|recipient|audience)<\/code>/);
  });
});
