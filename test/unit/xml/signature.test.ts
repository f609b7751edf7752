import { describe, expect, it } from 'vitest';
import {
  NS,
  parseXml,
  textOf,
  verifySignature,
  type SignatureResult,
  type XmlElement,
} from '../../../src/saml/xml/index.js';
import { findElements, loadFixtures } from '../../support/xml-fixtures.js';
import {
  resignSignedInfo,
  sampleResponse,
  signWithXmlCrypto,
  testKeys,
  SAML_NS,
} from '../../support/xml-signing.js';

const keys = testKeys();
const signed = signWithXmlCrypto(sampleResponse(), keys.idp.privatePem);

function verify(
  xml: string,
  opts: { allowSha1?: boolean; keys?: (typeof keys.idp.publicKey)[] } = {},
): SignatureResult {
  const sigs = findElements(parseXml(xml).documentElement, NS.dsig, 'Signature');
  expect(sigs).toHaveLength(1);
  return verifySignature(sigs[0] as XmlElement, {
    keys: opts.keys ?? [keys.idp.publicKey],
    allowSha1: opts.allowSha1 ?? false,
  });
}

/** Apply `edit` to the signed document, then re-sign SignedInfo so only the rule under test can fail. */
function tampered(edit: (xml: string) => string): string {
  return resignSignedInfo(edit(signed), keys.idp.privateKey);
}

const ALG = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  hmacSha1: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
};

describe('verifySignature: a correct signature', () => {
  it('verifies an assertion signed by xml-crypto and names what it covers', () => {
    const r = verify(signed, { keys: [keys.other.publicKey, keys.idp.publicKey] });
    expect(r).toMatchObject({
      ok: true,
      keyIndex: 1,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    });
    if (r.ok)
      expect([r.signedElement.localName, r.signedElement.namespaceURI]).toEqual([
        'Assertion',
        SAML_NS.assertion,
      ]);
  });

  it('verifies a Response signature (the Assertion inside is covered)', () => {
    const r = verify(signWithXmlCrypto(sampleResponse(), keys.idp.privatePem, { element: 'Response' }));
    expect(r.ok && r.signedElement.localName).toBe('Response');
  });

  it('honours InclusiveNamespaces: removing the PrefixList breaks the digest of an xs-typed value', () => {
    // xml-crypto also writes the PrefixList under enveloped-signature, which takes no parameters: refused.
    const asSigned = signWithXmlCrypto(sampleResponse(), keys.idp.privatePem, { inclusivePrefixes: 'xs' });
    expect(verify(asSigned)).toMatchObject({ ok: false, check: 'signature-algorithm' });
    const envelopedParam =
      /<InclusiveNamespaces PrefixList="xs" xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#enveloped-signature"\/>/;
    const withList = resignSignedInfo(asSigned.replace(envelopedParam, ''), keys.idp.privateKey);
    expect(withList).toContain('PrefixList="xs"');
    expect(verify(withList).ok).toBe(true);
    const without = resignSignedInfo(
      withList.replace(/<InclusiveNamespaces[^>]*\/>/, ''),
      keys.idp.privateKey,
    );
    expect(verify(without)).toMatchObject({ ok: false, check: 'signature-digest' });
  });

  it('verifies ECDSA-SHA256 with an EC key, and refuses it when only RSA keys are configured', () => {
    const ecdsa = resignSignedInfo(
      signed.replace('xmldsig-more#rsa-sha256', 'xmldsig-more#ecdsa-sha256'),
      keys.ec.privateKey,
    );
    expect(verify(ecdsa, { keys: [keys.idp.publicKey, keys.ec.publicKey] })).toMatchObject({
      ok: true,
      keyIndex: 1,
    });
    expect(verify(ecdsa)).toMatchObject({
      ok: false,
      check: 'signature-value',
      message: expect.stringMatching(/no EC key/),
    });
  });

  it('accepts whitespace inside base64 values', () => {
    const wrapped = signed.replace(
      /(<ds:SignatureValue>)([^<]*)(<\/ds:SignatureValue>)/,
      (_m, a, v: string, b) => a + `\n${v.replace(/(.{64})/g, '$1\n')}\n` + b,
    );
    expect(wrapped).not.toBe(signed);
    expect(verify(wrapped).ok).toBe(true);
  });
});

describe('verifySignature: cryptographic failures', () => {
  it('refuses a changed signed value (signature-digest)', () => {
    expect(verify(signed.replace('user@example.com', 'admin@example.com'))).toMatchObject({
      ok: false,
      check: 'signature-digest',
    });
  });

  it('refuses another key (signature-value); KeyInfo is never used', () => {
    expect(verify(signed, { keys: [keys.other.publicKey] })).toMatchObject({
      ok: false,
      check: 'signature-value',
    });
    expect(verify(signed, { keys: [] })).toMatchObject({ ok: false, check: 'signature-value' });
  });

  it('refuses a comment inside DigestValue (CVE-2025-29775)', () => {
    const xml = tampered((x) => x.replace('<ds:DigestValue>', '<ds:DigestValue><!--AAAA-->'));
    expect(verify(xml)).toMatchObject({ ok: false, check: 'signature-digest' });
  });

  it.each([
    ['not base64', (v: string) => `${v}!`],
    [
      'non-canonical padding bits',
      (v: string) => v.replace(/.=$/, (m) => String.fromCharCode(m.charCodeAt(0) + 1) + '='),
    ],
    ['wrong length for the digest', (v: string) => v.slice(0, -4)],
  ])('refuses a DigestValue that is %s', (_label, change) => {
    const xml = tampered((x) => x.replace(/(<ds:DigestValue>)([^<]*)/, (_m, a, v: string) => a + change(v)));
    expect(verify(xml)).toMatchObject({ ok: false, check: 'signature-digest' });
  });

  it('still verifies with a comment split inside NameID (c14n drops it), so textOf flags the split', () => {
    const xml = signed.replace('user@example.com', 'user@example.com<!---->.evil.com');
    const fresh = signWithXmlCrypto(sampleResponse('user@example.com.evil.com'), keys.idp.privatePem);
    const spliced = fresh.replace('user@example.com.evil.com', 'user@example.com<!---->.evil.com');
    expect(verify(xml).ok).toBe(false);
    expect(verify(spliced).ok).toBe(true);
    const nameId = findElements(
      parseXml(spliced).documentElement,
      SAML_NS.assertion,
      'NameID',
    )[0] as XmlElement;
    expect(textOf(nameId)).toEqual({ text: 'user@example.com.evil.com', split: true });
  });
});

describe('verifySignature: algorithm allow-list, checked before any crypto', () => {
  it.each([
    [
      'HMAC-SHA1',
      (x: string) => x.replace('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', ALG.hmacSha1),
    ],
    [
      'RSA-SHA1 without allowSha1',
      (x: string) => x.replace('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', ALG.rsaSha1),
    ],
    [
      'SHA-1 digest without allowSha1',
      (x: string) =>
        x.replace(`DigestMethod Algorithm="${ALG.sha256}"`, `DigestMethod Algorithm="${ALG.sha1}"`),
    ],
    [
      'c14n with comments',
      (x: string) =>
        x.replace(
          `CanonicalizationMethod Algorithm="${ALG.excC14n}"`,
          `CanonicalizationMethod Algorithm="${ALG.excC14n}WithComments"`,
        ),
    ],
    [
      'inclusive c14n',
      (x: string) =>
        x.replace(
          `CanonicalizationMethod Algorithm="${ALG.excC14n}"`,
          'CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"',
        ),
    ],
    [
      'an XPath transform added',
      (x: string) =>
        x.replace(
          '</ds:Transforms>',
          '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform></ds:Transforms>',
        ),
    ],
    [
      'an XSLT transform instead of exc-c14n',
      (x: string) =>
        x.replace(
          `Transform Algorithm="${ALG.excC14n}"`,
          'Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"',
        ),
    ],
    ['enveloped-signature alone', (x: string) => x.replace(`<ds:Transform Algorithm="${ALG.excC14n}"/>`, '')],
    [
      'transforms in reverse order',
      (x: string) =>
        x.replace(
          /<ds:Transforms>.*<\/ds:Transforms>/,
          `<ds:Transforms><ds:Transform Algorithm="${ALG.excC14n}"/><ds:Transform Algorithm="${ALG.enveloped}"/></ds:Transforms>`,
        ),
    ],
    ['no Transforms', (x: string) => x.replace(/<ds:Transforms>.*<\/ds:Transforms>/, '')],
    [
      'HMACOutputLength on SignatureMethod',
      (x: string) =>
        x.replace(
          /(<ds:SignatureMethod [^>]*)\/>/,
          '$1><ds:HMACOutputLength>8</ds:HMACOutputLength></ds:SignatureMethod>',
        ),
    ],
  ])('refuses %s as signature-algorithm even though the digest is then wrong', (_label, edit) => {
    const r = verify(edit(signed));
    expect(r).toMatchObject({ ok: false, check: 'signature-algorithm' });
  });

  it('refuses an oversized InclusiveNamespaces PrefixList before canonicalizing anything', () => {
    const prefixes = Array.from({ length: 33 }, (_, i) => `p${i}`).join(' ');
    const xml = signed.replace(
      `<ds:Transform Algorithm="${ALG.excC14n}"/>`,
      `<ds:Transform Algorithm="${ALG.excC14n}"><ec:InclusiveNamespaces xmlns:ec="${ALG.excC14n}" PrefixList="${prefixes}"/></ds:Transform>`,
    );
    expect(verify(xml)).toMatchObject({
      ok: false,
      check: 'signature-algorithm',
      message: expect.stringMatching(/cap of 32/),
    });
  });

  it('accepts RSA-SHA1 and SHA-1 digests only when allowSha1 (a genuine SHA-1 fixture)', () => {
    const fx = loadFixtures().find((f) => f.name === 'adfs-2')!;
    const sig = findElements(parseXml(fx.xml).documentElement, NS.dsig, 'Signature')[0] as XmlElement;
    expect(verifySignature(sig, { keys: [fx.key], allowSha1: false })).toMatchObject({
      ok: false,
      check: 'signature-algorithm',
    });
    expect(verifySignature(sig, { keys: [fx.key], allowSha1: true })).toMatchObject({ ok: true });
  });
});

describe('verifySignature: SignedInfo and Reference structure', () => {
  const reference = /<ds:Reference .*<\/ds:Reference>/;
  it.each([
    ['two References', (x: string) => x.replace(reference, (r) => r + r)],
    ['Reference URI ""', (x: string) => x.replace('URI="#_a1"', 'URI=""')],
    ['Reference to another element', (x: string) => x.replace('URI="#_a1"', 'URI="#_r1"')],
    ['Reference without URI', (x: string) => x.replace('URI="#_a1"', '')],
    [
      'a second SignedInfo (CVE-2025-29774)',
      (x: string) => x.replace(/<ds:SignedInfo>.*<\/ds:SignedInfo>/, (s) => s + s),
    ],
    [
      'SignedInfo wrapped in an unknown element',
      (x: string) => x.replace(/<ds:SignedInfo>.*<\/ds:SignedInfo>/, (s) => `<WRAPPER>${s}</WRAPPER>`),
    ],
    [
      'an unknown element in Signature',
      (x: string) => x.replace('</ds:SignatureValue>', '</ds:SignatureValue><ds:Manifest/>'),
    ],
    ['a comment in SignedInfo', (x: string) => x.replace('<ds:SignedInfo>', '<ds:SignedInfo><!--x-->')],
    ['text in Reference', (x: string) => x.replace('<ds:DigestMethod', 'junk<ds:DigestMethod')],
    ['a parent with two ID attributes', (x: string) => x.replace('ID="_a1"', 'ID="_a1" Id="_a1"')],
  ])('refuses %s', (_label, edit) => {
    expect(verify(tampered(edit))).toMatchObject({ ok: false, check: 'signature-reference' });
  });

  it('refuses a Signature that is the document element (nothing to envelop)', () => {
    const bare = signed.match(/<ds:Signature .*<\/ds:Signature>/)![0];
    const r = verifySignature(parseXml(bare).documentElement, {
      keys: [keys.idp.publicKey],
      allowSha1: false,
    });
    expect(r).toMatchObject({
      ok: false,
      check: 'signature-reference',
      message: expect.stringMatching(/no parent/),
    });
  });

  it('refuses an element that is not ds:Signature', () => {
    const issuer = findElements(
      parseXml(signed).documentElement,
      SAML_NS.assertion,
      'Issuer',
    )[0] as XmlElement;
    expect(verifySignature(issuer, { keys: [keys.idp.publicKey], allowSha1: false })).toMatchObject({
      ok: false,
      check: 'signature-reference',
    });
  });

  it('the SignedInfo whose References are checked is the one whose value is verified', () => {
    // A re-signed second Reference to the Response would pass a verifier reading References document-wide.
    const xml = tampered((x) => x.replace('URI="#_a1"', 'URI="#_r1"'));
    expect(verify(xml)).toMatchObject({
      ok: false,
      check: 'signature-reference',
      message: expect.stringMatching(/#_a1/),
    });
  });
});
