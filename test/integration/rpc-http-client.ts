/** A raw HTTP client for the RPC tests: full control over Host, headers and body (fetch has none). */
import { request } from 'node:http';
import { createHash } from 'node:crypto';
import * as OpenApi from '@alicloud/openapi-core';

export type RawResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
};

export function send(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    chunked?: boolean;
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: options.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    if (options.chunked && options.body !== undefined) {
      const body = Buffer.from(options.body);
      for (let offset = 0; offset < body.length; offset += 16 * 1024)
        req.write(body.subarray(offset, offset + 16 * 1024));
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

export const utcSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Headers of an ACS3-HMAC-SHA256 request signed by the SDK's own `getAuthorization`. */
export function sdkSignedHeaders(args: {
  port: number;
  action: string;
  version: string;
  query?: Record<string, string>;
  body?: string;
  accessKeyId: string;
  secret: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${args.port}`,
    'x-acs-action': args.action,
    'x-acs-version': args.version,
    'x-acs-date': utcSeconds(Date.now()),
    'x-acs-signature-nonce': createHash('sha256').update(Math.random().toString()).digest('hex'),
    'x-acs-content-sha256': createHash('sha256')
      .update(args.body ?? '')
      .digest('hex'),
    ...(args.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    ...args.extra,
  };
  const request = {
    method: 'POST',
    pathname: '/',
    query: args.query ?? {},
    headers,
  } as unknown as Parameters<typeof OpenApi.OpenApiUtil.getAuthorization>[0];
  const payload = headers['x-acs-content-sha256'] ?? '';
  headers.authorization = OpenApi.OpenApiUtil.getAuthorization(
    request,
    'ACS3-HMAC-SHA256',
    payload,
    args.accessKeyId,
    args.secret,
  );
  return headers;
}

export function queryString(query: Record<string, string>): string {
  return new URLSearchParams(query).toString();
}

/** RPC v1 parameters signed by the SDK's own `getRPCSignature` (HMAC-SHA1), fresh nonce and timestamp. */
export function sdkSignedV1Params(
  params: Record<string, string>,
  credentials: { accessKeyId: string; accessKeySecret: string },
  method = 'POST',
): Record<string, string> {
  const unsigned: Record<string, string> = {
    Format: 'JSON',
    AccessKeyId: credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: createHash('sha256').update(Math.random().toString()).digest('hex'),
    Timestamp: utcSeconds(Date.now()),
    ...params,
  };
  return {
    ...unsigned,
    Signature: OpenApi.OpenApiUtil.getRPCSignature(unsigned, method, credentials.accessKeySecret),
  };
}
