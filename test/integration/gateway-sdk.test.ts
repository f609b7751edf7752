/**
 * Alibaba's official SDKs against a running gateway, changed only by endpoint: STS
 * (AssumeRoleWithSAML, AssumeRole, GetCallerIdentity), IMS (the SAML provider lifecycle) and
 * pop-core's RPC v1 signature for RAM role management.
 */
import RPCClient from '@alicloud/pop-core';
import Credential, { StaticSTSCredentialsProvider } from '@alicloud/credentials';
import Ims, {
  CreateSAMLProviderRequest,
  DeleteSAMLProviderRequest,
  GetSAMLProviderRequest,
  ListSAMLProvidersRequest,
  UpdateSAMLProviderRequest,
} from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import Sts, { AssumeRoleRequest, AssumeRoleWithSAMLRequest } from '@alicloud/sts20150401';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { sdkError } from '../support/sdk-error.js';
import { WebSession, demoIdpResponse, textOfId } from '../support/gateway-client.js';

// Node's ESM loader exposes the CJS module object as the default export, vitest the class itself.
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;
const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;
const ACCOUNT = '1234567890123456';
const ROOT = { accessKeyId: 'LTAIdemo0000000000000001', accessKeySecret: 'demoSecretDoNotUseInProduction' };
const PROVIDER_ARN = `acs:ram::${ACCOUNT}:saml-provider/demo-idp`;
type Keys = { accessKeyId: string; accessKeySecret: string; securityToken?: string };

let gateway: RunningGateway;
let endpoint: string;

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
  endpoint = new URL(gateway.url).host;
});
afterAll(() => gateway?.close());

const config = (keys: Partial<Keys> = {}) =>
  new OpenApi.$OpenApiUtil.Config({ endpoint, protocol: 'http', ...keys });
const sts = (keys?: Keys) => new StsClient(config(keys));
const ims = (keys: Keys) => new ImsClient(config(keys));

async function samlCredentials(user: 'alice' | 'bob', roleName: string): Promise<Keys> {
  const { samlResponse } = await demoIdpResponse(gateway.url, user, 'role');
  const { body } = await sts().assumeRoleWithSAML(
    new AssumeRoleWithSAMLRequest({
      SAMLAssertion: samlResponse,
      SAMLProviderArn: PROVIDER_ARN,
      roleArn: `acs:ram::${ACCOUNT}:role/${roleName}`,
      durationSeconds: 900,
    }),
  );
  const c = body?.credentials;
  return {
    accessKeyId: c?.accessKeyId ?? '',
    accessKeySecret: c?.accessKeySecret ?? '',
    securityToken: c?.securityToken ?? '',
  };
}

describe('STS SDK', () => {
  it('AssumeRoleWithSAML (anonymous, the whole SAMLResponse in the query) returns credentials and assertion info', async () => {
    const { samlResponse } = await demoIdpResponse(gateway.url, 'bob', 'role');
    const { body } = await sts().assumeRoleWithSAML(
      new AssumeRoleWithSAMLRequest({
        SAMLAssertion: samlResponse,
        SAMLProviderArn: PROVIDER_ARN,
        roleArn: `acs:ram::${ACCOUNT}:role/ReadOnly`,
      }),
    );
    expect(body?.credentials?.accessKeyId).toMatch(/^STS\./);
    expect(body?.credentials?.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body?.assumedRoleUser?.arn).toBe(
      `acs:ram::${ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`,
    );
    expect(body?.SAMLAssertionInfo).toMatchObject({
      subjectType: 'emailAddress',
      subject: 'bob@demo.onaliyun.com',
      recipient: `${gateway.url}/saml-role/sso`,
    });
  });

  it('refuses a role the assertion does not offer, a replay, and an unknown provider with Alibaba codes', async () => {
    const { samlResponse } = await demoIdpResponse(gateway.url, 'bob', 'role');
    const request = (roleArn: string, providerArn = PROVIDER_ARN) =>
      new AssumeRoleWithSAMLRequest({ SAMLAssertion: samlResponse, SAMLProviderArn: providerArn, roleArn });
    const notOffered = await sdkError(sts().assumeRoleWithSAML(request(`acs:ram::${ACCOUNT}:role/Admin`)));
    expect(notOffered.code).toBe('AuthenticationFail.SAMLAssertion.Invalid');
    expect(notOffered.statusCode).toBe(401);
    const replay = await sdkError(sts().assumeRoleWithSAML(request(`acs:ram::${ACCOUNT}:role/ReadOnly`)));
    expect(replay.code).toBe('AuthenticationFail.SAMLAssertion.Invalid');
    expect(replay.message).toContain('replay');
    const unknown = await sdkError(
      sts().assumeRoleWithSAML(
        request(`acs:ram::${ACCOUNT}:role/ReadOnly`, `acs:ram::${ACCOUNT}:saml-provider/nope`),
      ),
    );
    expect(unknown.code).toBe('EntityNotExist.SAMLProvider');
    expect(unknown.statusCode).toBe(404);
  });

  it('GetCallerIdentity with the temporary credentials of a role session and of a user session', async () => {
    const role = await samlCredentials('bob', 'ReadOnly');
    const { body } = await sts(role).getCallerIdentity();
    expect(body).toMatchObject({ identityType: 'AssumedRoleUser', accountId: ACCOUNT });
    expect(body?.arn).toBe(`acs:ram::${ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`);

    const browser = new WebSession();
    const user = await demoIdpResponse(gateway.url, 'alice', 'user');
    await browser.request(user.acsUrl, { SAMLResponse: user.samlResponse });
    const page = await browser.request(`${gateway.url}/console`);
    const keys = {
      accessKeyId: textOfId(page.html, 'access-key-id') ?? '',
      accessKeySecret: textOfId(page.html, 'access-key-secret') ?? '',
      securityToken: textOfId(page.html, 'security-token') ?? '',
    };
    const me = await sts(keys).getCallerIdentity();
    expect(me.body).toMatchObject({ identityType: 'RAMUser', arn: `acs:ram::${ACCOUNT}:user/alice` });
  });

  it('AssumeRole by a RAM user (a root AccessKey is refused), for a role created through RAM with pop-core (RPC v1 HMAC-SHA1)', async () => {
    const ram = new RPCClient({ endpoint: gateway.url, apiVersion: '2015-05-01', ...ROOT });
    const trust = JSON.stringify({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
      ],
    });
    const created = (await ram.request(
      'CreateRole',
      { RoleName: 'CiDeployer', AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200 },
      { method: 'POST' },
    )) as { Role: { Arn: string } };
    expect(created.Role.Arn).toBe(`acs:ram::${ACCOUNT}:role/CiDeployer`);
    const root = await sdkError(
      sts(ROOT).assumeRole(
        new AssumeRoleRequest({ roleArn: created.Role.Arn, roleSessionName: 'ci-run-41' }),
      ),
    );
    expect(root.code).toBe('NoPermission');
    await ram.request('CreateUser', { UserName: 'ci' }, { method: 'POST' });
    await ram.request(
      'AttachPolicyToUser',
      { PolicyType: 'System', PolicyName: 'AliyunSTSAssumeRoleAccess', UserName: 'ci' },
      { method: 'POST' },
    );
    const { AccessKey } = (await ram.request('CreateAccessKey', { UserName: 'ci' }, { method: 'POST' })) as {
      AccessKey: { AccessKeyId: string; AccessKeySecret: string };
    };
    const ci = { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret };
    const { body } = await sts(ci).assumeRole(
      new AssumeRoleRequest({
        roleArn: created.Role.Arn,
        roleSessionName: 'ci-run-42',
        durationSeconds: 7200,
      }),
    );
    const temp = {
      accessKeyId: body?.credentials?.accessKeyId ?? '',
      accessKeySecret: body?.credentials?.accessKeySecret ?? '',
      securityToken: body?.credentials?.securityToken ?? '',
    };
    expect((await sts(temp).getCallerIdentity()).body?.arn).toBe(
      `acs:ram::${ACCOUNT}:assumed-role/CiDeployer/ci-run-42`,
    );
    const tooLong = await sdkError(
      sts(ci).assumeRole(
        new AssumeRoleRequest({ roleArn: created.Role.Arn, roleSessionName: 'x1', durationSeconds: 7201 }),
      ),
    );
    expect(tooLong.code).toBe('InvalidParameter.DurationSeconds');
  });

  it('credentials from @alicloud/credentials sign requests the gateway accepts', async () => {
    const role = await samlCredentials('bob', 'ReadOnly');
    const provider = StaticSTSCredentialsProvider.builder()
      .withAccessKeyId(role.accessKeyId)
      .withAccessKeySecret(role.accessKeySecret)
      .withSecurityToken(role.securityToken ?? '')
      .build();
    const credential = new (Credential.default ?? Credential)(null, provider);
    const client = new StsClient(new OpenApi.$OpenApiUtil.Config({ endpoint, protocol: 'http', credential }));
    expect((await client.getCallerIdentity()).body?.identityType).toBe('AssumedRoleUser');
  });
});

describe('IMS SDK: SAML provider lifecycle', () => {
  it('creates, reads, lists, updates and deletes a provider; the policy engine guards each call', async () => {
    const metadata = Buffer.from(await (await fetch(`${gateway.url}/demo-idp/metadata.xml`)).text()).toString(
      'base64',
    );
    const client = ims(ROOT);
    const created = await client.createSAMLProvider(
      new CreateSAMLProviderRequest({
        SAMLProviderName: 'okta-prod',
        encodedSAMLMetadataDocument: metadata,
        description: 'Okta',
      }),
    );
    expect(created.body?.SAMLProvider?.arn).toBe(`acs:ram::${ACCOUNT}:saml-provider/okta-prod`);
    const got = await client.getSAMLProvider(new GetSAMLProviderRequest({ SAMLProviderName: 'okta-prod' }));
    expect(got.body?.SAMLProvider?.encodedSAMLMetadataDocument).toBe(metadata);
    const listed = await client.listSAMLProviders(new ListSAMLProvidersRequest({ maxItems: 100 }));
    expect(listed.body?.SAMLProviders?.SAMLProvider?.map((p) => p.SAMLProviderName)).toContain('okta-prod');
    const updated = await client.updateSAMLProvider(
      new UpdateSAMLProviderRequest({ SAMLProviderName: 'okta-prod', newDescription: 'Okta production' }),
    );
    expect(updated.body?.SAMLProvider?.description).toBe('Okta production');

    const duplicate = await sdkError(
      client.createSAMLProvider(
        new CreateSAMLProviderRequest({
          SAMLProviderName: 'okta-prod',
          encodedSAMLMetadataDocument: metadata,
        }),
      ),
    );
    expect(duplicate.code).toBe('EntityAlreadyExists.SAMLProvider');
    const badMetadata = await sdkError(
      client.createSAMLProvider(
        new CreateSAMLProviderRequest({
          SAMLProviderName: 'broken',
          encodedSAMLMetadataDocument: Buffer.from('<x/>').toString('base64'),
        }),
      ),
    );
    expect(badMetadata.code).toBe('AuthenticationFail.IDPMetadata.Invalid');

    const readOnly = await samlCredentials('bob', 'ReadOnly');
    const denied = await sdkError(
      ims(readOnly).deleteSAMLProvider(new DeleteSAMLProviderRequest({ SAMLProviderName: 'okta-prod' })),
    );
    expect(denied.code).toBe('NoPermission');
    expect(denied.statusCode).toBe(403);
    expect(
      (await ims(readOnly).listSAMLProviders(new ListSAMLProvidersRequest({}))).body?.SAMLProviders,
    ).toBeDefined();

    await client.deleteSAMLProvider(new DeleteSAMLProviderRequest({ SAMLProviderName: 'okta-prod' }));
    const gone = await sdkError(
      client.getSAMLProvider(new GetSAMLProviderRequest({ SAMLProviderName: 'okta-prod' })),
    );
    expect(gone.code).toBe('EntityNotExist.SAMLProvider');
  });

  it('refuses a wrong secret with SignatureDoesNotMatch', async () => {
    const error = await sdkError(
      ims({ ...ROOT, accessKeySecret: 'x'.repeat(30) }).listSAMLProviders(new ListSAMLProvidersRequest({})),
    );
    expect(error.code).toBe('SignatureDoesNotMatch');
  });
});

describe('AccessKeys through the API', () => {
  it('CreateAccessKey without UserName makes a key for the calling RAM user, never a root key', async () => {
    const ram = new RPCClient({ endpoint: gateway.url, apiVersion: '2015-05-01', ...ROOT });
    const created = (await ram.request('CreateAccessKey', { UserName: 'alice' }, { method: 'POST' })) as {
      AccessKey: { AccessKeyId: string; AccessKeySecret: string };
    };
    const alice = {
      accessKeyId: created.AccessKey.AccessKeyId,
      accessKeySecret: created.AccessKey.AccessKeySecret,
    };
    expect((await sts(alice).getCallerIdentity()).body?.arn).toBe(`acs:ram::${ACCOUNT}:user/alice`);
    const asAlice = new RPCClient({ endpoint: gateway.url, apiVersion: '2015-05-01', ...alice });
    const own = (await asAlice.request('ListAccessKeys', {}, { method: 'POST' })) as {
      AccessKeys: { AccessKey: Array<{ AccessKeyId: string }> };
    };
    expect(own.AccessKeys.AccessKey.map((k) => k.AccessKeyId)).toEqual([alice.accessKeyId]);
    const root = (await ram.request('ListAccessKeys', {}, { method: 'POST' })) as {
      AccessKeys: { AccessKey: Array<{ AccessKeyId: string }> };
    };
    expect(root.AccessKeys.AccessKey.map((k) => k.AccessKeyId)).toEqual([ROOT.accessKeyId]);
  });
});
