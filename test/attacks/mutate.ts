/**
 * DOM mutations of signed responses for the attack suite (test-side xmldom, independent of the
 * verifier's own parser). Each helper takes XML and returns XML.
 */
import type { Document, Element } from '@xmldom/xmldom';
import type { KeyObject } from 'node:crypto';
import {
  ALG,
  childElements,
  descendants,
  isSignature,
  parseXml,
  resignSignature,
  serializeXml,
  signerFor,
} from '../support/xml-sign.js';

export const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';

/** Parse, let `edit` change the DOM, serialize (keeps the XML declaration off; verifiers accept both). */
export function mutate(xml: string, edit: (doc: Document) => void): string {
  const doc = parseXml(xml);
  edit(doc);
  return serializeXml(doc);
}

export function responseOf(doc: Document): Element {
  const root = doc.documentElement;
  if (!root || root.localName !== 'Response') throw new Error('no Response root');
  return root;
}

/** The first saml:Assertion in document order. */
export function assertionOf(doc: Document | Element): Element {
  const found = descendants(doc, 'Assertion')[0];
  if (!found) throw new Error('no Assertion');
  return found;
}

/** The ds:Signature that is a direct child of `el`. */
export function signatureOf(el: Element): Element {
  const found = childElements(el).find(isSignature);
  if (!found) throw new Error(`no Signature in <${el.tagName}>`);
  return found;
}

export function first(root: Document | Element, localName: string): Element {
  const found = descendants(root, localName)[0];
  if (!found) throw new Error(`no <${localName}>`);
  return found;
}

/** The AttributeValue elements of the attribute named `name`. */
export function attributeValues(root: Document | Element, name: string): Element[] {
  return descendants(root, 'Attribute')
    .filter((a) => a.getAttribute('Name') === name)
    .flatMap((a) => descendants(a, 'AttributeValue'));
}

export function setText(el: Element, text: string): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  el.appendChild(el.ownerDocument!.createTextNode(text));
}

/** The "evil" edit SAML Raider's match-and-replace applies: become admin. */
export const EVIL_NAME = 'admin@victim.example';
export const EVIL_ROLE =
  'acs:ram::1234567890123456:role/superadmin,acs:ram::1234567890123456:saml-provider/test-idp';

export function makeEvil(el: Element): void {
  for (const n of descendants(el, 'NameID')) setText(n, EVIL_NAME);
  for (const v of attributeValues(el, 'https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName')) {
    setText(v, EVIL_NAME);
  }
  for (const v of attributeValues(el, 'https://www.aliyun.com/SAML-Role/Attributes/Role'))
    setText(v, EVIL_ROLE);
}

/** Remove the first signature inside `el` (SAML Raider's `getElementsByTagNameNS("*","Signature").item(0)`). */
export function stripFirstSignature(el: Element): void {
  const sig = descendants(el, 'Signature')[0];
  sig?.parentNode?.removeChild(sig);
}

/** Edit SignedInfo of `signature`, then re-sign it with `key` (so only the edit can be blamed). */
export function editSignedInfo(
  signature: Element,
  edit: (signedInfo: Element) => void,
  key: KeyObject | string,
  algorithmUri: string = ALG.rsaSha256,
): void {
  edit(first(signature, 'SignedInfo'));
  resignSignature(signature, signerFor(algorithmUri, key));
}

/** Replace `Algorithm` attributes of the Transforms of `signature` with the given list. */
export function setTransforms(doc: Document, signature: Element, algorithms: string[], extraXml = ''): void {
  const transforms = first(signature, 'Transforms');
  while (transforms.firstChild) transforms.removeChild(transforms.firstChild);
  for (const alg of algorithms) {
    const t = doc.createElementNS('http://www.w3.org/2000/09/xmldsig#', 'ds:Transform');
    t.setAttribute('Algorithm', alg);
    transforms.appendChild(t);
  }
  if (extraXml) {
    const extra = parseXml(
      `<w xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${extraXml}</w>`,
    ).documentElement;
    for (const child of childElements(extra!)) transforms.appendChild(doc.importNode(child, true));
  }
}
