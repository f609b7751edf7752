/**
 * XML-Enc decryption of an EncryptedAssertion (or any element holding one xenc:EncryptedData and its
 * xenc:EncryptedKey). Algorithms and structure are checked for every candidate key before anything
 * is decrypted. Every cryptographic failure (key unwrap, key size, GCM tag, CBC padding, UTF-8) takes
 * the same path and yields the same message, so the result is no padding or Bleichenbacher oracle.
 */
import { constants, createDecipheriv, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import {
  DATA_ALGORITHMS,
  MGF1_HASHES,
  NS,
  OAEP_DIGESTS,
  RSA_OAEP_11,
  RSA_OAEP_MGF1P,
  decodeBase64Strict,
  type DataAlgorithm,
} from './algorithms.js';
import { attr, childElements } from './tree.js';
import { clipMessage, type XmlElement } from './types.js';

export interface DecryptOptions {
  /** The SP's RSA private keys, tried in order. */
  readonly keys: readonly KeyObject[];
  /** Accept aes128-cbc / aes256-cbc content encryption (for IdPs that cannot do GCM). */
  readonly allowCbc: boolean;
}

export type DecryptResult =
  | { ok: true; xml: string; keyTransport: string; dataAlgorithm: string }
  | { ok: false; check: 'decryption'; message: string };

/** The one message for every cryptographic failure. */
export const DECRYPTION_FAILED = 'the EncryptedData could not be decrypted with the SP key(s)';
const MAX_ENCRYPTED_KEYS = 4;

class DecryptFailure extends Error {}
const fail = (message: string): never => {
  throw new DecryptFailure(message);
};

interface WrappedKey {
  transport: string;
  oaepHash: string;
  cipherValue: Buffer;
}

function only(parent: XmlElement, ns: string, localName: string): XmlElement {
  const found = childElements(parent, ns, localName);
  if (found.length !== 1) fail(`<${parent.name}> must hold exactly one ${localName}`);
  return found[0] as XmlElement;
}

function ensureOnlyChildren(el: XmlElement, allowed: readonly (readonly [string, string])[]): void {
  for (const c of childElements(el)) {
    if (!allowed.some(([ns, name]) => c.namespaceURI === ns && c.localName === name)) {
      fail(`unexpected <${c.name}> in <${el.name}>`);
    }
  }
}

function cipherValue(owner: XmlElement): Buffer {
  const cipherData = only(owner, NS.xenc, 'CipherData');
  ensureOnlyChildren(cipherData, [[NS.xenc, 'CipherValue']]);
  const value = only(cipherData, NS.xenc, 'CipherValue');
  let text = '';
  for (const c of value.children) {
    if (c.kind !== 'text' || c.cdata) fail('CipherValue must hold only base64 text');
    else text += c.value;
  }
  return decodeBase64Strict(text) ?? fail('CipherValue is not valid base64');
}

function readEncryptedKey(ek: XmlElement): WrappedKey {
  ensureOnlyChildren(ek, [
    [NS.xenc, 'EncryptionMethod'],
    [NS.dsig, 'KeyInfo'],
    [NS.xenc, 'CipherData'],
    [NS.xenc, 'ReferenceList'],
    [NS.xenc, 'CarriedKeyName'],
  ]);
  const method = only(ek, NS.xenc, 'EncryptionMethod');
  const transport = attr(method, 'Algorithm') ?? '';
  if (transport !== RSA_OAEP_MGF1P && transport !== RSA_OAEP_11)
    fail(`key transport ${transport} is not allowed`);
  ensureOnlyChildren(method, [
    [NS.dsig, 'DigestMethod'],
    [NS.xenc11, 'MGF'],
  ]);
  const digestEl = childElements(method, NS.dsig, 'DigestMethod');
  const mgfEl = childElements(method, NS.xenc11, 'MGF');
  if (digestEl.length > 1 || mgfEl.length > 1) fail('EncryptionMethod repeats DigestMethod or MGF');
  const digestUri = digestEl[0] ? attr(digestEl[0], 'Algorithm') : 'http://www.w3.org/2000/09/xmldsig#sha1';
  const oaepHash = OAEP_DIGESTS.get(digestUri ?? '') ?? fail(`OAEP digest ${digestUri ?? ''} is not allowed`);
  if (transport === RSA_OAEP_MGF1P && mgfEl.length > 0) fail('rsa-oaep-mgf1p takes no MGF');
  const mgfUri = mgfEl[0] ? attr(mgfEl[0], 'Algorithm') : 'http://www.w3.org/2009/xmlenc11#mgf1sha1';
  const mgfHash = MGF1_HASHES.get(mgfUri ?? '') ?? fail(`MGF ${mgfUri ?? ''} is not allowed`);
  // node's OAEP uses one hash for the label digest and MGF1, so only matching pairs are possible.
  if (mgfHash !== oaepHash) fail(`OAEP digest ${oaepHash} with MGF1-${mgfHash} is not supported`);
  return { transport, oaepHash, cipherValue: cipherValue(ek) };
}

/** EncryptedKeys inside KeyInfo, or referenced by RetrievalMethod, or else the container's own. */
function candidateKeys(container: XmlElement, data: XmlElement): XmlElement[] {
  const siblings = childElements(container, NS.xenc, 'EncryptedKey');
  const keyInfo = childElements(data, NS.dsig, 'KeyInfo');
  if (keyInfo.length > 1) fail('EncryptedData has more than one KeyInfo');
  if (!keyInfo[0]) return siblings;
  const found = childElements(keyInfo[0], NS.xenc, 'EncryptedKey');
  for (const rm of childElements(keyInfo[0], NS.dsig, 'RetrievalMethod')) {
    if (attr(rm, 'Type') !== `${NS.xenc}EncryptedKey`)
      fail('RetrievalMethod must have Type xenc#EncryptedKey');
    const uri = attr(rm, 'URI') ?? '';
    const target = siblings.filter((ek) => `#${attr(ek, 'Id') ?? ''}` === uri);
    if (target.length !== 1) fail(`RetrievalMethod URI "${uri}" does not name one sibling EncryptedKey`);
    found.push(target[0] as XmlElement);
  }
  // A KeyInfo naming the key some other way (KeyName): the EncryptedKey is a sibling, as with no KeyInfo.
  return found.length > 0 ? found : siblings;
}

function readEncryptedData(
  data: XmlElement,
  allowCbc: boolean,
): { uri: string; alg: DataAlgorithm; cipher: Buffer } {
  ensureOnlyChildren(data, [
    [NS.xenc, 'EncryptionMethod'],
    [NS.dsig, 'KeyInfo'],
    [NS.xenc, 'CipherData'],
  ]);
  const type = attr(data, 'Type');
  if (type !== null && type !== `${NS.xenc}Element`) fail(`EncryptedData Type ${type} is not xenc#Element`);
  const method = only(data, NS.xenc, 'EncryptionMethod');
  if (childElements(method).length > 0) fail('the data EncryptionMethod takes no parameters');
  const uri = attr(method, 'Algorithm') ?? '';
  const alg = DATA_ALGORITHMS.get(uri);
  if (!alg || (!alg.gcm && !allowCbc)) return fail(`data encryption ${uri} is not allowed`);
  return { uri, alg, cipher: cipherValue(data) };
}

function unwrapKey(
  wrapped: readonly WrappedKey[],
  keys: readonly KeyObject[],
  length: number,
): { cek: Buffer; transport: string } | null {
  for (const w of wrapped) {
    for (const key of keys) {
      if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') continue;
      try {
        const cek = privateDecrypt(
          { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: w.oaepHash },
          w.cipherValue,
        );
        if (cek.length === length) return { cek, transport: w.transport };
      } catch {
        // Not this key: try the next one; the caller reports one generic failure.
      }
    }
  }
  return null;
}

function decryptContent(alg: DataAlgorithm, key: Buffer, data: Buffer): Buffer | null {
  try {
    if (alg.gcm) {
      if (data.length < 12 + 16) return null;
      const decipher = createDecipheriv(alg.cipher as 'aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    }
    if (data.length < 32 || data.length % 16 !== 0) return null;
    const decipher = createDecipheriv(alg.cipher, key, data.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
    // XML-Enc padding: only the last byte (the pad length) is defined; the others are arbitrary.
    const pad = plain[plain.length - 1] ?? 0;
    return pad >= 1 && pad <= 16 ? plain.subarray(0, plain.length - pad) : null;
  } catch {
    return null;
  }
}

/** Decrypt the one EncryptedData inside `container` (normally a saml:EncryptedAssertion). */
export function decryptEncryptedData(container: XmlElement, opts: DecryptOptions): DecryptResult {
  try {
    ensureOnlyChildren(container, [
      [NS.xenc, 'EncryptedData'],
      [NS.xenc, 'EncryptedKey'],
    ]);
    const dataEl = only(container, NS.xenc, 'EncryptedData');
    const data = readEncryptedData(dataEl, opts.allowCbc);
    const keyEls = candidateKeys(container, dataEl);
    if (keyEls.length === 0) fail('no EncryptedKey for the EncryptedData');
    if (keyEls.length > MAX_ENCRYPTED_KEYS) fail(`more than ${MAX_ENCRYPTED_KEYS} EncryptedKeys`);
    const wrapped = keyEls.map(readEncryptedKey);
    // From here on every failure takes the same path: a random key stands in for one that did not unwrap.
    const unwrapped = unwrapKey(wrapped, opts.keys, data.alg.keyLength);
    const plain = decryptContent(data.alg, unwrapped?.cek ?? randomBytes(data.alg.keyLength), data.cipher);
    let xml: string | null = null;
    try {
      xml = plain && new TextDecoder('utf-8', { fatal: true }).decode(plain);
    } catch {
      xml = null;
    }
    if (unwrapped === null || xml === null)
      return { ok: false, check: 'decryption', message: DECRYPTION_FAILED };
    return { ok: true, xml, keyTransport: unwrapped.transport, dataAlgorithm: data.uri };
  } catch (e) {
    if (e instanceof DecryptFailure)
      return { ok: false, check: 'decryption', message: clipMessage(e.message) };
    throw e;
  }
}
