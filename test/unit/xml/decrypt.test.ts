import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DECRYPTION_FAILED,
  canonicalizeExclusive,
  decryptEncryptedData,
  parseXml,
  type DecryptResult,
} from '../../../src/saml/xml/index.js';
import { findElements, loadFixtures } from '../../support/xml-fixtures.js';
import { SAML_NS, sampleResponse, testKeys } from '../../support/xml-signing.js';

const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const XENC11 = 'http://www.w3.org/2009/xmlenc11#';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const keys = testKeys();
const assertionXml = sampleResponse().match(/<saml:Assertion .*<\/saml:Assertion>/)![0];

interface EncryptOptions {
  data?: 'aes128-gcm' | 'aes256-gcm' | 'aes128-cbc' | 'aes256-cbc';
  transport?: string;
  transportParams?: string;
  oaepHash?: string;
  keyPlacement?: 'keyinfo' | 'retrieval';
  to?: KeyObject;
}

function encryptAssertion(plain: string, o: EncryptOptions = {}): string {
  const data = o.data ?? 'aes256-gcm';
  const gcm = data.endsWith('gcm');
  const cek = randomBytes(data.startsWith('aes128') ? 16 : 32);
  const iv = randomBytes(gcm ? 12 : 16);
  const cipher = createCipheriv(`aes-${cek.length * 8}-${gcm ? 'gcm' : 'cbc'}`, cek, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const cipherValue = Buffer.concat([
    iv,
    body,
    gcm
      ? (cipher as ReturnType<typeof createCipheriv> & { getAuthTag(): Buffer }).getAuthTag()
      : Buffer.alloc(0),
  ]);
  const wrapped = publicEncrypt(
    {
      key: o.to ?? keys.idp.publicKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: o.oaepHash ?? 'sha1',
    },
    cek,
  );
  const transport = o.transport ?? `${XENC}rsa-oaep-mgf1p`;
  const params = o.transportParams ?? `<ds:DigestMethod xmlns:ds="${DS}" Algorithm="${DS}sha1"/>`;
  const encryptedKey =
    `<xenc:EncryptedKey xmlns:xenc="${XENC}" Id="_k1"><xenc:EncryptionMethod Algorithm="${transport}">${params}</xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>`;
  const dataAlg = gcm ? `${XENC11}${data}` : `${XENC}${data}`;
  const retrieval = o.keyPlacement === 'retrieval';
  const keyInfo = retrieval
    ? `<ds:KeyInfo xmlns:ds="${DS}"><ds:RetrievalMethod Type="${XENC}EncryptedKey" URI="#_k1"/></ds:KeyInfo>`
    : `<ds:KeyInfo xmlns:ds="${DS}">${encryptedKey}</ds:KeyInfo>`;
  return (
    `<saml:EncryptedAssertion xmlns:saml="${SAML_NS.assertion}"><xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element">` +
    `<xenc:EncryptionMethod Algorithm="${dataAlg}"/>${keyInfo}` +
    `<xenc:CipherData><xenc:CipherValue>${cipherValue.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>` +
    `${retrieval ? encryptedKey : ''}</saml:EncryptedAssertion>`
  );
}

function decrypt(xml: string, opts: { allowCbc?: boolean; keys?: KeyObject[] } = {}): DecryptResult {
  return decryptEncryptedData(parseXml(xml).documentElement, {
    keys: opts.keys ?? [keys.idp.privateKey],
    allowCbc: opts.allowCbc ?? false,
  });
}

describe('decryptEncryptedData: genuine IdP fixtures', () => {
  for (const fx of loadFixtures().filter((f) => f.spKey)) {
    it(`${fx.name}: decrypts with the SP key when CBC is allowed, refuses CBC otherwise`, () => {
      const ea = findElements(parseXml(fx.xml).documentElement, SAML_NS.assertion, 'EncryptedAssertion')[0]!;
      const r = decryptEncryptedData(ea, { keys: [keys.other.privateKey, fx.spKey!], allowCbc: true });
      expect(r).toMatchObject({ ok: true, keyTransport: `${XENC}rsa-oaep-mgf1p` });
      if (r.ok) {
        expect(parseXml(r.xml).documentElement.localName).toBe('Assertion');
        const expected = fx.extraXml.get('decrypted-assertion.xml');
        if (expected) expect(r.xml).toBe(expected);
      }
      expect(decryptEncryptedData(ea, { keys: [fx.spKey!], allowCbc: false })).toMatchObject({
        ok: false,
        check: 'decryption',
        message: expect.stringMatching(/cbc is not allowed/),
      });
    });
  }
});

describe('decryptEncryptedData: allowed algorithms', () => {
  it.each([
    ['AES-256-GCM, EncryptedKey in KeyInfo', {}],
    ['AES-128-GCM, EncryptedKey by RetrievalMethod', { data: 'aes128-gcm', keyPlacement: 'retrieval' }],
    [
      'xmlenc11 rsa-oaep with SHA-256 and MGF1-SHA-256',
      {
        transport: `${XENC11}rsa-oaep`,
        oaepHash: 'sha256',
        transportParams: `<ds:DigestMethod xmlns:ds="${DS}" Algorithm="${XENC}sha256"/><xenc11:MGF xmlns:xenc11="${XENC11}" Algorithm="${XENC11}mgf1sha256"/>`,
      },
    ],
  ] as [string, EncryptOptions][])('%s', (_label, o) => {
    const r = decrypt(encryptAssertion(assertionXml, o));
    expect(r).toMatchObject({ ok: true, xml: assertionXml });
  });

  it('finds a sibling EncryptedKey when KeyInfo only names the key', () => {
    const xml = encryptAssertion(assertionXml, { keyPlacement: 'retrieval' }).replace(
      /<ds:RetrievalMethod [^>]*\/>/,
      '<ds:KeyName>sp-2026</ds:KeyName>',
    );
    expect(decrypt(xml)).toMatchObject({ ok: true, xml: assertionXml });
  });

  it('gives back exactly the encrypted bytes, which parse to the same canonical assertion', () => {
    const r = decrypt(encryptAssertion(assertionXml, { data: 'aes128-cbc' }), { allowCbc: true });
    expect(r.ok && canonicalizeExclusive(parseXml(r.xml).documentElement)).toBe(
      canonicalizeExclusive(parseXml(assertionXml).documentElement),
    );
  });
});

describe('decryptEncryptedData: refused before decrypting', () => {
  const base = encryptAssertion(assertionXml);
  it.each([
    ['rsa-1_5 key transport', base.replace(`${XENC}rsa-oaep-mgf1p`, `${XENC}rsa-1_5`)],
    ['tripledes-cbc data', base.replace(`${XENC11}aes256-gcm`, `${XENC}tripledes-cbc`)],
    ['aes192-cbc data', base.replace(`${XENC11}aes256-gcm`, `${XENC}aes192-cbc`)],
    [
      'an EncryptionMethod in a foreign namespace placed first',
      base.replace(
        '<xenc:EncryptionMethod',
        `<f:EncryptionMethod xmlns:f="urn:f" Algorithm="${XENC11}aes256-gcm"/><xenc:EncryptionMethod`,
      ),
    ],
    [
      'a second EncryptedData',
      base.replace(
        '</saml:EncryptedAssertion>',
        base.match(/<xenc:EncryptedData.*<\/xenc:EncryptedData>/)![0] + '</saml:EncryptedAssertion>',
      ),
    ],
    [
      'a RetrievalMethod to nothing',
      encryptAssertion(assertionXml, { keyPlacement: 'retrieval' }).replace('URI="#_k1"', 'URI="#_nope"'),
    ],
    [
      'an OAEP digest with a different MGF1 hash',
      base.replace(`Algorithm="${DS}sha1"/>`, `Algorithm="${XENC}sha256"/>`),
    ],
    [
      'a CipherReference',
      base.replace(
        /<xenc:CipherValue>[^<]*<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedData>/,
        '<xenc:CipherReference URI="http://127.0.0.1/x"/></xenc:CipherData></xenc:EncryptedData>',
      ),
    ],
  ])('%s', (_label, xml) => {
    const r = decrypt(xml, { keys: [] }); // no keys at all: a structural answer proves nothing was decrypted
    expect(r).toMatchObject({ ok: false, check: 'decryption' });
    expect(r.ok || r.message).not.toBe(DECRYPTION_FAILED);
  });
});

describe('decryptEncryptedData: every cryptographic failure looks the same', () => {
  const flipBase64 = (xml: string, which: number, at: (len: number) => number, mask = 1): string => {
    let n = -1;
    return xml.replace(/(<xenc:CipherValue>)([^<]*)/g, (m, open: string, v: string) => {
      if (++n !== which) return m;
      const bytes = Buffer.from(v, 'base64');
      const i = at(bytes.length);
      bytes[i] = (bytes[i] ?? 0) ^ mask;
      return open + bytes.toString('base64');
    });
  };
  const gcm = encryptAssertion(assertionXml);
  const cbc = encryptAssertion(assertionXml, { data: 'aes256-cbc', keyPlacement: 'retrieval' });
  const cbcPad = 16 - (Buffer.byteLength(assertionXml) % 16);

  it.each([
    ['the wrong SP key', decrypt(gcm, { keys: [keys.other.privateKey] })],
    ['a public key where a private key belongs', decrypt(gcm, { keys: [keys.idp.publicKey] })],
    ['a flipped GCM tag', decrypt(flipBase64(gcm, 1, (len) => len - 1))],
    ['a flipped GCM ciphertext byte', decrypt(flipBase64(gcm, 1, () => 20))],
    ['a flipped wrapped key', decrypt(flipBase64(gcm, 0, () => 5))],
    // Flipping the previous block's last byte turns the pad length byte into 0x20 (> the block size).
    [
      'broken CBC padding',
      decrypt(
        flipBase64(cbc, 0, (len) => len - 17, cbcPad ^ 0x20),
        { allowCbc: true },
      ),
    ],
  ])('%s', (_label, r) => {
    expect(r).toEqual({ ok: false, check: 'decryption', message: DECRYPTION_FAILED });
  });
});
