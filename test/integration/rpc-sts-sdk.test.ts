/** The official STS SDK (@alicloud/sts20150401) against the RPC adapter, by endpoint only. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Sts, { AssumeRoleRequest, AssumeRoleWithSAMLRequest } from '@alicloud/sts20150401';
import * as OpenApi from '@alicloud/openapi-core';
import { ACCOUNT_ID, INACTIVE, LONG_TERM, TEMPORARY, startRpcApp, type RunningApp } from './rpc-test-app.js';

type Credentials = { accessKeyId: string; accessKeySecret: string; securityToken?: string };

// Node's ESM loader exposes the CJS module object as the default export, vitest the class itself.
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;
type RuntimeOptions = Parameters<InstanceType<typeof StsClient>['getCallerIdentityWithOptions']>[0];

let app: RunningApp;
beforeAll(async () => {
  app = await startRpcApp();
});
afterAll(() => app.close());

function stsClient(credentials: Partial<Credentials> = {}) {
  return new StsClient(
    new OpenApi.$OpenApiUtil.Config({ endpoint: app.endpoint, protocol: 'http', ...credentials }),
  );
}

/** Runtime options that pin headers the SDK would otherwise generate (to replay or age a request). */
function pinnedHeaders(headers: Record<string, string>): RuntimeOptions {
  return { extendsParameters: { headers } } as RuntimeOptions;
}

async function sdkError(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; statusCode: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the SDK call should have failed').toBeDefined();
  return error as { code: string; message: string; statusCode: number };
}

describe('STS SDK, ACS3-HMAC-SHA256 signed calls', () => {
  it('getCallerIdentity with a long-term key returns the verified caller in the SDK model', async () => {
    const { body, headers } = await stsClient(LONG_TERM).getCallerIdentity();
    expect(body?.accountId).toBe(ACCOUNT_ID);
    expect(body?.arn).toBe(`acs:ram::${ACCOUNT_ID}:user/alice`);
    expect(body?.identityType).toBe('RAMUser');
    expect(body?.requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(headers?.['x-acs-request-id']).toBe(body?.requestId);
  });

  it('assumeRole with a long-term key: parameters arrive and credentials parse to camelCase', async () => {
    const request = new AssumeRoleRequest({
      roleArn: `acs:ram::${ACCOUNT_ID}:role/admin`,
      roleSessionName: "sess.ion@x_(1)*!'~",
      durationSeconds: 3600,
      policy: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}',
    });
    const { body } = await stsClient(LONG_TERM).assumeRole(request);
    expect(body?.credentials?.accessKeyId).toBe('STS.echo');
    expect(body?.credentials?.expiration).toBe('2030-01-01T00:00:00Z');
    expect(body?.assumedRoleUser?.arn).toBe(`acs:ram::${ACCOUNT_ID}:role/admin/sess.ion@x_(1)*!'~`);
    const echoed = JSON.parse(body?.credentials?.securityToken ?? '{}');
    expect(echoed.caller.userName).toBe('alice');
    expect(echoed.params).toEqual({
      RoleArn: `acs:ram::${ACCOUNT_ID}:role/admin`,
      RoleSessionName: "sess.ion@x_(1)*!'~",
      DurationSeconds: '3600',
      Policy: request.policy,
    });
  });

  it('temporary credentials sign with their security token (x-acs-security-token)', async () => {
    const client = stsClient(TEMPORARY);
    const { body } = await client.getCallerIdentity();
    expect(body?.identityType).toBe('AssumedRoleUser');
    expect(body?.arn).toBe(`acs:ram::${ACCOUNT_ID}:assumed-role/admin/alice-session`);
    const assumed = await client.assumeRole(
      new AssumeRoleRequest({ roleArn: 'acs:ram::1:role/r', roleSessionName: 'ab' }),
    );
    expect(JSON.parse(assumed.body?.credentials?.securityToken ?? '{}').caller.principalType).toBe(
      'AssumedRoleUser',
    );
  });

  it('a temporary key with the wrong security token is refused with the resolver code', async () => {
    const error = await sdkError(
      stsClient({ ...TEMPORARY, securityToken: 'CAIS-other' }).getCallerIdentity(),
    );
    expect(error.code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
    expect(error.statusCode).toBe(400);
  });

  it('a wrong secret is SignatureDoesNotMatch, with our StringToSign and never the secret', async () => {
    const error = await sdkError(
      stsClient({ ...LONG_TERM, accessKeySecret: 'wrong-secret' }).getCallerIdentity(),
    );
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}/);
    expect(error.message).not.toContain(LONG_TERM.accessKeySecret);
  });

  it('unknown and inactive keys are refused with their codes', async () => {
    const unknown = await sdkError(
      stsClient({ accessKeyId: 'LTAI5tNobody', accessKeySecret: 'x' }).getCallerIdentity(),
    );
    expect([unknown.code, unknown.statusCode]).toEqual(['InvalidAccessKeyId.NotFound', 404]);
    const inactive = await sdkError(stsClient(INACTIVE).getCallerIdentity());
    expect([inactive.code, inactive.statusCode]).toEqual(['InvalidAccessKeyId.Inactive', 400]);
  });

  it('a replayed nonce is refused (SignatureNonceUsed); the first use succeeds', async () => {
    const runtime = pinnedHeaders({ 'x-acs-signature-nonce': randomBytes(16).toString('hex') });
    const client = stsClient(LONG_TERM);
    await expect(client.getCallerIdentityWithOptions(runtime)).resolves.toBeDefined();
    const error = await sdkError(client.getCallerIdentityWithOptions(runtime));
    expect(error.code).toBe('SignatureNonceUsed');
  });

  it('a stale or badly formatted x-acs-date is refused', async () => {
    const stale = new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const expired = await sdkError(
      stsClient(LONG_TERM).getCallerIdentityWithOptions(pinnedHeaders({ 'x-acs-date': stale })),
    );
    expect(expired.code).toBe('InvalidTimeStamp.Expired');
    expect(expired.message).toContain('x-acs-date');
    const future = new Date(Date.now() + 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const early = await sdkError(
      stsClient(LONG_TERM).getCallerIdentityWithOptions(pinnedHeaders({ 'x-acs-date': future })),
    );
    expect(early.code).toBe('InvalidTimeStamp.Expired');
    const malformed = await sdkError(
      stsClient(LONG_TERM).getCallerIdentityWithOptions(
        pinnedHeaders({ 'x-acs-date': 'Sun, 22 Nov 2026 16:00:00 GMT' }),
      ),
    );
    expect(malformed.code).toBe('InvalidTimeStamp.Format');
  });
});

describe('STS SDK, canonicalization of arbitrary values (property)', () => {
  it('any RoleSessionName / Policy text is signed by the SDK and verified by us, byte for byte', async () => {
    const client = stsClient(LONG_TERM);
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(text, text, async (roleSessionName, policy) => {
        const { body } = await client.assumeRole(
          new AssumeRoleRequest({ roleArn: 'acs:ram::1:role/r', roleSessionName, policy }),
        );
        expect(JSON.parse(body?.credentials?.securityToken ?? '{}').params).toEqual({
          RoleArn: 'acs:ram::1:role/r',
          RoleSessionName: roleSessionName,
          Policy: policy,
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('STS SDK, anonymous AssumeRoleWithSAML', () => {
  it('accepts a 90,000-character SAMLAssertion in the query string of a POST', async () => {
    const assertion = randomBytes(67_500).toString('base64');
    expect(assertion.length).toBe(90_000);
    const { body } = await stsClient().assumeRoleWithSAML(
      new AssumeRoleWithSAMLRequest({
        SAMLAssertion: assertion,
        roleArn: `acs:ram::${ACCOUNT_ID}:role/admin`,
        SAMLProviderArn: `acs:ram::${ACCOUNT_ID}:saml-provider/okta`,
      }),
    );
    expect(body?.SAMLAssertionInfo?.subject).toBe('90000');
    expect(body?.credentials?.securityToken).toBe('caller=none');
    expect(body?.assumedRoleUser?.arn).toBe(`acs:ram::${ACCOUNT_ID}:role/admin`);
  });
});
