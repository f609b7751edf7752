/**
 * Signing helpers for XML-layer and attack tests: keys generated per process, an independent signer
 * (xml-crypto) and `resignSignedInfo`, which recomputes only the SignatureValue over a (possibly
 * tampered) SignedInfo, so a test can reach the checks that come after the signature value.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { NS, canonicalizeExclusive, parseXml, type XmlElement } from '../../src/saml/xml/index.js';
import { findElements } from './xml-fixtures.js';

export interface TestKeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  readonly privatePem: string;
}

function rsaPair(): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

let cached: { idp: TestKeyPair; other: TestKeyPair; ec: TestKeyPair } | null = null;

/** Two RSA-2048 pairs (the IdP's and an unrelated one) and a P-256 pair, generated once per process. */
export function testKeys(): { idp: TestKeyPair; other: TestKeyPair; ec: TestKeyPair } {
  if (!cached) {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    cached = {
      idp: rsaPair(),
      other: rsaPair(),
      ec: { ...ec, privatePem: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    };
  }
  return cached;
}

export const SAML_NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
} as const;

/** A small unsigned SAML Response holding one Assertion (ID `_a1`), with an xs-typed attribute value. */
export function sampleResponse(nameId = 'user@example.com'): string {
  return (
    `<samlp:Response xmlns:samlp="${SAML_NS.protocol}" ID="_r1" Version="2.0" IssueInstant="2026-11-22T10:00:00Z">` +
    `<saml:Issuer xmlns:saml="${SAML_NS.assertion}">https://idp.example.com</saml:Issuer>` +
    `<saml:Assertion xmlns:saml="${SAML_NS.assertion}" xmlns:xs="http://www.w3.org/2001/XMLSchema" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_a1" Version="2.0" IssueInstant="2026-11-22T10:00:00Z">` +
    `<saml:Issuer>https://idp.example.com</saml:Issuer>` +
    `<saml:Subject><saml:NameID>${nameId}</saml:NameID></saml:Subject>` +
    `<saml:AttributeStatement><saml:Attribute Name="role">` +
    `<saml:AttributeValue xsi:type="xs:string">admin</saml:AttributeValue>` +
    `</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`
  );
}

export interface SignOptions {
  /** `Assertion` (default) or `Response`. */
  readonly element?: 'Assertion' | 'Response';
  readonly signatureAlgorithm?: string;
  readonly digestAlgorithm?: string;
  readonly inclusivePrefixes?: string;
}

/** Sign one element with xml-crypto (an implementation independent of ours), Signature after its Issuer. */
export function signWithXmlCrypto(xml: string, privatePem: string, opts: SignOptions = {}): string {
  const element = opts.element ?? 'Assertion';
  const sig = new SignedXml({
    privateKey: privatePem,
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    signatureAlgorithm: opts.signatureAlgorithm ?? 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
  sig.addReference({
    xpath: `//*[local-name(.)='${element}']`,
    digestAlgorithm: opts.digestAlgorithm ?? 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    ...(opts.inclusivePrefixes ? { inclusiveNamespacesPrefixList: opts.inclusivePrefixes.split(' ') } : {}),
  });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `//*[local-name(.)='${element}']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

function onlySignature(xml: string): XmlElement {
  const sigs = findElements(parseXml(xml).documentElement, NS.dsig, 'Signature');
  if (sigs.length !== 1) throw new Error(`expected one Signature, found ${sigs.length}`);
  return sigs[0] as XmlElement;
}

/**
 * Recompute the SignatureValue of the document's only Signature over its first SignedInfo (at any depth) as it now
 * stands, with `privateKey` (`hash` picks the digest; EC keys sign in the XML-DSig r||s format).
 */
export function resignSignedInfo(xml: string, privateKey: KeyObject, hash = 'sha256'): string {
  const signedInfo = findElements(onlySignature(xml), NS.dsig, 'SignedInfo')[0];
  if (!signedInfo) throw new Error('no SignedInfo');
  const data = Buffer.from(canonicalizeExclusive(signedInfo), 'utf8');
  const key =
    privateKey.asymmetricKeyType === 'ec'
      ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const }
      : privateKey;
  const value = sign(hash, data, key).toString('base64');
  return xml.replace(/(<ds:SignatureValue>)[^<]*(<\/ds:SignatureValue>)/, `$1${value}$2`);
}
