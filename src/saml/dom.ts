/**
 * @xmldom/xmldom helpers for the non-hot paths (metadata, AuthnRequest parsing). Strict: any parser
 * error or warning throws, DOCTYPE is refused before parsing. The hot path uses src/saml/xml.
 */
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { parseXml, XmlRejection } from './xml/index.js';

export const NS = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
} as const;

/**
 * Structure caps checked by the strict parser before xmldom builds a DOM: xmldom has no depth or
 * element cap, and a 256 KB document nested 36,000 deep cost it half a second of CPU.
 */
const DOM_LIMITS = { maxDepth: 64, maxElements: 20_000, maxNamespaceDeclarations: 4096 } as const;

export function parseStrictDom(xml: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new Error('the document contains a DOCTYPE or ENTITY declaration');
  try {
    parseXml(xml, DOM_LIMITS);
  } catch (err) {
    throw new Error(err instanceof XmlRejection ? err.message : String(err));
  }
  const parser = new DOMParser({
    onError: (level, message) => {
      throw new Error(`XML ${level}: ${message.split('\n')[0] ?? message}`);
    },
  });
  return parser.parseFromString(xml, 'text/xml');
}

/** Direct element children, optionally filtered by namespace and local name. */
export function childElements(parent: Element | Document, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== 1) continue;
    const el = node as Element;
    if (ns !== undefined && el.namespaceURI !== ns) continue;
    if (localName !== undefined && el.localName !== localName) continue;
    out.push(el);
  }
  return out;
}

export function textOf(el: Element): string {
  return (el.textContent ?? '').trim();
}
