/**
 * XML Encryption of an assertion for the SP (test IdP side only): AES-GCM or AES-CBC content
 * encryption, key transport with RSA-OAEP (MGF1/SHA-1, or xmlenc11 rsa-oaep) or RSA PKCS#1 v1.5.
 * Node's crypto does the work; the shapes follow what Okta (EncryptedKey inside KeyInfo) and
 * Shibboleth (EncryptedKey as a sibling, referenced by RetrievalMethod) send.
 */
import {
  constants,
  createCipheriv,
  publicEncrypt,
  randomBytes,
  type CipherGCMTypes,
  type KeyObject,
} from 'node:crypto';

export const XENC = {
  ns: 'http://www.w3.org/2001/04/xmlenc#',
  ns11: 'http://www.w3.org/2009/xmlenc11#',
  element: 'http://www.w3.org/2001/04/xmlenc#Element',
  encryptedKeyType: 'http://www.w3.org/2001/04/xmlenc#EncryptedKey',
} as const;

export const DATA_ALGORITHMS = {
  'aes128-gcm': { uri: 'http://www.w3.org/2009/xmlenc11#aes128-gcm', cipher: 'aes-128-gcm', keyLength: 16 },
  'aes256-gcm': { uri: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', cipher: 'aes-256-gcm', keyLength: 32 },
  'aes128-cbc': { uri: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc', cipher: 'aes-128-cbc', keyLength: 16 },
  'aes256-cbc': { uri: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc', cipher: 'aes-256-cbc', keyLength: 32 },
} as const;

export const KEY_ALGORITHMS = {
  'rsa-oaep-mgf1p': 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  'rsa-oaep': 'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  'rsa-1_5': 'http://www.w3.org/2001/04/xmlenc#rsa-1_5',
} as const;

export type DataAlgorithm = keyof typeof DATA_ALGORITHMS;
export type KeyAlgorithm = keyof typeof KEY_ALGORITHMS;

export interface EncryptOptions {
  /** The SP's encryption public key. */
  publicKey: KeyObject;
  /** The SP certificate (base64 DER) to name in the EncryptedKey's KeyInfo; omitted when absent. */
  certBase64?: string;
  /** Default aes256-gcm. */
  dataAlgorithm?: DataAlgorithm;
  /** Default rsa-oaep-mgf1p (SHA-1 digest, MGF1 with SHA-1, as IdPs send it). */
  keyAlgorithm?: KeyAlgorithm;
  /** 'keyinfo' (default, Okta): EncryptedKey inside EncryptedData/KeyInfo; 'sibling' (Shibboleth). */
  keyPlacement?: 'keyinfo' | 'sibling';
  /** Override the content-encryption key (e.g. to reuse one across two ciphertexts). */
  contentKey?: Buffer;
}

export interface EncryptedParts {
  /** The `saml2:EncryptedAssertion` element as XML. */
  xml: string;
  contentKey: Buffer;
}

/** Encrypts `plaintext` (an Assertion element's XML) into CipherValue bytes: IV ‖ ciphertext (‖ tag). */
export function encryptContent(plaintext: string, algorithm: DataAlgorithm, key: Buffer): Buffer {
  const spec = DATA_ALGORITHMS[algorithm];
  if (key.length !== spec.keyLength) throw new Error(`${algorithm} needs a ${spec.keyLength}-byte key`);
  if (spec.cipher.endsWith('gcm')) {
    const iv = randomBytes(12);
    const cipher = createCipheriv(spec.cipher as CipherGCMTypes, key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }
  const iv = randomBytes(16);
  // PKCS#7 padding is one of the paddings XML Encryption's ISO 10126 rule accepts.
  const cipher = createCipheriv(spec.cipher, key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]);
}

export function wrapKey(contentKey: Buffer, algorithm: KeyAlgorithm, publicKey: KeyObject): Buffer {
  if (algorithm === 'rsa-1_5') {
    return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, contentKey);
  }
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    contentKey,
  );
}

function encryptedKeyXml(id: string, wrapped: Buffer, opts: EncryptOptions): string {
  const algorithm = opts.keyAlgorithm ?? 'rsa-oaep-mgf1p';
  const digest =
    algorithm === 'rsa-1_5' ? '' : '<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>';
  const keyInfo = opts.certBase64
    ? `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${opts.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`
    : '';
  return (
    `<xenc:EncryptedKey xmlns:xenc="${XENC.ns}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="${id}">` +
    `<xenc:EncryptionMethod Algorithm="${KEY_ALGORITHMS[algorithm]}">${digest}</xenc:EncryptionMethod>` +
    keyInfo +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedKey>`
  );
}

/** Builds `<saml2:EncryptedAssertion>` holding `assertionXml` encrypted for the SP. */
export function encryptAssertion(assertionXml: string, opts: EncryptOptions): EncryptedParts {
  const dataAlgorithm = opts.dataAlgorithm ?? 'aes256-gcm';
  const spec = DATA_ALGORITHMS[dataAlgorithm];
  const contentKey = opts.contentKey ?? randomBytes(spec.keyLength);
  const cipherValue = encryptContent(assertionXml, dataAlgorithm, contentKey).toString('base64');
  const keyId = `_ek${randomBytes(10).toString('hex')}`;
  const encryptedKey = encryptedKeyXml(
    keyId,
    wrapKey(contentKey, opts.keyAlgorithm ?? 'rsa-oaep-mgf1p', opts.publicKey),
    opts,
  );
  const sibling = opts.keyPlacement === 'sibling';
  const keyInfo = sibling
    ? `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:RetrievalMethod Type="${XENC.encryptedKeyType}" URI="#${keyId}"/></ds:KeyInfo>`
    : `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${encryptedKey}</ds:KeyInfo>`;
  const xml =
    `<saml2:EncryptedAssertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">` +
    `<xenc:EncryptedData xmlns:xenc="${XENC.ns}" Id="_ed${randomBytes(10).toString('hex')}" Type="${XENC.element}">` +
    `<xenc:EncryptionMethod Algorithm="${spec.uri}"/>` +
    keyInfo +
    `<xenc:CipherData><xenc:CipherValue>${cipherValue}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData>` +
    (sibling ? encryptedKey : '') +
    `</saml2:EncryptedAssertion>`;
  return { xml, contentKey };
}
