/**
 * canonicalizeExclusive against xml-crypto's ExclusiveCanonicalization: every element of every fixture
 * document (responses, decrypted assertions, metadata), and every signed element the way its
 * Reference asks (enveloped Signature left out, InclusiveNamespaces honoured).
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { findAncestorNsForElement } from 'xml-crypto/lib/utils.js';
import { describe, expect, it } from 'vitest';
import {
  NS,
  attr,
  canonicalizeExclusive,
  childElements,
  firstChild,
  parseXml,
  walkElements,
  type XmlElement,
} from '../../src/saml/xml/index.js';
import { loadFixtures, signaturesOf } from '../support/xml-fixtures.js';

function domElementChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

/** Pair each element of our tree with the xmldom element at the same position. */
function pairs(ours: XmlElement, dom: Element, out: [XmlElement, Element][] = []): [XmlElement, Element][] {
  out.push([ours, dom]);
  const a = childElements(ours);
  const b = domElementChildren(dom);
  expect(a.length).toBe(b.length);
  a.forEach((child, i) => pairs(child, b[i] as Element, out));
  return out;
}

function theirs(el: Element, prefixes: string[] = []): string {
  const domEl = el as unknown as globalThis.Element; // xml-crypto is typed with DOM lib nodes; xmldom's are what it walks
  return new ExclusiveCanonicalization().process(domEl, {
    inclusiveNamespacesPrefixList: prefixes,
    ancestorNamespaces: findAncestorNsForElement(domEl),
  });
}

function documents(): { label: string; xml: string }[] {
  return loadFixtures().flatMap((fx) => [
    { label: `${fx.name}/response.xml`, xml: fx.xml },
    ...[...fx.extraXml].map(([file, xml]) => ({ label: `${fx.name}/${file}`, xml })),
  ]);
}

describe('canonicalizeExclusive agrees with xml-crypto', () => {
  for (const { label, xml } of documents()) {
    it(`every element of ${label}`, () => {
      const all = pairs(
        parseXml(xml).documentElement,
        new DOMParser().parseFromString(xml, 'text/xml').documentElement!,
      );
      expect(all.length).toBeGreaterThan(3);
      for (const [ours, dom] of all) expect(canonicalizeExclusive(ours), ours.name).toBe(theirs(dom));
    });
  }

  for (const { label, xml } of documents()) {
    const signatures = signaturesOf(parseXml(xml));
    if (signatures.length === 0) continue;
    it(`signed elements and SignedInfo of ${label}, as their References ask`, () => {
      const doc = parseXml(xml);
      const dom = new DOMParser().parseFromString(xml, 'text/xml');
      const map = new Map(pairs(doc.documentElement, dom.documentElement!));
      for (const sig of signaturesOf(doc)) {
        const signedInfo = firstChild(sig, NS.dsig, 'SignedInfo')!;
        const transforms = firstChild(firstChild(signedInfo, NS.dsig, 'Reference')!, NS.dsig, 'Transforms')!;
        const prefixes: string[] = [];
        walkElements(transforms, (el) => {
          if (el.localName === 'InclusiveNamespaces')
            prefixes.push(...(attr(el, 'PrefixList') ?? '').split(' '));
        });
        expect(canonicalizeExclusive(signedInfo)).toBe(theirs(map.get(signedInfo)!));
        const parentDom = map.get(sig.parent!)!;
        const ourCanonical = canonicalizeExclusive(sig.parent!, { inclusivePrefixes: prefixes, omit: sig });
        parentDom.removeChild(map.get(sig)!);
        expect(ourCanonical).toBe(theirs(parentDom, prefixes));
      }
    });
  }
});
