/**
 * The XML security layer of the SAML SP engine: parse once into a light tree, walk it (no XPath),
 * canonicalize, verify enveloped XML-DSig signatures and decrypt XML-Enc, with pre-parsed KeyObjects.
 *
 * API (stable; other modules import only from this file):
 *
 *   parseXml(text, limits?: Partial<XmlLimits>): XmlDocument
 *     Strict XML 1.0 + namespaces. Throws XmlRejection { check: 'xml-prolog' | 'xml-wellformed' | 'xml-limits', message }.
 *     'xml-prolog': DOCTYPE/ENTITY/markup declarations, any PI other than the XML declaration, non-UTF-8 encoding.
 *     'xml-limits': maxLength, maxDepth, maxElements, maxAttributes (per element), maxTextLength,
 *     maxNamespaceDeclarations (per document) — defaults in DEFAULT_XML_LIMITS.
 *     Namespace names must be absolute ASCII URIs. Comments and CDATA are kept in the tree (counted on XmlDocument).
 *
 *   Tree: XmlDocument { documentElement, elementCount, commentCount, cdataCount }
 *     XmlElement { kind:'element', localName, namespaceURI|null, prefix|null, name, attributes: XmlAttr[],
 *                  namespaces: XmlNsDecl[] (xmlns declarations, NOT in attributes), children: XmlNode[], parent }
 *     XmlAttr { localName, namespaceURI|null, prefix|null, name, value }
 *     XmlText { kind:'text', value, cdata, parent }   XmlComment { kind:'comment', value, parent }
 *
 *   childElements(el, ns?, localName?): XmlElement[]    firstChild(el, ns?, localName?): XmlElement | null
 *   attr(el, localName, ns = null): string | null        walkElements(root, visit)
 *   textOf(el): { text, split }  text = all character data; split = comment/CDATA/child element/second
 *     text node inside: the caller must refuse (check 'subject') rather than read it.
 *   collectIds(root, visit?): { byId: Map<string, XmlElement>, duplicates: string[] }   ID/Id/id in any namespace
 *     ('unique-ids'); visit(el) is called on every element of the same walk, in document order.
 *   ownId(el): string | null   the element's single unprefixed ID/Id/id (what a Reference URI must name).
 *
 *   canonicalizeExclusive(el, { inclusivePrefixes?, omit? }): string   exc-c14n without comments.
 *
 *   verifySignature(signatureEl, { keys: KeyObject[], allowSha1 }):
 *     { ok: true, signedElement (= signatureEl.parent), signatureAlgorithm, digestAlgorithm, keyIndex }
 *     | { ok: false, check: 'signature-algorithm' | 'signature-reference' | 'signature-digest' | 'signature-value', message }
 *     Profile: one SignedInfo (first child), one Reference with URI "#" + ownId(parent), c14n = exc-c14n,
 *     transforms exactly [enveloped-signature, exc-c14n] (PrefixList ≤ 32), RSA-SHA256/384/512, ECDSA-SHA256/384/512,
 *     digests SHA-256/384/512 (RSA-SHA1/SHA-1 only with allowSha1); all checked before any crypto; base64 strict;
 *     no comments/CDATA/text inside the Signature's structure. KeyInfo is never read.
 *     The caller decides which parents are acceptable and checks ID uniqueness.
 *
 *   decryptEncryptedData(encryptedAssertionEl, { keys: KeyObject[] (RSA private), allowCbc }):
 *     { ok: true, xml (the decrypted fragment: parse it with parseXml), keyTransport, dataAlgorithm }
 *     | { ok: false, check: 'decryption', message }   (all cryptographic failures: DECRYPTION_FAILED)
 *     Key transport rsa-oaep-mgf1p or xmlenc11 rsa-oaep (digest = MGF1 hash); data AES-GCM, AES-128/256-CBC with allowCbc.
 *     EncryptedKey in KeyInfo, by RetrievalMethod to a sibling, or a sibling. The fragment's prefixes may be
 *     declared on the EncryptedAssertion's ancestors: parse it in that context.
 *
 *   NS: namespace URIs (dsig, xenc, xenc11, excC14n).
 */
export { parseXml } from './parser.js';
export {
  DEFAULT_XML_LIMITS,
  XmlRejection,
  type XmlAttr,
  type XmlComment,
  type XmlDocument,
  type XmlElement,
  type XmlLimits,
  type XmlNode,
  type XmlNsDecl,
  type XmlRejectionCheck,
  type XmlText,
} from './types.js';
export {
  attr,
  childElements,
  collectIds,
  firstChild,
  ownId,
  textOf,
  walkElements,
  type ElementText,
  type IdIndex,
} from './tree.js';
export { canonicalizeExclusive, type ExclusiveC14nOptions } from './c14n.js';
export {
  verifySignature,
  type SignatureCheck,
  type SignatureResult,
  type VerifySignatureOptions,
} from './signature.js';
export {
  DECRYPTION_FAILED,
  decryptEncryptedData,
  type DecryptOptions,
  type DecryptResult,
} from './decrypt.js';
export { NS } from './algorithms.js';
