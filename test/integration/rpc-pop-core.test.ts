/** @alicloud/pop-core's RPCClient (RPC v1, HMAC-SHA1) against the RPC adapter. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import RPCClient from '@alicloud/pop-core';
import { ACCOUNT_ID, LONG_TERM, TEMPORARY, startRpcApp, type RunningApp } from './rpc-test-app.js';

type Identity = { RequestId: string; AccountId: string; Arn: string; IdentityType: string };
type PopError = { code?: string; message: string; data?: Record<string, unknown> };

let app: RunningApp;
beforeAll(async () => {
  app = await startRpcApp();
});
afterAll(() => app.close());

function popClient(credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) {
  return new RPCClient({ endpoint: `http://${app.endpoint}`, apiVersion: '2015-04-01', ...credentials });
}

async function popError(promise: Promise<unknown>): Promise<PopError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should have failed').toBeDefined();
  return error as PopError;
}

const utcSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('pop-core RPCClient, HMAC-SHA1', () => {
  for (const method of ['POST', 'GET']) {
    it(`GetCallerIdentity by ${method} is verified and answered`, async () => {
      const identity = await popClient(LONG_TERM).request<Identity>('GetCallerIdentity', {}, { method });
      expect(identity).toMatchObject({
        AccountId: ACCOUNT_ID,
        Arn: `acs:ram::${ACCOUNT_ID}:user/alice`,
        IdentityType: 'RAMUser',
      });
    });
  }

  it('temporary credentials sign with the SecurityToken parameter', async () => {
    const identity = await popClient(TEMPORARY).request<Identity>(
      'GetCallerIdentity',
      {},
      { method: 'POST' },
    );
    expect(identity.IdentityType).toBe('AssumedRoleUser');
  });

  it('business parameters with reserved characters survive the v1 canonicalization', async () => {
    const params = { RoleArn: `acs:ram::${ACCOUNT_ID}:role/a b`, RoleSessionName: "x*(y)!'~+/=é" };
    const result = await popClient(LONG_TERM).request<{ Credentials: { SecurityToken: string } }>(
      'AssumeRole',
      params,
      { method: 'POST' },
    );
    expect(JSON.parse(result.Credentials.SecurityToken).params).toEqual(params);
  });

  it('a wrong secret is SignatureDoesNotMatch with the v1 StringToSign', async () => {
    const error = await popError(
      popClient({ ...LONG_TERM, accessKeySecret: 'bad' }).request(
        'GetCallerIdentity',
        {},
        { method: 'POST' },
      ),
    );
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.message).toContain('server string to sign is:POST&%2F&AccessKeyId%3D');
    expect(error.message).not.toContain(LONG_TERM.accessKeySecret);
  });

  it('a replayed SignatureNonce is refused', async () => {
    const nonce = { SignatureNonce: randomBytes(12).toString('hex') };
    const client = popClient(LONG_TERM);
    await expect(client.request('GetCallerIdentity', nonce, { method: 'POST' })).resolves.toBeDefined();
    const error = await popError(client.request('GetCallerIdentity', nonce, { method: 'POST' }));
    expect(error.code).toBe('SignatureNonceUsed');
  });

  it('a Timestamp outside ±15 minutes is InvalidTimeStamp.Expired; a malformed one .Format', async () => {
    const client = popClient(LONG_TERM);
    const old = await popError(
      client.request(
        'GetCallerIdentity',
        { Timestamp: utcSeconds(Date.now() - 16 * 60_000) },
        { method: 'POST' },
      ),
    );
    expect(old.code).toBe('InvalidTimeStamp.Expired');
    expect(old.message).toContain('Specified Timestamp');
    const bad = await popError(
      client.request('GetCallerIdentity', { Timestamp: '2026-13-01T00:00:00Z' }, { method: 'POST' }),
    );
    expect(bad.code).toBe('InvalidTimeStamp.Format');
    await expect(
      client.request(
        'GetCallerIdentity',
        { Timestamp: utcSeconds(Date.now() - 14 * 60_000) },
        { method: 'POST' },
      ),
    ).resolves.toBeDefined();
  });

  it('an unknown action and a wrong version are named in the error', async () => {
    const unknown = await popError(popClient(LONG_TERM).request('NoSuchAction', {}, { method: 'POST' }));
    expect(unknown.code).toBe('InvalidAction.NotFound');
    const client = new RPCClient({
      endpoint: `http://${app.endpoint}`,
      apiVersion: '2019-08-15',
      ...LONG_TERM,
    });
    const version = await popError(client.request('GetCallerIdentity', {}, { method: 'POST' }));
    expect(version.code).toBe('InvalidVersion.NotFound');
    expect(version.message).toContain('2015-04-01');
  });

  it('any parameter names and values reach the handler unchanged (property)', async () => {
    const client = new RPCClient({
      endpoint: `http://${app.endpoint}`,
      apiVersion: '2000-01-01',
      ...LONG_TERM,
    });
    // pop-core parses answers with json-bigint, which refuses any key containing __proto__ or
    // constructor (its prototype-poisoning guard): a limit of this client, not of the gateway
    // (rpc-protocol sends a __proto__ parameter itself).
    const name = fc
      .stringMatching(/^[A-Z][A-Za-z0-9._-]{0,15}$/)
      .filter((n) => !n.startsWith('Signature') && !/__proto__|constructor/.test(n));
    const reserved = new Set(['Action', 'Version', 'Format', 'AccessKeyId', 'Timestamp', 'SecurityToken']);
    const params = fc.dictionary(
      name.filter((n) => !reserved.has(n)),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      {
        maxKeys: 8,
        noNullPrototype: true,
      },
    );
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom('GET', 'POST'), async (p, method) => {
        const echoed = await client.request<{ Params: Record<string, string> }>('Echo', p, { method });
        expect(echoed.Params).toEqual(p);
      }),
      { numRuns: 40 },
    );
  });
});
