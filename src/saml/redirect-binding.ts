/**
 * Parsing an HTTP-Redirect binding message (SAML bindings §3.4): raw query in, inflated XML out.
 * Duplicate parameters are refused, inflation is capped, SigAlg is on an allow-list, and the signature
 * is verified over the raw, as-received octets `SAMLRequest|SAMLResponse=…&RelayState=…&SigAlg=…`.
 */
import { verify, type KeyObject } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';

export type RedirectSignAlgo = 'rsa-sha256' | 'rsa-sha1';

export const SIG_ALG_URIS: Record<RedirectSignAlgo, string> = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
};

/** SigAlg URI → node digest name. SHA-1 is looked up separately, only when allowed. */
const STRONG_SIG_ALGS: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': 'sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': 'sha384',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': 'sha512',
};

export const MAX_REDIRECT_QUERY_LENGTH = 64 * 1024;
export const MAX_INFLATED_LENGTH = 256 * 1024;

export interface ParseRedirectOptions {
  /** Keys from the peer's metadata; when given a valid signature is required. */
  keys?: readonly KeyObject[];
  allowSha1?: boolean;
  maxInflatedLength?: number;
}

export interface RedirectMessage {
  kind: 'SAMLRequest' | 'SAMLResponse';
  xml: string;
  relayState?: string;
  sigAlg?: string;
  signed: boolean;
}

export class RedirectBindingError extends Error {
  override name = 'RedirectBindingError';
}

function fail(message: string): never {
  throw new RedirectBindingError(message);
}

function decodeComponent(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    fail(`${name} is not valid percent-encoding`);
  }
}

/** name → raw (still encoded) value, refusing duplicates of the binding's parameters. */
function rawParameters(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  const known = new Set(['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature']);
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    if (!known.has(name)) continue;
    if (params.has(name)) fail(`parameter ${name} appears more than once`);
    params.set(name, value);
  }
  return params;
}

function digestFor(sigAlg: string, allowSha1: boolean): string {
  const strong = STRONG_SIG_ALGS[sigAlg];
  if (strong) return strong;
  if (allowSha1 && sigAlg === SIG_ALG_URIS['rsa-sha1']) return 'sha1';
  return fail(`SigAlg ${sigAlg} is not allowed`);
}

function inflate(encoded: string, max: number): string {
  const compact = encoded.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact))
    fail('the message is not strict base64');
  try {
    return inflateRawSync(Buffer.from(compact, 'base64'), { maxOutputLength: max }).toString('utf8');
  } catch (err) {
    if (err instanceof RangeError) fail(`the inflated message exceeds ${max} bytes`);
    return fail('the message does not inflate (not DEFLATE data)');
  }
}

export function parseRedirectMessage(rawQuery: string, opts: ParseRedirectOptions = {}): RedirectMessage {
  if (rawQuery.length > MAX_REDIRECT_QUERY_LENGTH)
    fail(`the query exceeds ${MAX_REDIRECT_QUERY_LENGTH} characters`);
  const params = rawParameters(rawQuery);
  const hasRequest = params.has('SAMLRequest');
  if (hasRequest === params.has('SAMLResponse'))
    fail('exactly one of SAMLRequest and SAMLResponse is required');
  const kind = hasRequest ? 'SAMLRequest' : 'SAMLResponse';
  const rawMessage = params.get(kind) as string;
  const rawRelay = params.get('RelayState');
  const rawSigAlg = params.get('SigAlg');
  const rawSignature = params.get('Signature');
  const relayState = rawRelay === undefined ? undefined : decodeComponent(rawRelay, 'RelayState');
  if (relayState !== undefined && Buffer.byteLength(relayState) > 80) fail('RelayState exceeds 80 bytes');
  const sigAlg = rawSigAlg === undefined ? undefined : decodeComponent(rawSigAlg, 'SigAlg');

  let signed = false;
  if (opts.keys !== undefined) {
    if (rawSignature === undefined || sigAlg === undefined)
      fail('the message is not signed (Signature and SigAlg required)');
    const digest = digestFor(sigAlg, opts.allowSha1 ?? false);
    let octets = `${kind}=${rawMessage}`;
    if (rawRelay !== undefined) octets += `&RelayState=${rawRelay}`;
    octets += `&SigAlg=${rawSigAlg}`;
    const signature = Buffer.from(decodeComponent(rawSignature, 'Signature'), 'base64');
    const data = Buffer.from(octets, 'utf8');
    const ecdsa = sigAlg.includes('#ecdsa-');
    signed = opts.keys.some((key) => {
      if ((key.asymmetricKeyType === 'ec') !== ecdsa) return false;
      // XML-DSig ECDSA signatures are r||s (IEEE P1363), not DER.
      return verify(digest, data, ecdsa ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
    });
    if (!signed) fail('the signature does not verify with any key of the peer');
  }
  const xml = inflate(decodeComponent(rawMessage, kind), opts.maxInflatedLength ?? MAX_INFLATED_LENGTH);
  return {
    kind,
    xml,
    signed,
    ...(relayState !== undefined ? { relayState } : {}),
    ...(sigAlg !== undefined ? { sigAlg } : {}),
  };
}
