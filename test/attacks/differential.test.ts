/**
 * Differential check of the signature layer against the xmlsec1 command line: on every corpus entry
 * (valid signatures, tampered content, foreign keys, c14n edge cases, comment/CDATA splits) our
 * cryptographic verdict must equal xmlsec1's. Refusals on policy grounds (algorithm allow-list,
 * Reference shape) are not cryptographic verdicts and are only counted. Wrapping is out of scope
 * here (xmlsec1 does not check which element a signature covers).
 */
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  firstChild,
  parseXml,
  verifySignature,
  XmlRejection,
  type XmlElement,
} from '../../src/saml/xml/index.js';
import { xmlsec1Verify } from '../support/xmlsec1.js';
import type { TestKeyPair } from '../support/keys.js';
import { build, keys } from './harness.js';
import { assertionOf, first, makeEvil, mutate, signatureOf } from './mutate.js';
import { DSIG_NS } from '../support/xml-sign.js';

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
type Target = 'Assertion' | 'Response';
interface Entry {
  name: string;
  xml: string;
  target: Target;
  /** The key pair whose certificate both verifiers trust (default: the IdP's). */
  trust?: TestKeyPair;
  /** Why we refuse bytes xmlsec1 accepts (the safe direction only: ours false, xmlsec1 true). */
  stricter?: string;
}

const XPATH: Record<Target, string> = {
  Assertion: "/*/*[local-name()='Assertion']/*[local-name()='Signature']",
  Response: "/*/*[local-name()='Signature']",
};

function signatureElement(root: XmlElement, target: Target): XmlElement | null {
  const owner = target === 'Response' ? root : firstChild(root, SAML, 'Assertion');
  return owner ? firstChild(owner, DSIG_NS, 'Signature') : null;
}

/** true/false = cryptographic verdict; 'policy' = refused before any crypto on allow-list grounds. */
function ourVerdict(xml: string, target: Target, key: KeyObject): boolean | 'policy' {
  let root: XmlElement;
  try {
    root = parseXml(xml).documentElement;
  } catch (err) {
    if (err instanceof XmlRejection) return 'policy';
    throw err;
  }
  const signature = signatureElement(root, target);
  if (!signature) return false;
  const result = verifySignature(signature, { keys: [key], allowSha1: true });
  if (result.ok) return true;
  return result.check === 'signature-algorithm' || result.check === 'signature-reference' ? 'policy' : false;
}

const control = build({ nameId: 'admin@evil.com' });
const both = build({ sign: 'both' });
const reencode = (xml: string, from: string, to: string) => {
  if (!xml.includes(from)) throw new Error(`corpus builder: "${from}" not found`);
  return xml.replace(from, to);
};

const corpus: Entry[] = [
  { name: 'rsa-sha256 assertion', xml: control, target: 'Assertion' },
  { name: 'both signed: Response', xml: both, target: 'Response' },
  { name: 'both signed: Assertion', xml: both, target: 'Assertion' },
  {
    name: 'rsa-sha1',
    xml: build({ signature: { algorithm: 'rsa-sha1', digest: 'sha1' } }),
    target: 'Assertion',
  },
  {
    name: 'rsa-sha384',
    xml: build({ signature: { algorithm: 'rsa-sha384', digest: 'sha384' } }),
    target: 'Assertion',
  },
  {
    name: 'rsa-sha512',
    xml: build({ signature: { algorithm: 'rsa-sha512', digest: 'sha512' } }),
    target: 'Assertion',
  },
  {
    name: 'ecdsa-sha256',
    xml: build({ signature: { key: keys.idpEc } }),
    target: 'Assertion',
    trust: keys.idpEc,
  },
  { name: 'signed by the attacker', xml: build({ signature: { key: keys.attacker } }), target: 'Assertion' },
  {
    name: 'signed by the rollover key only',
    xml: build({ signature: { key: keys.idpNext } }),
    target: 'Assertion',
  },
  {
    name: 'NameID edited',
    xml: reencode(control, '>admin@evil.com<', '>admin@evil.co<'),
    target: 'Assertion',
  },
  {
    name: 'XSW-style evil values',
    xml: mutate(control, (d) => makeEvil(assertionOf(d))),
    target: 'Assertion',
  },
  {
    name: 'comment splitting NameID',
    xml: reencode(control, '>admin@evil.com<', '>admin<!---->@evil.com<'),
    target: 'Assertion',
  },
  {
    name: 'CDATA splitting NameID',
    xml: reencode(control, '>admin@evil.com<', '>admin<![CDATA[@evil.com]]><'),
    target: 'Assertion',
  },
  {
    name: 'character references in NameID',
    xml: reencode(control, '>admin@evil.com<', '>&#x61;dmin&#64;evil.com<'),
    target: 'Assertion',
  },
  {
    name: 'whitespace added to NameID',
    xml: reencode(control, '>admin@evil.com<', '> admin@evil.com<'),
    target: 'Assertion',
  },
  {
    name: 'DigestValue with a comment (CVE-2025-29775)',
    xml: mutate(control, (d) => {
      const dv = first(signatureOf(assertionOf(d)), 'DigestValue');
      dv.insertBefore(d.createComment('AAAA'), dv.firstChild);
    }),
    target: 'Assertion',
    stricter: 'a comment inside DigestValue is refused outright (xmlsec1 ignores it)',
  },
  {
    name: 'special characters in text (& < > " tab CR LF, non-BMP)',
    xml: build({ attributes: { 'urn:x': ['a&b<c>d"e\tf\r\ng', '\u{1F600} \u00e9 \u4e2d'] } }),
    target: 'Assertion',
  },
  {
    name: 'tab/LF/CR character references in an attribute value',
    xml: build({
      editAssertion: (x) => x.replace('Name="urn:x:tricky"', 'Name="a&#9;b&#10;c&#13;d&quot;&lt;&amp;"'),
      attributes: { 'urn:x:tricky': ['v'] },
    }),
    target: 'Assertion',
  },
  {
    name: 'default namespace, xmlns="" undeclaration and a foreign prefix',
    xml: build({
      editAssertion: (x) =>
        x.replace(
          '<saml2:AttributeStatement>',
          '<saml2:Advice><Extra xmlns="urn:d" xmlns:f="urn:f" f:a="1" b="2"><inner xmlns=""><f:deep xmlns:f="urn:g"/></inner></Extra></saml2:Advice><saml2:AttributeStatement>',
        ),
    }),
    target: 'Assertion',
  },
];

// Re-encodings of the signed bytes that XML parsing maps back to the same document.
const multiline = build({ attributes: { 'urn:x:lines': ['line1\nline2'] } });
const spaced = build({ attributes: { 'urn:x:spaced name': ['v'] } });
corpus.push(
  {
    name: 'LF re-encoded as CRLF in text',
    xml: reencode(multiline, 'line1\nline2', 'line1\r\nline2'),
    target: 'Assertion',
  },
  {
    name: 'space in attribute re-encoded as a literal tab',
    xml: reencode(spaced, 'urn:x:spaced name', 'urn:x:spaced\tname'),
    target: 'Assertion',
  },
  {
    name: 'space in attribute re-encoded as &#32;',
    xml: reencode(spaced, 'urn:x:spaced name', 'urn:x:spaced&#32;name'),
    target: 'Assertion',
  },
  {
    name: 'tab in attribute as &#9; (a different value)',
    xml: reencode(spaced, 'urn:x:spaced name', 'urn:x:spaced&#9;name'),
    target: 'Assertion',
  },
  {
    name: 'attribute quotes changed',
    xml: reencode(spaced, 'Name="urn:x:spaced name"', "Name='urn:x:spaced name'"),
    target: 'Assertion',
  },
);

describe('signature verdicts agree with xmlsec1', () => {
  it('on every corpus entry', async () => {
    const rows = await Promise.all(
      corpus.map(async (e) => {
        const trust = e.trust ?? keys.idp;
        const ours = ourVerdict(e.xml, e.target, trust.publicKey);
        const theirs = await xmlsec1Verify(e.xml, trust.certPem, XPATH[e.target]);
        return { name: e.name, ours, theirs, stricter: e.stricter };
      }),
    );
    if (process.env.SHOW_DIFF) console.table(rows);
    const disagreements = rows.filter(
      (r) => r.ours !== 'policy' && r.ours !== r.theirs && !(r.stricter && r.ours === false && r.theirs),
    );
    expect(disagreements).toEqual([]);
    // The corpus must exercise both verdicts, or agreement proves nothing.
    const compared = rows.filter((r) => r.ours !== 'policy');
    expect(compared.filter((r) => r.ours === true).length).toBeGreaterThanOrEqual(10);
    expect(compared.filter((r) => r.ours === false).length).toBeGreaterThanOrEqual(5);
  });
});
