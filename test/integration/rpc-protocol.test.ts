/** The RPC adapter's protocol rules over raw HTTP: envelopes, parameters, limits and tampered signatures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG_TERM, startRpcApp, type RunningApp } from './rpc-test-app.js';
import { rpcV1Signature, rpcV1StringToSign } from '../../src/http/rpc/signatures.js';
import { queryString, sdkSignedHeaders, sdkSignedV1Params, send } from './rpc-http-client.js';

let app: RunningApp;
beforeAll(async () => {
  app = await startRpcApp();
});
afterAll(() => app.close());

const anonymous = {
  Action: 'AssumeRoleWithSAML',
  Version: '2015-04-01',
  RoleArn: 'acs:ram::1:role/r',
  SAMLAssertion: 'abcd',
};
const form = { 'content-type': 'application/x-www-form-urlencoded' };

function expectError(
  response: { status: number; headers: Record<string, unknown>; body: Record<string, unknown> },
  code: string,
  status: number,
) {
  expect(response.body.Code).toBe(code);
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ HostId: 'sts.ramgate.test' });
  expect(response.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  expect(response.headers['x-acs-request-id']).toBe(response.body.RequestId);
  expect(Object.keys(response.body).sort()).toEqual(['Code', 'HostId', 'Message', 'RequestId']);
}

describe('envelopes and dispatch', () => {
  it('answers JSON with RequestId first, from query or form parameters', async () => {
    const byQuery = await send(app.port, { path: `/?${queryString(anonymous)}` });
    expect(byQuery.status).toBe(200);
    expect(Object.keys(byQuery.body)[0]).toBe('RequestId');
    expect(byQuery.headers['content-type']).toBe('application/json;charset=utf-8');
    const byForm = await send(app.port, { headers: form, body: queryString(anonymous) });
    expect(byForm.body.SAMLAssertionInfo).toMatchObject({ Subject: '4' });
  });

  it('every request gets its own request id', async () => {
    const [a, b] = await Promise.all(
      [1, 2].map(() => send(app.port, { path: `/?${queryString(anonymous)}` })),
    );
    expect(a?.body.RequestId).not.toBe(b?.body.RequestId);
  });

  it('a bare GET or HEAD / is not an RPC call and is left to the rest of the app', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await send(app.port, { method });
      expect(response.status).toBe(404);
      expect(response.headers['x-acs-request-id']).toBeUndefined();
    }
    const post = await send(app.port, {});
    expect([post.status, post.body.Code]).toEqual([400, 'MissingParameter']);
  });

  it('refuses other methods, missing Action/Version, unknown actions and versions', async () => {
    expectError(
      await send(app.port, { method: 'PUT', path: `/?${queryString(anonymous)}` }),
      'UnsupportedHTTPMethod',
      405,
    );
    expectError(await send(app.port, { path: '/?Version=2015-04-01' }), 'MissingParameter', 400);
    expectError(await send(app.port, { path: '/?Action=GetCallerIdentity' }), 'MissingParameter', 400);
    expectError(
      await send(app.port, { path: '/?Action=Nope&Version=2015-04-01' }),
      'InvalidAction.NotFound',
      404,
    );
    expectError(
      await send(app.port, { path: '/?Action=AssumeRoleWithSAML&Version=2019-08-15' }),
      'InvalidVersion.NotFound',
      404,
    );
  });

  it('takes Action/Version from x-acs-* headers, and refuses a parameter that contradicts its header', async () => {
    const { Action: _a, Version: _v, ...rest } = anonymous;
    const headers = { 'x-acs-action': 'AssumeRoleWithSAML', 'x-acs-version': '2015-04-01' };
    expect((await send(app.port, { path: `/?${queryString(rest)}`, headers })).status).toBe(200);
    const conflict = await send(app.port, {
      path: `/?${queryString(anonymous)}`,
      headers: { 'x-acs-action': 'AssumeRole' },
    });
    expectError(conflict, 'InvalidParameter', 400);
  });

  it('Format: json/JSON accepted, XML refused with InvalidParameter.Format', async () => {
    expect(
      (await send(app.port, { path: `/?${queryString({ ...anonymous, Format: 'json' })}` })).status,
    ).toBe(200);
    expect(
      (await send(app.port, { path: `/?${queryString({ ...anonymous, Format: 'JSON' })}` })).status,
    ).toBe(200);
    expectError(
      await send(app.port, { path: `/?${queryString({ ...anonymous, Format: 'XML' })}` }),
      'InvalidParameter.Format',
      400,
    );
  });

  it('anonymous actions ignore a signature; signed actions require one', async () => {
    const bogus = { ...anonymous, AccessKeyId: 'LTAIx', Signature: 'garbage', SignatureMethod: 'HMAC-SHA1' };
    const response = await send(app.port, { path: `/?${queryString(bogus)}` });
    expect(response.status).toBe(200);
    expect(response.body.Credentials).toMatchObject({ SecurityToken: 'caller=none' });
    expectError(
      await send(app.port, { path: '/?Action=GetCallerIdentity&Version=2015-04-01' }),
      'IncompleteSignature',
      400,
    );
  });

  it('a crashing handler is InternalError without its details, reported to onUnexpectedError', async () => {
    const response = await send(app.port, { path: '/?Action=Crash&Version=2000-01-01' });
    expectError(response, 'InternalError', 500);
    expect(JSON.stringify(response.body)).not.toContain('secret detail');
    expect(app.unexpected.some((e) => e instanceof Error && e.message === 'secret detail')).toBe(true);
  });
});

describe('audit outcome', () => {
  it('reports action, signer, status and error code of each request', async () => {
    const ok = await send(app.port, { path: `/?${queryString(anonymous)}` });
    const refused = await send(app.port, { path: '/?Action=GetCallerIdentity&Version=2015-04-01' });
    const byId = (id: unknown) => app.outcomes.find((o) => o.requestId === id);
    expect(byId(ok.body.RequestId)).toMatchObject({
      product: 'Sts',
      action: 'AssumeRoleWithSAML',
      status: 200,
    });
    expect(byId(ok.body.RequestId)?.code).toBeUndefined();
    expect(byId(refused.body.RequestId)).toMatchObject({
      action: 'GetCallerIdentity',
      status: 400,
      code: 'IncompleteSignature',
    });
  });
});

describe('parameter parsing and limits', () => {
  it('refuses repeated, conflicting, malformed and unencoded parameters', async () => {
    const base = queryString(anonymous);
    expectError(await send(app.port, { path: `/?${base}&RoleArn=x` }), 'InvalidParameter', 400);
    expectError(
      await send(app.port, { path: `/?${base}`, headers: form, body: 'RoleArn=y' }),
      'InvalidParameter',
      400,
    );
    expectError(await send(app.port, { path: `/?${base}&X=%E0%A4` }), 'InvalidParameter', 400);
    expectError(await send(app.port, { path: `/?${base}&X=%zz` }), 'InvalidParameter', 400);
    expectError(await send(app.port, { headers: form, body: `${base}&X=\u00e9` }), 'InvalidParameter', 400);
  });

  it('refuses a body that is not a UTF-8 form, and compressed bodies', async () => {
    const body = queryString(anonymous);
    expectError(
      await send(app.port, { headers: { 'content-type': 'application/json' }, body }),
      'InvalidParameter',
      400,
    );
    expectError(
      await send(app.port, {
        headers: { 'content-type': `${form['content-type']}; charset=iso-8859-1` },
        body,
      }),
      'InvalidParameter',
      400,
    );
    expectError(
      await send(app.port, { headers: { ...form, 'content-encoding': 'gzip' }, body }),
      'InvalidParameter',
      400,
    );
  });

  it('refuses a repeated x-acs-* header', async () => {
    const { Action: _a, ...rest } = anonymous;
    const response = await send(app.port, {
      path: `/?${queryString(rest)}`,
      headers: { 'x-acs-action': ['AssumeRoleWithSAML', 'AssumeRole'] as unknown as string },
    });
    expectError(response, 'InvalidParameter', 400);
    expect(response.body.Message).toContain('x-acs-action');
  });

  it('a form body over 256 KiB is RequestTooLarge, declared or chunked, and the connection closes', async () => {
    const body = `${queryString(anonymous)}&Big=${'a'.repeat(260 * 1024)}`;
    const declared = await send(app.port, { headers: form, body });
    expectError(declared, 'RequestTooLarge', 413);
    expect(declared.headers.connection).toBe('close');
    expectError(await send(app.port, { headers: form, body, chunked: true }), 'RequestTooLarge', 413);
  });

  it('more than 200 parameters is RequestTooLarge', async () => {
    const many = Array.from({ length: 201 }, (_, i) => `P${i}=1`).join('&');
    expectError(
      await send(app.port, { path: `/?${queryString(anonymous)}&${many}` }),
      'RequestTooLarge',
      413,
    );
  });

  it('a query string beyond the 256 KiB header limit gets an Alibaba error body, not a bare 431', async () => {
    const response = await send(app.port, {
      path: `/?${queryString(anonymous)}&Big=${'a'.repeat(300 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ Code: 'RequestTooLarge' });
    expect(response.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });
});

describe('ACS3 requests signed by the SDK signer, then altered', () => {
  const signed = (extra?: Record<string, string>, body?: string, query?: Record<string, string>) =>
    sdkSignedHeaders({
      port: app.port,
      action: 'Echo',
      version: '2000-01-01',
      accessKeyId: LONG_TERM.accessKeyId,
      secret: LONG_TERM.accessKeySecret,
      ...(extra === undefined ? {} : { extra }),
      ...(body === undefined ? {} : { body }),
      ...(query === undefined ? {} : { query }),
    });

  it('the untouched request passes, with form body and query parameters delivered to the handler', async () => {
    const body = 'Name=a%20b&Note=%F0%9F%94%91';
    const response = await send(app.port, {
      path: '/?Q=1%2B1',
      headers: signed(undefined, body, { Q: '1+1' }),
      body,
    });
    expect(response.status).toBe(200);
    expect(response.body.Params).toEqual({ Q: '1+1', Name: 'a b', Note: '\u{1F511}' });
    expect(response.body.Caller).toMatchObject({ userName: 'alice' });
  });

  it('a body changed after signing fails the payload hash', async () => {
    const response = await send(app.port, { headers: signed(undefined, 'Name=a'), body: 'Name=b' });
    expectError(response, 'SignatureDoesNotMatch', 400);
    expect(response.body.Message).toContain('x-acs-content-sha256');
  });

  it('a query parameter added after signing breaks the signature', async () => {
    expectError(
      await send(app.port, { path: '/?Injected=1', headers: signed() }),
      'SignatureDoesNotMatch',
      400,
    );
  });

  it('an unsigned x-acs-* header, or a signed header left out, is IncompleteSignature', async () => {
    const headers = signed();
    expectError(
      await send(app.port, { headers: { ...headers, 'x-acs-security-token': 'smuggled' } }),
      'IncompleteSignature',
      400,
    );
    const { 'x-acs-date': _dropped, ...withoutDate } = headers;
    expectError(await send(app.port, { headers: withoutDate }), 'IncompleteSignature', 400);
  });

  it('an unsupported algorithm or a malformed Authorization header is IncompleteSignature', async () => {
    const headers = signed();
    const sm3 = headers.authorization?.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3') ?? '';
    expectError(
      await send(app.port, { headers: { ...headers, authorization: sm3 } }),
      'IncompleteSignature',
      400,
    );
    expectError(
      await send(app.port, { headers: { ...headers, authorization: 'acs LTAI:abc' } }),
      'IncompleteSignature',
      400,
    );
  });

  it('an over-long or oddly formed AccessKeyId never reaches the resolver', async () => {
    const headers = signed();
    const long = headers.authorization?.replace(LONG_TERM.accessKeyId, 'A'.repeat(200)) ?? '';
    expectError(
      await send(app.port, { headers: { ...headers, authorization: long } }),
      'InvalidAccessKeyId.NotFound',
      404,
    );
  });
});

describe('RPC v1 requests signed by the SDK signer', () => {
  it('refuses an action taken from the unsigned x-acs-action header; accepts an empty SignatureType (Go, Python SDKs)', async () => {
    const params = sdkSignedV1Params({ Version: '2000-01-01' }, LONG_TERM);
    const response = await send(app.port, {
      headers: { ...form, 'x-acs-action': 'Echo' },
      body: queryString(params),
    });
    expectError(response, 'MissingParameter', 400);
    expect(response.body.Message).toContain('"Action"');
    const signedAction = sdkSignedV1Params(
      { Version: '2000-01-01', Action: 'Echo', SignatureType: '' },
      LONG_TERM,
    );
    const accepted = await send(app.port, {
      headers: { ...form, 'x-acs-action': 'Echo' },
      body: queryString(signedAction),
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.AccessKeyId).toBe(LONG_TERM.accessKeyId);
  });

  it('a parameter named __proto__ reaches the handler like any other name', async () => {
    // The SDK's signer copies parameters into a plain object and so loses __proto__: sign with ours.
    const business = JSON.parse('{"__proto__":"x","A__proto__":"y"}') as Record<string, string>;
    const { Signature: _sdkSignature, ...unsigned } = sdkSignedV1Params(
      { Version: '2000-01-01', Action: 'Echo', ...business },
      LONG_TERM,
    );
    const entries = Object.entries(unsigned);
    const signature = rpcV1Signature(rpcV1StringToSign('POST', new Map(entries)), LONG_TERM.accessKeySecret);
    const body = new URLSearchParams([...entries, ['Signature', signature]]).toString();
    const response = await send(app.port, { headers: form, body });
    expect(response.status).toBe(200);
    const echoed = Object.entries(response.body.Params as Record<string, string>).sort();
    expect(echoed).toEqual([
      ['A__proto__', 'y'],
      ['__proto__', 'x'],
    ]);
  });

  it('a parameter changed after signing, or another SignatureMethod, is refused', async () => {
    const params = sdkSignedV1Params({ Version: '2000-01-01', Action: 'Echo', Name: 'a' }, LONG_TERM);
    const tampered = await send(app.port, { headers: form, body: queryString({ ...params, Name: 'b' }) });
    expectError(tampered, 'SignatureDoesNotMatch', 400);
    // @alicloud/credentials strips this exact prefix to compare the server's string to sign with its own.
    expect(tampered.body.Message).toMatch(
      /^Specified signature is not matched with our calculation\. server string to sign is:POST&%2F&/,
    );
    expect(tampered.body.Message).toContain('Name%3Db');
    const sha256 = sdkSignedV1Params(
      { Version: '2000-01-01', Action: 'Echo', SignatureMethod: 'HMAC-SHA256' },
      LONG_TERM,
    );
    expectError(
      await send(app.port, { headers: form, body: queryString(sha256) }),
      'IncompleteSignature',
      400,
    );
  });
});
