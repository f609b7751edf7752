/**
 * XML-DSig signing for the test IdP and the attack suite. xml-crypto's SignedXml does the
 * ordinary enveloped signatures; algorithms it lacks (rsa-sha384, ECDSA, HMAC-SHA256) and
 * deliberately malformed SignedInfo elements are produced by `resignSignature`, which recomputes
 * the SignatureValue over whatever SignedInfo the document now holds.
 */
import { createHash, createHmac, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import {
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
  SignedXml,
  type HashAlgorithm,
} from 'xml-crypto';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const ALG = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  hmacSha1: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  hmacSha256: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  xpath: 'http://www.w3.org/TR/1999/REC-xpath-19991116',
  xslt: 'http://www.w3.org/TR/1999/REC-xslt-19991116',
  base64: 'http://www.w3.org/2000/09/xmldsig#base64',
} as const;

export type SignatureAlgorithmName = 'rsa-sha1' | 'rsa-sha256' | 'rsa-sha384' | 'rsa-sha512' | 'ecdsa-sha256';
export type DigestAlgorithmName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const SIGNATURE_URI: Record<SignatureAlgorithmName, string> = {
  'rsa-sha1': ALG.rsaSha1,
  'rsa-sha256': ALG.rsaSha256,
  'rsa-sha384': ALG.rsaSha384,
  'rsa-sha512': ALG.rsaSha512,
  'ecdsa-sha256': ALG.ecdsaSha256,
};
const DIGEST_URI: Record<DigestAlgorithmName, string> = {
  sha1: ALG.sha1,
  sha256: ALG.sha256,
  sha384: ALG.sha384,
  sha512: ALG.sha512,
};
/** Algorithms xml-crypto signs natively; the others are signed by `resignSignature`. */
const NATIVE = new Set<string>([ALG.rsaSha1, ALG.rsaSha256, ALG.rsaSha512]);

class Sha384 implements HashAlgorithm {
  getHash(xml: string): string {
    return createHash('sha384').update(xml, 'utf8').digest('base64');
  }
  getAlgorithmName(): string {
    return ALG.sha384;
  }
}

export interface SignOptions {
  /** The ID of the element to sign (it must carry an `ID` attribute). */
  id: string;
  privateKey: KeyObject;
  /** Put this certificate (base64 DER) into ds:KeyInfo; omit for no KeyInfo. */
  certBase64?: string;
  algorithm?: SignatureAlgorithmName;
  digest?: DigestAlgorithmName;
  /** CanonicalizationMethod; default exc-c14n. */
  c14n?: string;
  /** Reference transforms; default enveloped-signature + exc-c14n. */
  transforms?: string[];
}

/**
 * Signs the element whose ID is `id` with an enveloped signature placed right after its Issuer
 * child (where SAML's schema wants it), or as its first child when it has no Issuer.
 */
export function signXml(xml: string, opts: SignOptions): string {
  const algorithm = SIGNATURE_URI[opts.algorithm ?? 'rsa-sha256'];
  const native = NATIVE.has(algorithm);
  const keyPem = opts.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sig = new SignedXml({
    privateKey: keyPem,
    signatureAlgorithm: native ? algorithm : ALG.rsaSha256,
    canonicalizationAlgorithm: opts.c14n ?? ALG.excC14n,
    getKeyInfoContent: () =>
      opts.certBase64
        ? `<ds:X509Data><ds:X509Certificate>${opts.certBase64}</ds:X509Certificate></ds:X509Data>`
        : null,
  });
  sig.HashAlgorithms[ALG.sha384] = Sha384;
  const target = `//*[@ID='${opts.id}']`;
  sig.addReference({
    xpath: target,
    transforms: opts.transforms ?? [ALG.enveloped, ALG.excC14n],
    digestAlgorithm: DIGEST_URI[opts.digest ?? 'sha256'],
  });
  const hasIssuer = new RegExp(`ID="${opts.id}"[^>]*>\\s*<[A-Za-z0-9]*:?Issuer[\\s>]`).test(xml);
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: hasIssuer
      ? { reference: `${target}/*[local-name()='Issuer']`, action: 'after' }
      : { reference: target, action: 'prepend' },
  });
  const signed = sig.getSignedXml();
  if (native) return signed;
  const doc = parseXml(signed);
  const element = findById(doc, opts.id);
  const signature = element && childElements(element).find(isSignature);
  if (!signature) throw new Error(`signXml: no signature on #${opts.id}`);
  setAttr(signature, 'SignatureMethod', 'Algorithm', algorithm);
  resignSignature(signature, signerFor(algorithm, opts.privateKey));
  return serializeXml(doc);
}

/** The function computing a SignatureValue from canonical SignedInfo bytes. */
export type Signer = (data: Buffer) => Buffer;

export function signerFor(algorithmUri: string, key: KeyObject | string): Signer {
  const hash = /sha(1|256|384|512)$/.exec(algorithmUri)?.[0];
  if (!hash) throw new Error(`signerFor: unknown algorithm ${algorithmUri}`);
  if (algorithmUri.includes('hmac')) return (data) => createHmac(hash, key).update(data).digest();
  if (typeof key === 'string') throw new Error('signerFor: asymmetric algorithms need a KeyObject');
  if (algorithmUri.includes('ecdsa')) {
    return (data) => cryptoSign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
  }
  return (data) => cryptoSign(hash, data, key);
}

/** Canonicalizes SignedInfo with the signature's own CanonicalizationMethod. */
export function canonicalSignedInfo(signature: Element): string {
  const signedInfo = childElements(signature).find((e) => e.localName === 'SignedInfo');
  if (!signedInfo) throw new Error('canonicalSignedInfo: no SignedInfo');
  const method = childElements(signedInfo).find((e) => e.localName === 'CanonicalizationMethod');
  const c14n =
    method?.getAttribute('Algorithm') === ALG.excC14nWithComments
      ? new ExclusiveCanonicalizationWithComments()
      : new ExclusiveCanonicalization();
  // xml-crypto is typed against its own xmldom copy; the DOM shapes are the same.
  return c14n.process(signedInfo as unknown as Parameters<typeof c14n.process>[0], {}).toString();
}

/** Recomputes SignatureValue over the current SignedInfo (after editing SignedInfo on purpose). */
export function resignSignature(signature: Element, signer: Signer): void {
  const value = childElements(signature).find((e) => e.localName === 'SignatureValue');
  if (!value) throw new Error('resignSignature: no SignatureValue');
  value.textContent = signer(Buffer.from(canonicalSignedInfo(signature), 'utf8')).toString('base64');
}

// --- small DOM helpers shared by the test IdP and the attack suite -----------------------------

export function parseXml(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

export function serializeXml(node: Node): string {
  return new XMLSerializer().serializeToString(node);
}

export function childElements(node: Node): Element[] {
  return Array.from(node.childNodes).filter((n): n is Element => n.nodeType === 1);
}

export function descendants(node: Node, localName?: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node): void => {
    for (const child of childElements(n)) {
      if (!localName || child.localName === localName) out.push(child);
      walk(child);
    }
  };
  walk(node);
  return out;
}

export function findById(doc: Document, id: string): Element | undefined {
  return descendants(doc).find((e) => e.getAttribute('ID') === id);
}

export function isSignature(e: Element): boolean {
  return e.localName === 'Signature' && e.namespaceURI === DSIG_NS;
}

/** Sets `attr` on the first descendant named `localName` of `root`. */
export function setAttr(root: Node, localName: string, attr: string, value: string): void {
  const el = descendants(root, localName)[0];
  if (!el) throw new Error(`setAttr: no ${localName}`);
  el.setAttribute(attr, value);
}
