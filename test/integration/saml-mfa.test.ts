/**
 * `acs:MFAPresent` of SAML sessions: true only when the verified assertion's AuthnContextClassRef
 * is one the provider's `mfaAuthnContexts` lists. Role-based SSO (the ACS and the STS API) and
 * user-based SSO, with responses signed by the repo's test IdP, with and without an MFA context;
 * the resulting credentials are used through the official IMS SDK against a policy on MFA.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ims, { GetUserRequest } from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import Sts, { AssumeRoleWithSAMLRequest } from '@alicloud/sts20150401';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { WebSession } from '../support/gateway-client.js';
import { TestIdp } from '../support/test-idp.js';
import { MFA_ONLY_GET_USER } from '../support/mfa-policy.js';

const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;
const ACCOUNT = '3000000000000003';
const MFA = 'http://schemas.microsoft.com/claims/multipleauthn';
const PASSWORD = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
const ROLE_SP = 'urn:alibaba:cloudcomputing';
const mfaOnly = MFA_ONLY_GET_USER;
const idp = new TestIdp();
type Keys = { accessKeyId: string; accessKeySecret: string; securityToken: string };

let dir: string;
let gateway: RunningGateway;
let upn: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ramgate-saml-mfa-'));
  writeFileSync(join(dir, 'idp.xml'), idp.metadata());
  const config = {
    accounts: [
      {
        id: ACCOUNT,
        samlProviders: [
          // Same IdP twice: one provider trusts its MFA context, the other lists none (never MFA).
          { name: 'corp', metadataFile: 'idp.xml', mapping: { mfaAuthnContexts: [MFA] } },
          { name: 'plain', metadataFile: 'idp.xml' },
        ],
        ssoSettings: {
          enabled: true,
          metadataFile: 'idp.xml',
          mapping: { mfaAuthnContexts: [MFA, 'https://refeds.org/profile/mfa'] },
        },
        policies: [{ name: 'mfa-only', document: mfaOnly }],
        users: [{ name: 'alice', policies: ['mfa-only'] }],
        roles: [{ name: 'reader', trustedSamlProviders: ['corp', 'plain'], policies: ['mfa-only'] }],
      },
    ],
  };
  writeFileSync(join(dir, 'ramgate.json'), JSON.stringify(config));
  gateway = await startGateway({ config: join(dir, 'ramgate.json'), logger: pino({ level: 'silent' }) });
  const domain = (await gateway.gw.directory.GetDefaultDomain(ACCOUNT, {})).DefaultDomainName;
  upn = `alice@${domain}`;
});

afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

const endpoint = () => new URL(gateway.url).host;
const config = (keys?: Keys) =>
  new OpenApi.$OpenApiUtil.Config({ endpoint: endpoint(), protocol: 'http', ...(keys ?? {}) });
const roleFor = (provider: string) =>
  `acs:ram::${ACCOUNT}:role/reader,acs:ram::${ACCOUNT}:saml-provider/${provider}`;

/** GetUser with the session's credentials: allowed only when the session has acs:MFAPresent. */
async function getUser(keys: Keys): Promise<string> {
  try {
    const { body } = await new ImsClient(config(keys)).getUser(
      new GetUserRequest({ userPrincipalName: upn }),
    );
    return body?.user?.userPrincipalName === upn ? 'allowed' : 'wrong body';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** Sign in at an ACS and read the session's credentials from the console page. */
async function consoleCredentials(acs: string, samlResponse: string): Promise<Keys> {
  const browser = new WebSession();
  const answer = await browser.request(acs, { SAMLResponse: samlResponse });
  expect(answer.status, answer.html).toBe(303);
  const page = (await browser.request(`${gateway.url}/console`)).html;
  const value = (name: string) => new RegExp(`${name}=([^\\s<]+)`).exec(page)?.[1] ?? '';
  return {
    accessKeyId: value('ALIBABA_CLOUD_ACCESS_KEY_ID'),
    accessKeySecret: value('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
    securityToken: value('ALIBABA_CLOUD_SECURITY_TOKEN'),
  };
}

/** A role-SSO response for the gateway's role ACS, offering the reader role through `provider`. */
function roleResponse(provider: string, classRef: string | null): string {
  const signer = new TestIdp({ sp: { entityId: ROLE_SP, acsUrl: `${gateway.url}/saml-role/sso` } });
  return signer.response({ roles: [roleFor(provider)], authnContextClassRef: classRef }).base64;
}

async function roleAcs(classRef: string | null): Promise<Keys> {
  return consoleCredentials(`${gateway.url}/saml-role/sso`, roleResponse('corp', classRef));
}

async function stsApi(provider: string, classRef: string | null): Promise<Keys> {
  const { body } = await new StsClient(config()).assumeRoleWithSAML(
    new AssumeRoleWithSAMLRequest({
      SAMLAssertion: roleResponse(provider, classRef),
      SAMLProviderArn: `acs:ram::${ACCOUNT}:saml-provider/${provider}`,
      roleArn: `acs:ram::${ACCOUNT}:role/reader`,
    }),
  );
  const c = body?.credentials;
  return {
    accessKeyId: c?.accessKeyId ?? '',
    accessKeySecret: c?.accessKeySecret ?? '',
    securityToken: c?.securityToken ?? '',
  };
}

async function userAcs(classRef: string | null): Promise<Keys> {
  const acs = `${gateway.url}/${ACCOUNT}/saml/SSO`;
  const signer = new TestIdp({ sp: { entityId: acs, acsUrl: acs } });
  const response = signer.response({ nameId: upn, roles: null, authnContextClassRef: classRef });
  return consoleCredentials(acs, response.base64);
}

describe('acs:MFAPresent of SAML sessions follows the IdP AuthnContextClassRef the provider trusts', () => {
  it('role-based SSO at the ACS: an MFA context the provider lists → MFA; password or none → not', async () => {
    expect(await getUser(await roleAcs(MFA))).toBe('allowed');
    expect(await getUser(await roleAcs(PASSWORD))).toBe('NoPermission');
    expect(await getUser(await roleAcs(null))).toBe('NoPermission');
  });

  it('AssumeRoleWithSAML through the STS SDK: the same, and a provider listing no contexts never gives MFA', async () => {
    expect(await getUser(await stsApi('corp', MFA))).toBe('allowed');
    expect(await getUser(await stsApi('corp', PASSWORD))).toBe('NoPermission');
    expect(await getUser(await stsApi('plain', MFA))).toBe('NoPermission');
  });

  it('user-based SSO: the account SSO settings list which contexts mean MFA', async () => {
    expect(await getUser(await userAcs('https://refeds.org/profile/mfa'))).toBe('allowed');
    expect(await getUser(await userAcs(PASSWORD))).toBe('NoPermission');
    // Exact comparison: a look-alike value is not the listed one.
    expect(await getUser(await userAcs(`${MFA}/`))).toBe('NoPermission');
  });
});
