import { describe, expect, it } from 'vitest';
import { descendants } from '../support/xml-sign.js';
import { RESPONSE_PROPERTIES, mutatedInput, verifyFuzzed, type Variant } from './response-properties.js';
import { describeFuzz } from './suite.js';
import { parseWithXmldom } from './xml-mutations.js';

describeFuzz('fuzz: SAML response verification', RESPONSE_PROPERTIES);

const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');
const originalXml = async (variant: Variant) => decode(await mutatedInput(variant, []));

describe('both sides of the mutation rule, on fixed mutations', () => {
  it.each(['assertion', 'both', 'response'] as const)(
    'accepts spaces inside the NameID start tag of a %s-signed response (canonical form unchanged)',
    async (variant) => {
      const xml = await originalXml(variant);
      const tag = xml.slice(0, xml.indexOf('>', xml.indexOf('<saml2:NameID'))).split('>').length - 1;
      const input = await mutatedInput(variant, [{ op: 'whitespace', tag, inside: true, text: '  ' }]);
      expect(decode(input)).toMatch(/<saml2:NameID [^>]*" {2}>alice@example.com</);
      expect(await verifyFuzzed(input)).toMatchObject({
        ok: true,
        assertion: { nameId: 'alice@example.com' },
      });
    },
  );

  it.each(['assertion', 'both', 'response'] as const)(
    'refuses a changed NameID in a %s-signed response by the digest check',
    async (variant) => {
      const element = descendants(parseWithXmldom(await originalXml(variant))).findIndex(
        (e) => e.localName === 'NameID',
      );
      const input = await mutatedInput(variant, [{ op: 'set-text', element, text: 'bob@example.com' }]);
      expect(decode(input)).toContain('>bob@example.com</saml2:NameID>');
      expect(await verifyFuzzed(input)).toMatchObject({ ok: false, check: 'signature-digest' });
    },
  );

  it('accepts a both-signed response stripped of its Response signature as assertion-signed (seed 1225407626)', async () => {
    const xml = await originalXml('both');
    const signature = descendants(parseWithXmldom(xml)).findIndex((e) => e.localName === 'Signature');
    const input = await mutatedInput('both', [{ op: 'delete-element', element: signature }]);
    expect(decode(input).match(/<ds:Signature /g)).toHaveLength(1);
    expect(await verifyFuzzed(input)).toMatchObject({ ok: true, assertion: { signedBy: 'assertion' } });
  });

  it('encrypted variant: accepts whitespace between Response children, refuses a changed ciphertext', async () => {
    const xml = await originalXml('encrypted');
    const statusEnd = xml.indexOf('</saml2p:Status>') + '</saml2p:Status>'.length;
    const tag = xml.slice(0, statusEnd).split('>').length - 2;
    const spaced = await mutatedInput('encrypted', [{ op: 'whitespace', tag, inside: false, text: '\n  ' }]);
    expect(decode(spaced)).toContain('</saml2p:Status>\n  <');
    expect(await verifyFuzzed(spaced)).toMatchObject({
      ok: true,
      assertion: { nameId: 'alice@example.com' },
    });

    const elements = descendants(parseWithXmldom(xml));
    const cipherValue = elements.map((e) => e.localName).lastIndexOf('CipherValue');
    const forged = await mutatedInput('encrypted', [
      { op: 'set-text', element: cipherValue, text: 'AAAA' + 'A'.repeat(60) },
    ]);
    expect(await verifyFuzzed(forged)).toMatchObject({ ok: false, check: 'decryption' });
  });

  it('encrypted variant: a copy of the EncryptedKey CipherData under DigestMethod changes no claim and is tolerated (seed 1186154957)', async () => {
    const elements = descendants(parseWithXmldom(await originalXml('encrypted')));
    const names = elements.map((e) => e.localName);
    const cipherData = names.indexOf('CipherData');
    expect(elements[cipherData]?.parentNode?.localName).toBe('EncryptedKey');
    const input = await mutatedInput('encrypted', [
      { op: 'duplicate-element', element: cipherData, into: names.indexOf('DigestMethod'), position: 0 },
    ]);
    expect(decode(input)).toMatch(/<ds:DigestMethod [^>]*><xenc:CipherData>/);
    expect(await verifyFuzzed(input)).toMatchObject({ ok: true, assertion: { nameId: 'alice@example.com' } });
  });
});
