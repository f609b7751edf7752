/** The official IMS SDK (@alicloud/ims20190815) against the RPC adapter: signed calls of another product. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import Ims, { GetSAMLProviderRequest, ListSAMLProvidersRequest } from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import { ACCOUNT_ID, LONG_TERM, TEMPORARY, startRpcApp, type RunningApp } from './rpc-test-app.js';

// Node's ESM loader exposes the CJS module object as the default export, vitest the class itself.
const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;

let app: RunningApp;
beforeAll(async () => {
  app = await startRpcApp();
});
afterAll(() => app.close());

function imsClient(credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) {
  return new ImsClient(
    new OpenApi.$OpenApiUtil.Config({ endpoint: app.endpoint, protocol: 'http', ...credentials }),
  );
}

it('getSAMLProvider: the parameter and the verified caller reach the handler; the body parses', async () => {
  const { body } = await imsClient(LONG_TERM).getSAMLProvider(
    new GetSAMLProviderRequest({ SAMLProviderName: 'okta-prod.1' }),
  );
  expect(body?.SAMLProvider?.SAMLProviderName).toBe('okta-prod.1');
  expect(body?.SAMLProvider?.arn).toBe(`acs:ram::${ACCOUNT_ID}:user/alice`);
  const echoed = JSON.parse(body?.SAMLProvider?.description ?? '{}');
  expect(echoed).toMatchObject({
    AccessKeyId: LONG_TERM.accessKeyId,
    Params: { SAMLProviderName: 'okta-prod.1' },
  });
});

it('listSAMLProviders with temporary credentials parses the SAMLProviders.SAMLProvider wrapper', async () => {
  const { body } = await imsClient(TEMPORARY).listSAMLProviders(
    new ListSAMLProvidersRequest({ maxItems: 10 }),
  );
  expect(body?.isTruncated).toBe(false);
  expect(body?.SAMLProviders?.SAMLProvider?.map((p) => p.arn)).toEqual([
    `acs:ram::${ACCOUNT_ID}:saml-provider/okta`,
  ]);
});

it('a wrong secret surfaces our SignatureDoesNotMatch code through the IMS SDK', async () => {
  const error = (await imsClient({ ...LONG_TERM, accessKeySecret: 'nope' })
    .listSAMLProviders(new ListSAMLProvidersRequest({}))
    .catch((e: unknown) => e)) as { code?: string; statusCode?: number; data?: Record<string, unknown> };
  expect(error.code).toBe('SignatureDoesNotMatch');
  expect(error.statusCode).toBe(400);
  expect(error.data).toMatchObject({ HostId: 'sts.ramgate.test', Code: 'SignatureDoesNotMatch' });
});
