/**
 * canonicalizeExclusive against xml-crypto's ExclusiveCanonicalization: every element of every fixture
 * document (responses, decrypted assertions, metadata), and every signed element the way its
 * Reference asks (enveloped Signature left out, InclusiveNamespaces honoured).
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { findAncestorNsForElement } from 'xml-crypto/lib/utils.js';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NS,
  attr,
  canonicalizeExclusive,
  childElements,
  firstChild,
  parseXml,
  verifySignature,
  walkElements,
  type XmlElement,
} from '../../src/saml/xml/index.js';
import { loadFixtures, signaturesOf } from '../support/xml-fixtures.js';
import { SAML_NS, resignSignedInfo, testKeys } from '../support/xml-signing.js';
import { xmlsec1Verify } from '../support/xmlsec1.js';

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

describe('canonicalizeExclusive fast paths (own binding only; attributes already in order) agree with xml-crypto', () => {
  it.each([
    '<p:a xmlns:p="urn:p" a="1" b="2" c="3"><p:b z="1" a="2"/><c xmlns="urn:c" y="1" x="2"><d/></c></p:a>',
    '<a xmlns="urn:d" b="1"><b xmlns="urn:e"><c xmlns="urn:d" a="&#9;&#xA;&#xD;&amp;&quot;&lt;"/></b></a>',
    '<p:a xmlns:p="urn:p" xmlns:q="urn:q"><q:b p:x="1" q:y="2" a="3"><p:c q:y="1"/></q:b></p:a>',
    '<a ID="1" IssueInstant="2" Version="3" xml:lang="en"><b xml:space="preserve" a="1">t</b></a>',
    '<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:q" ID="x"/><b xmlns:p="urn:p" p:ID="x" ID="y"/></p:a>',
  ])('every element of %s', (xml) => {
    const all = pairs(
      parseXml(xml).documentElement,
      new DOMParser().parseFromString(xml, 'text/xml').documentElement!,
    );
    for (const [ours, dom] of all) {
      for (const prefixes of [[], ['p']]) {
        expect(canonicalizeExclusive(ours, { inclusivePrefixes: prefixes }), ours.name).toBe(
          theirs(dom, prefixes),
        );
      }
    }
  });
});

describe('canonicalizeExclusive agrees with xml-crypto on generated namespace-heavy documents', () => {
  const ns = fc.constantFrom('urn:a', 'urn:b', 'http://example.com/x');
  const prefix = fc.constantFrom('p', 'q', 'xs');
  const text = fc.string({
    unit: fc.constantFrom('a', ' ', '\n', '\t', '&amp;', '&lt;', '&gt;', '&#13;', '"', 'é'),
  });
  const element: fc.Arbitrary<string> = fc.letrec<{ el: string }>((tie) => ({
    el: fc
      .record({
        name: fc.constantFrom('a', 'b', 'p:c', 'q:d'),
        decls: fc.array(fc.tuple(fc.option(prefix, { nil: undefined }), fc.option(ns, { nil: undefined })), {
          maxLength: 3,
        }),
        attrs: fc.uniqueArray(fc.tuple(fc.constantFrom('x', 'y', 'p:x', 'q:y', 'xml:lang'), text), {
          selector: (a) => a[0],
          maxLength: 3,
        }),
        kids: fc.array(fc.oneof(text, tie('el'), fc.constant('<!--c-->')), { maxLength: 3 }),
      })
      .map(({ name, decls, attrs, kids }) => {
        const seen = new Set<string>();
        let d = '';
        for (const [p, uri] of decls) {
          const key = p ?? '';
          // No xmlns="" here: xml-crypto repeats it where C14N does not (checked against xmlsec1 below).
          if (seen.has(key) || uri === undefined) continue;
          seen.add(key);
          d += p === undefined ? ` xmlns="${uri ?? ''}"` : ` xmlns:${p}="${uri}"`;
        }
        const a = attrs.map(([k, v]) => ` ${k}="${v.replace(/"/g, '&quot;')}"`).join('');
        return `<${name}${d}${a}>${kids.map((k) => (k.startsWith('<') ? k : k.replace(/"/g, '&quot;'))).join('')}</${name}>`;
      }),
  })).el;

  // '#default' is left out here: xml-crypto does not render an in-scope default namespace for it (see below).
  it('every element, with and without an InclusiveNamespaces list', () => {
    fc.assert(
      fc.property(element, fc.subarray(['p', 'xs']), (inner, prefixes) => {
        const xml = `<root xmlns:p="urn:p" xmlns:q="urn:q" xmlns:xs="urn:xs">${inner}</root>`;
        const all = pairs(
          parseXml(xml).documentElement,
          new DOMParser().parseFromString(xml, 'text/xml').documentElement!,
        );
        for (const [ours, dom] of all) {
          expect(canonicalizeExclusive(ours, { inclusivePrefixes: prefixes }), `${ours.name} in ${xml}`).toBe(
            theirs(dom, prefixes),
          );
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('where xml-crypto differs, our canonical bytes are what libxml2 (xmlsec1) digests', () => {
  const { idp } = testKeys();
  const template = (digest: string, prefixList: string | null, content: string): string =>
    `<root xmlns:p="urn:p"><saml:Assertion xmlns:saml="${SAML_NS.assertion}" xmlns="urn:a" ID="_x">` +
    `<ds:Signature xmlns:ds="${NS.dsig}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${NS.excC14n}"/>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_x"><ds:Transforms>` +
    `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="${NS.excC14n}">` +
    (prefixList === null
      ? ''
      : `<ec:InclusiveNamespaces xmlns:ec="${NS.excC14n}" PrefixList="${prefixList}"/>`) +
    `</ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>${digest}</ds:DigestValue>` +
    `</ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>${content}</saml:Assertion></root>`;

  it.each([
    [
      "'#default' renders the in-scope default namespace on the apex",
      '#default',
      '<b>t</b>',
      `<saml:Assertion xmlns="urn:a" xmlns:saml="${SAML_NS.assertion}" ID="_x"><b>t</b></saml:Assertion>`,
    ],
    [
      'xmlns="" is not repeated below an element that already rendered it',
      null,
      '<d xmlns="urn:d"><b xmlns=""><c/></b></d>',
      `<saml:Assertion xmlns:saml="${SAML_NS.assertion}" ID="_x"><d xmlns="urn:d"><b xmlns=""><c></c></b></d></saml:Assertion>`,
    ],
  ])('%s', async (_label, prefixList, content, expected) => {
    const prefixes = prefixList === null ? [] : [prefixList];
    const doc = parseXml(template('AAAA', prefixList, content));
    const sig = signaturesOf(doc)[0]!;
    const ours = canonicalizeExclusive(sig.parent!, { inclusivePrefixes: prefixes, omit: sig });
    expect(ours).toBe(expected);
    const digest = createHash('sha256').update(ours).digest('base64');
    const xml = resignSignedInfo(template(digest, prefixList, content), idp.privateKey);
    const pem = idp.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(await xmlsec1Verify(xml, pem)).toBe(true);
    expect(
      verifySignature(signaturesOf(parseXml(xml))[0]!, { keys: [idp.publicKey], allowSha1: false }).ok,
    ).toBe(true);
    const dom = new DOMParser().parseFromString(xml, 'text/xml');
    const assertion = domElementChildren(dom.documentElement!)[0]!;
    assertion.removeChild(domElementChildren(assertion)[0]!);
    expect(theirs(assertion, prefixes)).not.toBe(ours);
  });
});
