/**
 * verifySignature against xml-crypto and the xmlsec1 command line on every fixture signature and on
 * mutated copies (a signed value, the SignatureValue, the DigestValue). All three must agree on whether
 * the signature is cryptographically valid (algorithm allow-list aside: allowSha1 is on here).
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { describe, expect, it } from 'vitest';
import {
  NS,
  decryptEncryptedData,
  firstChild,
  ownId,
  parseXml,
  textOf,
  verifySignature,
} from '../../src/saml/xml/index.js';
import { SAML_NS } from '../support/xml-signing.js';
import { xmlsec1Verify } from '../support/xmlsec1.js';
import {
  elementAt,
  findElements,
  loadFixtures,
  positionalPath,
  signaturesOf,
  type IdpFixture,
} from '../support/xml-fixtures.js';

function xmlCryptoVerify(xml: string, certPem: string, signaturePath: string): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  let node: Element | null = doc.documentElement;
  for (const m of signaturePath.slice(2).matchAll(/\/\*\[(\d+)\]/g)) {
    const elements: Element[] = [];
    for (let c = node?.firstChild ?? null; c; c = c.nextSibling)
      if (c.nodeType === 1) elements.push(c as Element);
    node = elements[Number(m[1]) - 1] ?? null;
  }
  if (!node) throw new Error(`no signature at ${signaturePath}`);
  const sig = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
  sig.loadSignature(node as unknown as Node); // xml-crypto is typed with DOM lib nodes; xmldom's are what it walks
  try {
    return sig.checkSignature(xml);
  } catch {
    return false; // xml-crypto throws for a failed reference digest
  }
}

/** Change one character of `value` (keeping it base64/text-shaped) at its first occurrence after `from`. */
function flipIn(xml: string, value: string, from = 0): string {
  const at = xml.indexOf(value, from);
  if (at < 0 || value.length < 4) throw new Error(`cannot mutate "${value}"`);
  const i = at + Math.floor(value.length / 2);
  const c = xml[i] as string;
  const replacement = /[0-9]/.test(c)
    ? String((Number(c) + 1) % 10)
    : c === 'A'
      ? 'B'
      : c === 'a'
        ? 'b'
        : /[a-z]/.test(c)
          ? 'a'
          : 'A';
  return xml.slice(0, i) + replacement + xml.slice(i + 1);
}

interface Case {
  readonly label: string;
  readonly xml: string;
  readonly expectValid: boolean;
}

function casesFor(fx: { xml: string }, path: string): Case[] {
  const sig = elementAt(parseXml(fx.xml), path);
  const parent = sig.parent!;
  const digest = textOf(
    firstChild(
      firstChild(firstChild(sig, NS.dsig, 'SignedInfo')!, NS.dsig, 'Reference')!,
      NS.dsig,
      'DigestValue',
    )!,
  ).text;
  const sigValue = textOf(firstChild(sig, NS.dsig, 'SignatureValue')!).text.trim();
  const issuer = textOf(firstChild(parent)!).text.trim(); // the parent's first child is its Issuer
  const idAt = fx.xml.indexOf(`ID="${ownId(parent)}"`);
  return [
    { label: 'as issued', xml: fx.xml, expectValid: true },
    { label: 'signed value flipped', xml: flipIn(fx.xml, issuer, idAt), expectValid: false },
    { label: 'SignatureValue flipped', xml: flipIn(fx.xml, sigValue.slice(0, 40)), expectValid: false },
    { label: 'DigestValue changed', xml: flipIn(fx.xml, digest), expectValid: false },
  ];
}

/** Every fixture response, plus the assertions decrypted from the encrypted fixtures (their own signatures). */
function signedDocuments(): IdpFixture[] {
  return loadFixtures().flatMap((fx) => {
    if (!fx.spKey) return [fx];
    const ea = findElements(parseXml(fx.xml).documentElement, SAML_NS.assertion, 'EncryptedAssertion')[0];
    const plain = ea && decryptEncryptedData(ea, { keys: [fx.spKey], allowCbc: true });
    if (!plain?.ok) throw new Error(`${fx.name}: cannot decrypt`);
    return [fx, { ...fx, name: `${fx.name} (decrypted assertion)`, xml: plain.xml }];
  });
}

describe('verifySignature agrees with xml-crypto and xmlsec1', () => {
  for (const fx of signedDocuments()) {
    const paths = signaturesOf(parseXml(fx.xml)).map(positionalPath);
    for (const path of paths) {
      it(`${fx.name} signature ${path}`, async () => {
        for (const c of casesFor(fx, path)) {
          const doc = parseXml(c.xml);
          const ours = verifySignature(elementAt(doc, path), { keys: [fx.key], allowSha1: true });
          const verdicts = {
            ours: ours.ok,
            xmlCrypto: xmlCryptoVerify(c.xml, fx.certPem, path),
            xmlsec1: await xmlsec1Verify(c.xml, fx.certPem, path),
          };
          expect(verdicts, c.label).toEqual({
            ours: c.expectValid,
            xmlCrypto: c.expectValid,
            xmlsec1: c.expectValid,
          });
          if (!ours.ok) expect(['signature-digest', 'signature-value'], c.label).toContain(ours.check);
        }
      });
    }
  }

  it('covers every fixture with at least one signature', () => {
    for (const fx of loadFixtures())
      expect(signaturesOf(parseXml(fx.xml)).length, fx.name).toBeGreaterThan(0);
  });
});

/** Rewrites that change the bytes but not the exc-c14n form: every verifier must still accept. */
const INVARIANT_REWRITES: [string, (xml: string) => string][] = [
  ['attribute values in single quotes', (x) => x.replace(/(\s[\w:.-]+)="([^"'<]*)"/g, "$1='$2'")],
  ['whitespace before the end of start tags', (x) => x.replace(/"(\/?)>/g, '"\n$1>')],
  [
    'empty elements written as start and end tags',
    (x) => x.replace(/<([\w:]+)((?: [^<>]*)?)\/>/g, '<$1$2></$1>'),
  ],
  [
    '"a" in text written as a character reference',
    (x) => x.replace(/>([^<]+)</g, (_m, t: string) => `>${t.replace(/a/g, '&#97;')}<`),
  ],
  [
    'an unused namespace declaration on every element',
    (x) => x.replace(/<([\w]+:?[\w]*) /g, '<$1 xmlns:unused="urn:unused" '),
  ],
  // CVE-2017-11427 shape: c14n drops the comment, so the signature stays valid (textOf must flag the split).
  [
    'a comment inside Issuer, NameID, Audience and AttributeValue text',
    (x) =>
      x.replace(
        /(<[\w]*:?(?:Issuer|NameID|Audience|AttributeValue)\b[^<>]*>)([^<\s]{2})([^<]*)</g,
        '$1$2<!--c-->$3<',
      ),
  ],
];

describe('verifySignature, xml-crypto and xmlsec1 all accept byte-level rewrites that keep the canonical form', () => {
  for (const fx of signedDocuments()) {
    const paths = signaturesOf(parseXml(fx.xml)).map(positionalPath);
    it(`${fx.name}`, async () => {
      let applied = 0;
      for (const [label, rewrite] of INVARIANT_REWRITES) {
        const xml = rewrite(fx.xml);
        if (xml === fx.xml) continue; // e.g. no empty elements in an already canonical assertion
        applied++;
        for (const path of paths) {
          const ours = verifySignature(elementAt(parseXml(xml), path), { keys: [fx.key], allowSha1: true });
          const verdicts = {
            ours: ours.ok,
            xmlCrypto: xmlCryptoVerify(xml, fx.certPem, path),
            xmlsec1: await xmlsec1Verify(xml, fx.certPem, path),
          };
          expect(verdicts, `${label} ${path}`).toEqual({ ours: true, xmlCrypto: true, xmlsec1: true });
        }
      }
      expect(applied).toBeGreaterThanOrEqual(INVARIANT_REWRITES.length - 1);
    });
  }
});
