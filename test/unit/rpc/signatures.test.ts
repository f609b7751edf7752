/** Our signature computations against the official SDK's own signing functions, on random requests. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as OpenApi from '@alicloud/openapi-core';
import {
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  percentEncode,
  rpcV1Signature,
  rpcV1StringToSign,
  signaturesEqual,
} from '../../../src/http/rpc/signatures.js';

const { OpenApiUtil } = OpenApi;
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,20}$/);
const value = fc.string({ unit: 'grapheme', maxLength: 40 });
const params = fc.dictionary(name, value, { maxKeys: 12, noNullPrototype: true });
const secret = fc.string({ minLength: 1, maxLength: 40 });
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);

describe('RPC v1 HMAC-SHA1', () => {
  it('equals OpenApiUtil.getRPCSignature for any parameters, method and secret', () => {
    fc.assert(
      fc.property(params, fc.constantFrom('GET', 'POST'), secret, (p, method, key) => {
        const ours = rpcV1Signature(rpcV1StringToSign(method, new Map(Object.entries(p))), key);
        expect(ours).toBe(OpenApiUtil.getRPCSignature(p, method, key));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves the Signature parameter out of the string to sign', () => {
    const withSignature = new Map([
      ['A', '1'],
      ['Signature', 'x'],
    ]);
    expect(rpcV1StringToSign('GET', withSignature)).toBe('GET&%2F&A%3D1');
  });
});

describe('ACS3-HMAC-SHA256', () => {
  it('equals the Signature of OpenApiUtil.getAuthorization for any query, headers and payload', () => {
    const headers = fc.dictionary(fc.stringMatching(/^x-acs-[a-z0-9-]{1,12}$/), headerValue, {
      minKeys: 1,
      maxKeys: 6,
    });
    fc.assert(
      fc.property(params, headers, headerValue, secret, fc.string(), (query, acsHeaders, host, key, body) => {
        const all = { host, 'content-type': 'application/x-www-form-urlencoded', ...acsHeaders };
        const payload = OpenApiUtil.hash(Buffer.from(body), 'ACS3-HMAC-SHA256').toString('hex');
        const request = { method: 'POST', pathname: '/', query, headers: all } as unknown as Parameters<
          typeof OpenApiUtil.getAuthorization
        >[0];
        const authorization = OpenApiUtil.getAuthorization(request, 'ACS3-HMAC-SHA256', payload, 'AK', key);
        const ours = acs3Signature(
          acs3StringToSign(
            acs3CanonicalRequest({
              method: 'POST',
              canonicalUri: '/',
              query: new Map(Object.entries(query)),
              signedHeaders: Object.keys(all).sort(),
              headerValues: (h) => [all[h as keyof typeof all] ?? ''],
              payloadHash: payload,
            }),
          ),
          key,
        );
        expect(authorization).toBe(
          `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=${Object.keys(all).sort().join(';')},Signature=${ours}`,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('helpers', () => {
  it('percentEncode is RFC 3986: only unreserved characters stay', () => {
    expect(percentEncode("a b*c(d)e!f'g~h-_.")).toBe('a%20b%2Ac%28d%29e%21f%27g~h-_.');
    expect(percentEncode('é/+=')).toBe('%C3%A9%2F%2B%3D');
  });

  it('signaturesEqual compares whole strings', () => {
    expect(signaturesEqual('abc', 'abc')).toBe(true);
    expect(signaturesEqual('abc', 'abd')).toBe(false);
    expect(signaturesEqual('abc', 'ab')).toBe(false);
  });
});
