/**
 * XML-DSig verification of one enveloped signature, over the tree it was parsed into (no re-parse,
 * no XPath). The profile is deliberately narrow: one SignedInfo, one Reference to the parent's ID,
 * exc-c14n only, transforms exactly [enveloped-signature, exc-c14n], allow-listed algorithms checked
 * before any crypto, keys only from the caller (KeyInfo is never read).
 */
import { hash, verify, timingSafeEqual, type KeyObject } from 'node:crypto';
import {
  DIGEST_ALGORITHMS,
  ENVELOPED_SIGNATURE,
  EXC_C14N,
  NS,
  SIGNATURE_ALGORITHMS,
  decodeBase64Strict,
  type DigestAlgorithm,
  type SignatureAlgorithm,
} from './algorithms.js';
import { canonicalizeExclusive } from './c14n.js';
import { attr, ownId } from './tree.js';
import { clipMessage, type XmlElement } from './types.js';

export type SignatureCheck =
  'signature-algorithm' | 'signature-reference' | 'signature-digest' | 'signature-value';

export interface VerifySignatureOptions {
  /** Pre-parsed IdP keys (from metadata), tried in order. */
  readonly keys: readonly KeyObject[];
  /** Accept rsa-sha1 and sha1 digests (only for providers configured so). */
  readonly allowSha1: boolean;
}

export type SignatureResult =
  | {
      ok: true;
      /** The element the signature covers: always the Signature's parent. */
      signedElement: XmlElement;
      signatureAlgorithm: string;
      digestAlgorithm: string;
      /** Index in `keys` of the key that verified. */
      keyIndex: number;
    }
  | { ok: false; check: SignatureCheck; message: string };

const MAX_INCLUSIVE_PREFIXES = 32;

class SignatureFailure extends Error {
  constructor(
    readonly check: SignatureCheck,
    message: string,
  ) {
    super(message);
  }
}

const fail = (check: SignatureCheck, message: string): never => {
  throw new SignatureFailure(check, message);
};

/** Element children of a structural element; text other than whitespace, comments and CDATA are refused. */
function structuralChildren(el: XmlElement, check: SignatureCheck): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.kind === 'element') out.push(c);
    else if (c.kind === 'comment') fail(check, `<${el.name}> contains a comment`);
    else if (c.cdata || !/^[ \t\n]*$/.test(c.value)) fail(check, `<${el.name}> contains text`);
  }
  return out;
}

function isDsig(el: XmlElement | undefined, localName: string): el is XmlElement {
  return el !== undefined && el.namespaceURI === NS.dsig && el.localName === localName;
}

/** Base64 content of a leaf element: plain text only (a comment inside is CVE-2025-29775). */
function base64Content(el: XmlElement, check: SignatureCheck): Buffer {
  let text = '';
  for (const c of el.children) {
    if (c.kind !== 'text' || c.cdata) fail(check, `<${el.name}> must hold only base64 text`);
    else text += c.value;
  }
  return decodeBase64Strict(text) ?? fail(check, `<${el.name}> is not valid base64`);
}

/** The optional single ec:InclusiveNamespaces child of a c14n method/transform. */
function inclusivePrefixes(method: XmlElement): string[] {
  const children = structuralChildren(method, 'signature-algorithm');
  if (children.length === 0) return [];
  const only = children[0] as XmlElement;
  if (children.length > 1 || only.namespaceURI !== NS.excC14n || only.localName !== 'InclusiveNamespaces') {
    return fail('signature-algorithm', `<${method.name}> may only contain one ec:InclusiveNamespaces`);
  }
  const list = [...new Set((attr(only, 'PrefixList') ?? '').split(/[ \t\n]+/).filter((p) => p !== ''))];
  // Each entry costs a scope lookup per canonicalized element, before any signature check: cap it.
  if (list.length > MAX_INCLUSIVE_PREFIXES) {
    fail(
      'signature-algorithm',
      `PrefixList has ${list.length} entries, over the cap of ${MAX_INCLUSIVE_PREFIXES}`,
    );
  }
  for (const p of list) {
    if (p !== '#default' && !/^[A-Za-z_][\w.-]*$/.test(p))
      fail('signature-algorithm', `bad PrefixList entry "${p}"`);
  }
  return list;
}

function algorithmOf(el: XmlElement): string {
  return attr(el, 'Algorithm') ?? fail('signature-algorithm', `<${el.name}> has no Algorithm`);
}

interface SignaturePlan {
  signedInfo: XmlElement;
  signedInfoPrefixes: string[];
  signatureUri: string;
  signatureAlg: SignatureAlgorithm;
  signatureValue: Buffer;
  digestUri: string;
  digestAlg: DigestAlgorithm;
  digestValue: Buffer;
  referencePrefixes: string[];
  signedElement: XmlElement;
}

function readTransforms(reference: XmlElement, transforms: XmlElement | undefined): string[] {
  if (!isDsig(transforms, 'Transforms'))
    return fail('signature-algorithm', 'the Reference has no Transforms');
  const list = structuralChildren(transforms, 'signature-algorithm');
  const [enveloped, exc] = list;
  if (list.length !== 2 || !isDsig(enveloped, 'Transform') || !isDsig(exc, 'Transform')) {
    return fail(
      'signature-algorithm',
      `<${reference.name}> must have exactly the enveloped-signature and exc-c14n transforms`,
    );
  }
  if (algorithmOf(enveloped) !== ENVELOPED_SIGNATURE || algorithmOf(exc) !== EXC_C14N) {
    return fail(
      'signature-algorithm',
      `transforms ${algorithmOf(enveloped)}, ${algorithmOf(exc)} are not [enveloped-signature, exc-c14n]`,
    );
  }
  if (structuralChildren(enveloped, 'signature-algorithm').length > 0) {
    fail('signature-algorithm', 'the enveloped-signature transform takes no parameters');
  }
  return inclusivePrefixes(exc);
}

/** Signature = SignedInfo, SignatureValue, KeyInfo?, Object*; SignedInfo = c14n method, signature method, one Reference. */
function signatureParts(signature: XmlElement) {
  if (signature.namespaceURI !== NS.dsig || signature.localName !== 'Signature') {
    fail('signature-reference', `<${signature.name}> is not a ds:Signature`);
  }
  const children = structuralChildren(signature, 'signature-reference');
  const signedInfoCount = children.filter((c) => isDsig(c, 'SignedInfo')).length;
  if (signedInfoCount !== 1)
    fail('signature-reference', `Signature holds ${signedInfoCount} SignedInfo elements, not 1`);
  const [signedInfo, signatureValueEl, ...rest] = children;
  if (!isDsig(signedInfo, 'SignedInfo'))
    return fail('signature-reference', 'the first child of Signature must be SignedInfo');
  if (!isDsig(signatureValueEl, 'SignatureValue'))
    return fail('signature-reference', 'SignedInfo must be followed by SignatureValue');
  for (const extra of rest) {
    const name = extra.name;
    if (!isDsig(extra, 'KeyInfo') && !isDsig(extra, 'Object'))
      fail('signature-reference', `unexpected <${name}> in Signature`);
  }
  const [c14nMethod, signatureMethod, reference, ...more] = structuralChildren(
    signedInfo,
    'signature-reference',
  );
  if (!isDsig(c14nMethod, 'CanonicalizationMethod') || !isDsig(signatureMethod, 'SignatureMethod')) {
    return fail(
      'signature-reference',
      'SignedInfo must start with CanonicalizationMethod and SignatureMethod',
    );
  }
  if (!isDsig(reference, 'Reference') || more.length > 0) {
    return fail('signature-reference', 'SignedInfo must hold exactly one Reference');
  }
  return { signedInfo, signatureValueEl, c14nMethod, signatureMethod, reference };
}

/** An allow-listed algorithm from a method element that takes no parameters. */
function allowedAlgorithm<T extends { sha1: boolean }>(
  method: XmlElement,
  table: ReadonlyMap<string, T>,
  allowSha1: boolean,
): { uri: string; alg: T } {
  const uri = algorithmOf(method);
  const alg = table.get(uri);
  if (!alg || (alg.sha1 && !allowSha1))
    return fail('signature-algorithm', `${method.localName} ${uri} is not allowed`);
  if (structuralChildren(method, 'signature-algorithm').length > 0) {
    fail('signature-algorithm', `${method.localName} takes no parameters`);
  }
  return { uri, alg };
}

/** Read and check everything that needs no crypto: structure, reference and algorithms. */
function plan(signature: XmlElement, allowSha1: boolean): SignaturePlan {
  const { signedInfo, signatureValueEl, c14nMethod, signatureMethod, reference } = signatureParts(signature);
  const parent = signature.parent ?? fail('signature-reference', 'the Signature has no parent element');
  // Algorithms first: nothing is hashed or verified before they are known to be allowed.
  const c14nUri = algorithmOf(c14nMethod);
  if (c14nUri !== EXC_C14N) fail('signature-algorithm', `CanonicalizationMethod ${c14nUri} is not exc-c14n`);
  const signedInfoPrefixes = inclusivePrefixes(c14nMethod);
  const signatureAlg = allowedAlgorithm(signatureMethod, SIGNATURE_ALGORITHMS, allowSha1);
  const [transforms, digestMethod, digestValueEl, ...after] = structuralChildren(
    reference,
    'signature-reference',
  );
  const referencePrefixes = readTransforms(reference, transforms);
  if (!isDsig(digestMethod, 'DigestMethod') || !isDsig(digestValueEl, 'DigestValue') || after.length > 0) {
    return fail('signature-reference', 'the Reference must hold Transforms, DigestMethod and DigestValue');
  }
  const digestAlg = allowedAlgorithm(digestMethod, DIGEST_ALGORITHMS, allowSha1);
  const parentId = ownId(parent);
  if (!parentId) fail('signature-reference', `<${parent.name}> has no single ID attribute to reference`);
  const uri = attr(reference, 'URI');
  if (uri !== `#${parentId}`)
    fail('signature-reference', `Reference URI "${uri ?? ''}" is not "#${parentId}" of <${parent.name}>`);
  const digestValue = base64Content(digestValueEl, 'signature-digest');
  if (digestValue.length !== digestAlg.alg.length)
    fail('signature-digest', `DigestValue has ${digestValue.length} bytes, not ${digestAlg.alg.length}`);
  const signatureValue = base64Content(signatureValueEl, 'signature-value');
  return {
    signedInfo,
    signedInfoPrefixes,
    signatureUri: signatureAlg.uri,
    signatureAlg: signatureAlg.alg,
    signatureValue,
    digestUri: digestAlg.uri,
    digestAlg: digestAlg.alg,
    digestValue,
    referencePrefixes,
    signedElement: parent,
  };
}

function verifyQuietly(
  hash: string,
  data: Buffer,
  key: Parameters<typeof verify>[2],
  signature: Buffer,
): boolean {
  try {
    return verify(hash, data, key, signature);
  } catch {
    return false; // a malformed signature for this key type is simply not a match
  }
}

function verifyValue(p: SignaturePlan, keys: readonly KeyObject[]): number {
  const data = Buffer.from(
    canonicalizeExclusive(p.signedInfo, { inclusivePrefixes: p.signedInfoPrefixes }),
    'utf8',
  );
  let fitting = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as KeyObject;
    if (key.asymmetricKeyType !== p.signatureAlg.keyType) continue;
    fitting++;
    const input = p.signatureAlg.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
    if (verifyQuietly(p.signatureAlg.hash, data, input, p.signatureValue)) return i;
  }
  if (fitting === 0)
    return fail(
      'signature-value',
      `no ${p.signatureAlg.keyType.toUpperCase()} key is configured for ${p.signatureUri}`,
    );
  return fail(
    'signature-value',
    `SignatureValue does not verify with any of the ${fitting} configured key(s)`,
  );
}

/** Verify the enveloped signature `signature` (a ds:Signature element) over its parent. */
export function verifySignature(signature: XmlElement, opts: VerifySignatureOptions): SignatureResult {
  try {
    const p = plan(signature, opts.allowSha1);
    const canonical = canonicalizeExclusive(p.signedElement, {
      inclusivePrefixes: p.referencePrefixes,
      omit: signature,
    });
    const digest = hash(p.digestAlg.hash, canonical, 'buffer'); // one-shot: no Hash object; strings hash as UTF-8
    if (!timingSafeEqual(digest, p.digestValue))
      fail('signature-digest', `the digest of <${p.signedElement.name}> does not match DigestValue`);
    const keyIndex = verifyValue(p, opts.keys);
    return {
      ok: true,
      signedElement: p.signedElement,
      signatureAlgorithm: p.signatureUri,
      digestAlgorithm: p.digestUri,
      keyIndex,
    };
  } catch (e) {
    if (e instanceof SignatureFailure) return { ok: false, check: e.check, message: clipMessage(e.message) };
    throw e;
  }
}
