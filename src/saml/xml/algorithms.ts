/** Namespace and algorithm URIs of XML-DSig / XML-Enc, and the allow-lists checked before any crypto. */

export const NS = {
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  xenc11: 'http://www.w3.org/2009/xmlenc11#',
} as const;

export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface SignatureAlgorithm {
  readonly hash: string;
  readonly keyType: 'rsa' | 'ec';
  readonly sha1: boolean;
}

/** Everything else (HMAC, DSA, ecdsa-sha1, PSS, unknown) is refused. */
export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, SignatureAlgorithm> = new Map([
  ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', { hash: 'sha1', keyType: 'rsa', sha1: true }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', { hash: 'sha256', keyType: 'rsa', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', { hash: 'sha384', keyType: 'rsa', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', { hash: 'sha512', keyType: 'rsa', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', { hash: 'sha256', keyType: 'ec', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', { hash: 'sha384', keyType: 'ec', sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512', { hash: 'sha512', keyType: 'ec', sha1: false }],
]);

export interface DigestAlgorithm {
  readonly hash: string;
  readonly length: number;
  readonly sha1: boolean;
}

export const DIGEST_ALGORITHMS: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['http://www.w3.org/2000/09/xmldsig#sha1', { hash: 'sha1', length: 20, sha1: true }],
  ['http://www.w3.org/2001/04/xmlenc#sha256', { hash: 'sha256', length: 32, sha1: false }],
  ['http://www.w3.org/2001/04/xmldsig-more#sha384', { hash: 'sha384', length: 48, sha1: false }],
  ['http://www.w3.org/2001/04/xmlenc#sha512', { hash: 'sha512', length: 64, sha1: false }],
]);

export const RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
export const RSA_OAEP_11 = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';

/** OAEP digests for key transport (node applies the same hash to MGF1, so the MGF must match it). */
export const OAEP_DIGESTS: ReadonlyMap<string, string> = new Map([
  ['http://www.w3.org/2000/09/xmldsig#sha1', 'sha1'],
  ['http://www.w3.org/2001/04/xmlenc#sha256', 'sha256'],
  ['http://www.w3.org/2001/04/xmldsig-more#sha384', 'sha384'],
  ['http://www.w3.org/2001/04/xmlenc#sha512', 'sha512'],
]);

export const MGF1_HASHES: ReadonlyMap<string, string> = new Map([
  ['http://www.w3.org/2009/xmlenc11#mgf1sha1', 'sha1'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha256', 'sha256'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha384', 'sha384'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha512', 'sha512'],
]);

export interface DataAlgorithm {
  readonly cipher: 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' | 'aes-128-cbc' | 'aes-256-cbc';
  readonly keyLength: number;
  readonly gcm: boolean;
}

/** rsa-1_5, tripledes-cbc and everything unknown are refused; CBC only when the provider allows it. */
export const DATA_ALGORITHMS: ReadonlyMap<string, DataAlgorithm> = new Map([
  ['http://www.w3.org/2009/xmlenc11#aes128-gcm', { cipher: 'aes-128-gcm', keyLength: 16, gcm: true }],
  ['http://www.w3.org/2009/xmlenc11#aes192-gcm', { cipher: 'aes-192-gcm', keyLength: 24, gcm: true }],
  ['http://www.w3.org/2009/xmlenc11#aes256-gcm', { cipher: 'aes-256-gcm', keyLength: 32, gcm: true }],
  ['http://www.w3.org/2001/04/xmlenc#aes128-cbc', { cipher: 'aes-128-cbc', keyLength: 16, gcm: false }],
  ['http://www.w3.org/2001/04/xmlenc#aes256-cbc', { cipher: 'aes-256-cbc', keyLength: 32, gcm: false }],
]);

/**
 * Strict base64 as found in XML: whitespace between characters allowed, canonical padding required.
 * Node's decoder skips junk (and reads base64url) silently, so the bytes must re-encode to exactly the
 * input: that alone refuses every character outside the alphabet, misplaced or missing padding and
 * non-zero trailing bits, since Buffer#toString('base64') only ever writes canonical base64 (a
 * property test checks this against the former alphabet-and-padding expression in front of it).
 */
export function decodeBase64Strict(text: string): Buffer | null {
  const compact = text.replace(/[ \t\n\r]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0) return null;
  const bytes = Buffer.from(compact, 'base64');
  return bytes.toString('base64') === compact ? bytes : null;
}
