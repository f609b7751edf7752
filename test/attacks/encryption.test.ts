/**
 * saml-attacks.md §1.12 EncryptedAssertion misuse: weak algorithms refused before decrypting,
 * unsigned decrypted assertions, swapped ciphertexts, structural tricks inside the plaintext, and
 * one generic error for every cryptographic failure (no padding / Bleichenbacher oracle).
 */
import { describe, expect, it } from 'vitest';
import { build, expectAccepted, expectAttackRefused, expectRefused, idp, keys, NOW } from './harness.js';
import { first, mutate, responseOf } from './mutate.js';
import { encryptAssertion, XENC } from '../support/xml-encrypt.js';
import { parseXml } from '../support/xml-sign.js';

const control = build({ encrypt: true });
/** Replace the EncryptedAssertion of `xml` with one built around `plaintext`. */
function swapEncrypted(
  xml: string,
  plaintext: string,
  opts: Parameters<typeof encryptAssertion>[1] = { publicKey: keys.spEncryption.publicKey },
): string {
  const replacement = encryptAssertion(plaintext, opts).xml;
  return xml.replace(/<saml2:EncryptedAssertion[\s\S]*<\/saml2:EncryptedAssertion>/, replacement);
}
const plainAssertion = (o: Parameters<typeof idp.response>[0] = {}) =>
  idp.response({ now: NOW, ...o }).assertionXml;

describe('EncryptedAssertion (§1.12)', () => {
  it('AES-GCM + RSA-OAEP-MGF1P (Okta shape) and a sibling EncryptedKey (Shibboleth shape) are accepted', async () => {
    const assertion = await expectAccepted(control);
    expect(assertion.attributes['https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName']).toEqual([
      'alice@example.com',
    ]);
    await expectAccepted(
      build({ encrypt: { keyPlacement: 'sibling', dataAlgorithm: 'aes128-gcm', keyAlgorithm: 'rsa-oaep' } }),
    );
  });

  it('rsa-1_5 key transport is refused before decrypting', async () => {
    await expectAttackRefused(control, build({ encrypt: { keyAlgorithm: 'rsa-1_5' } }), 'decryption');
  });

  it('AES-CBC is refused unless the provider allows it', async () => {
    const cbc = build({ encrypt: { dataAlgorithm: 'aes128-cbc' } });
    await expectAccepted(cbc, { allowAesCbc: true });
    await expectAttackRefused(control, cbc, 'decryption');
  });

  it('tripledes-cbc and an unknown algorithm are refused', async () => {
    for (const uri of ['http://www.w3.org/2001/04/xmlenc#tripledes-cbc', 'urn:evil:cipher']) {
      const attack = control.replace('http://www.w3.org/2009/xmlenc11#aes256-gcm', uri);
      await expectAttackRefused(control, attack, 'decryption', { allowAesCbc: true });
    }
  });

  it('a foreign-namespace EncryptionMethod placed first', async () => {
    const attack = control.replace(
      '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>',
      '<x:EncryptionMethod xmlns:x="urn:evil" Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>$&',
    );
    await expectAttackRefused(control, attack, 'decryption');
  });

  it('an unsigned decrypted assertion inside an unsigned Response', async () => {
    await expectAttackRefused(control, build({ sign: 'none', encrypt: true }), 'assertion-signed');
  });

  it('an unsigned decrypted assertion is accepted under a signed Response, unless assertions must be signed', async () => {
    const signedResponse = build({ sign: 'response', encrypt: true });
    await expectAccepted(signedResponse);
    await expectAttackRefused(control, signedResponse, 'assertion-signed', { requireSignedAssertion: true });
  });

  it('the EncryptedAssertion of a signed Response swapped for an attacker-encrypted forgery', async () => {
    const signedResponse = build({ sign: 'response', encrypt: true });
    const attack = swapEncrypted(signedResponse, plainAssertion({ sign: 'none', roleSessionName: 'admin' }));
    await expectAttackRefused(signedResponse, attack, 'signature-digest');
  });

  it('swapped for an assertion the attacker signed with his own key', async () => {
    const attack = swapEncrypted(
      control,
      plainAssertion({ signature: { key: keys.attacker }, roleSessionName: 'admin' }),
    );
    await expectAttackRefused(control, attack, 'assertion-signed');
  });

  it('swapped for a genuine assertion encrypted for another SP', async () => {
    const attack = swapEncrypted(control, plainAssertion(), { publicKey: keys.spSigning.publicKey });
    await expectAttackRefused(control, attack, 'decryption');
  });

  it('no SP decryption key configured', async () => {
    await expectAccepted(control);
    await expectRefused(control, 'decryption', { spDecryptionKeys: [] });
  });

  it('plaintext holding two assertions, a Response, or a DOCTYPE', async () => {
    const signed = plainAssertion();
    await expectAttackRefused(
      control,
      swapEncrypted(control, signed + plainAssertion({ roleSessionName: 'admin' })),
      'decryption',
    );
    await expectAttackRefused(
      control,
      swapEncrypted(control, build({ sign: 'none' }).replace(/^<\?xml[^>]*\?>/, '')),
      'decryption',
    );
    await expectAttackRefused(
      control,
      swapEncrypted(control, `<!DOCTYPE x [<!ENTITY e "admin">]>${signed}`),
      'decryption',
    );
  });

  it('two EncryptedAssertions, or an Assertion beside an EncryptedAssertion', async () => {
    const other = first(parseXml(build({ encrypt: true, roleSessionName: 'admin' })), 'EncryptedAssertion');
    const twice = mutate(control, (doc) => {
      responseOf(doc).appendChild(doc.importNode(other, true));
    });
    await expectAttackRefused(control, twice, 'assertion-count');
    const beside = control.replace(
      '</saml2p:Response>',
      `${plainAssertion({ roleSessionName: 'admin' })}</saml2p:Response>`,
    );
    await expectAttackRefused(control, beside, 'assertion-count');
  });

  it('every AES-GCM failure gives the same message (no oracle)', async () => {
    const messages = await Promise.all([
      expectRefused(flipCipherByte(control, 12), 'decryption'), // first ciphertext byte: GCM tag fails
      expectRefused(flipCipherByte(control, 3), 'decryption'), // IV byte
      expectRefused(control, 'decryption', { spDecryptionKeys: [keys.spSigning.privateKey] }), // wrong key
    ]);
    expect(new Set(messages).size).toBe(1);
  });

  // Regression (hole found by this suite, fixed in 45f863c): with AES-CBC allowed (SimpleSAMLphp 1.19
  // always sends aes128-cbc), a ciphertext whose padding was valid but whose plaintext was not
  // well-formed was refused with the XML parser's message quoting the decrypted bytes ("end tag
  // </saml2:Assertion> does not match <saml2:Arsertion>"), rendered on the ACS error page, while bad
  // padding gave the generic message: flipping IV bits of a captured EncryptedAssertion read plaintext
  // back, and the two messages alone were a padding oracle (Jager & Somorovsky, CCS 2011).
  it('every AES-CBC failure gives the same message and never echoes plaintext (no oracle)', async () => {
    const cbc = build({ encrypt: { dataAlgorithm: 'aes256-cbc' } });
    const allow = { allowAesCbc: true };
    const messages = await Promise.all([
      expectRefused(flipCipherByte(cbc, -1), 'decryption', allow), // last byte: padding (almost always) invalid
      expectRefused(flipCipherByte(cbc, 5), 'decryption', allow), // IV byte 5: "saml2" → "saml3", padding valid
      expectRefused(cbc, 'decryption', { ...allow, spDecryptionKeys: [keys.spSigning.privateKey] }),
    ]);
    expect(messages.join('\n')).not.toMatch(/saml|Assertion/);
    expect(new Set(messages).size).toBe(1);
  });
});

/** Flip the low bit of byte `index` (negative: from the end) of the EncryptedData CipherValue. */
function flipCipherByte(xml: string, index: number): string {
  const values = first(parseXml(xml), 'EncryptedData').getElementsByTagNameNS(XENC.ns, 'CipherValue');
  const text = values[values.length - 1]!.textContent!;
  const raw = Buffer.from(text, 'base64');
  const at = index < 0 ? raw.length + index : index;
  raw[at] = raw[at]! ^ 0x01;
  return xml.replace(text, raw.toString('base64'));
}
