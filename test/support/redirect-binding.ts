/**
 * HTTP-Redirect binding (SAML bindings §3.4.4.1) for tests: DEFLATE + base64 + URL-encode the
 * message and sign the octet string `SAMLRequest=…&RelayState=…&SigAlg=…` with a test key.
 */
import { deflateRawSync } from 'node:zlib';
import type { KeyObject } from 'node:crypto';
import { ALG, signerFor } from './xml-sign.js';

export type RedirectParam = 'SAMLRequest' | 'SAMLResponse';

export interface RedirectOptions {
  /** The message XML (AuthnRequest, LogoutRequest, …) or already-deflated bytes. */
  message: string | Buffer;
  param?: RedirectParam;
  relayState?: string;
  /** Sign with this key (a string: HMAC secret); unsigned when absent. */
  key?: KeyObject | string;
  /** SigAlg URI (default rsa-sha256). */
  sigAlg?: string;
}

export interface RedirectQuery {
  /** The full query string (no leading '?'), Signature last. */
  query: string;
  /** The exact octets that were signed. */
  signedOctets: string;
  signature?: string;
}

export function deflateBase64(message: string | Buffer): string {
  const raw = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return deflateRawSync(raw).toString('base64');
}

/** Builds (and signs, given a key) a Redirect-binding query. */
export function redirectQuery(opts: RedirectOptions): RedirectQuery {
  const parts = [`${opts.param ?? 'SAMLRequest'}=${encodeURIComponent(deflateBase64(opts.message))}`];
  if (opts.relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(opts.relayState)}`);
  if (!opts.key) return { query: parts.join('&'), signedOctets: '' };
  const sigAlg = opts.sigAlg ?? ALG.rsaSha256;
  parts.push(`SigAlg=${encodeURIComponent(sigAlg)}`);
  const signedOctets = parts.join('&');
  const signature = signerFor(sigAlg, opts.key)(Buffer.from(signedOctets, 'utf8')).toString('base64');
  return { query: `${signedOctets}&Signature=${encodeURIComponent(signature)}`, signedOctets, signature };
}
