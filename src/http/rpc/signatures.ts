/**
 * The two signature schemes of Alibaba's official SDKs, computed exactly as they compute them
 * (`@alicloud/openapi-core` utils `getRPCSignature` / `getAuthorization`, `@alicloud/pop-core`).
 */
import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../core/constant-time.js';

/** RFC 3986 percent-encoding as the SDKs do it: encodeURIComponent plus `!'()*`. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Constant-time comparison of two signature strings. */
export function signaturesEqual(expected: string, received: string): boolean {
  return constantTimeEqual(expected, received);
}

/** Names sorted as the SDKs sort them: JavaScript's default UTF-16 code unit order. */
function sortedNames(params: ReadonlyMap<string, string>): string[] {
  return [...params.keys()].sort();
}

// --- RPC v1: HMAC-SHA1 -------------------------------------------------------------------

/** `METHOD&%2F&percentEncode(k1=v1&k2=v2…)` over every parameter but Signature, names sorted. */
export function rpcV1StringToSign(method: string, params: ReadonlyMap<string, string>): string {
  const canonicalized = sortedNames(params)
    .filter((name) => name !== 'Signature')
    .map((name) => `${percentEncode(name)}=${percentEncode(params.get(name) ?? '')}`)
    .join('&');
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalized)}`;
}

export function rpcV1Signature(stringToSign: string, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

// --- ACS3-HMAC-SHA256 --------------------------------------------------------------------

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** Sorted `name=percentEncode(value)`; the SDK leaves names unencoded, so do we. */
export function acs3CanonicalQuery(query: ReadonlyMap<string, string>): string {
  return sortedNames(query)
    .map((name) => `${name}=${percentEncode(query.get(name) ?? '')}`)
    .join('&');
}

/** `name:value\n` per signed header; repeated headers joined as the SDK does (trimmed, sorted, ","). */
export function acs3CanonicalHeaders(
  signedHeaders: readonly string[],
  valuesOf: (name: string) => string[],
): string {
  return signedHeaders
    .map(
      (name) =>
        `${name}:${valuesOf(name)
          .map((value) => value.trim())
          .sort()
          .join(',')}\n`,
    )
    .join('');
}

export type Acs3RequestParts = {
  method: string;
  canonicalUri: string;
  query: ReadonlyMap<string, string>;
  signedHeaders: readonly string[];
  headerValues: (name: string) => string[];
  payloadHash: string;
};

export function acs3CanonicalRequest(parts: Acs3RequestParts): string {
  return [
    parts.method,
    parts.canonicalUri,
    acs3CanonicalQuery(parts.query),
    acs3CanonicalHeaders(parts.signedHeaders, parts.headerValues),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

export function acs3Signature(stringToSign: string, secret: string): string {
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}
