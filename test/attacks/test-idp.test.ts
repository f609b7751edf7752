/**
 * The test IdP itself must be right, or every attack test built on it proves nothing: its
 * signatures verify with an independent verifier (xml-crypto), its ciphertexts decrypt with plain
 * node crypto, its redirect signatures verify over the signed octets.
 */
import { execFile } from 'node:child_process';
import { constants, createDecipheriv, privateDecrypt, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { testKeys } from '../support/keys.js';
import { redirectQuery } from '../support/redirect-binding.js';
import { postForm, ROLE_ATTRIBUTE, TestIdp } from '../support/test-idp.js';
import { descendants, parseXml } from '../support/xml-sign.js';
import { xmlsec1Verify } from '../support/xmlsec1.js';

const keys = testKeys();
const run = promisify(execFile);
const idp = new TestIdp();

function xmlCryptoVerifies(xml: string, certPem: string, elementLocalName: string): boolean {
  const doc = parseXml(xml);
  const element = descendants(doc, elementLocalName)[0];
  const signature = element && descendants(element, 'Signature')[0];
  if (!signature) return false;
  const sig = new SignedXml({ publicCert: certPem });
  sig.loadSignature(signature.toString());
  try {
    return sig.checkSignature(xml);
  } catch {
    return false; // xml-crypto throws on an invalid signature value
  }
}

describe('test keys', () => {
  it('concurrent generator runs install one complete, consistent key set', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'ramgate-keys-')), 'keys');
    const script = fileURLToPath(new URL('../../scripts/gen-test-keys.sh', import.meta.url));
    await Promise.all([1, 2, 3].map(() => run('bash', [script, dir])));
    const set = testKeys(dir);
    for (const pair of Object.values(set)) {
      expect(pair.cert.checkPrivateKey(pair.privateKey), pair.name).toBe(true);
    }
    expect(set.idp.certPem).not.toBe(keys.idp.certPem); // generated here, not copied
    await rm(dirname(dir), { recursive: true, force: true });
  });
});

describe('test IdP', () => {
  it('signs Assertion and Response so an independent verifier accepts them', () => {
    const { xml } = idp.response({ sign: 'both' });
    expect(xmlCryptoVerifies(xml, keys.idp.certPem, 'Assertion')).toBe(true);
    expect(xmlCryptoVerifies(xml, keys.idp.certPem, 'Response')).toBe(true);
    expect(xmlCryptoVerifies(xml, keys.attacker.certPem, 'Assertion')).toBe(false);
  });

  it('every signing variant verifies with xmlsec1 (an independent implementation)', async () => {
    const assertionSig = "/*/*[local-name()='Assertion']/*[local-name()='Signature']";
    const responseSig = "/*/*[local-name()='Signature']";
    const both = idp.response({ sign: 'both' }).xml;
    expect(await xmlsec1Verify(both, keys.idp.certPem, assertionSig)).toBe(true);
    expect(await xmlsec1Verify(both, keys.idp.certPem, responseSig)).toBe(true);
    for (const signature of [
      { algorithm: 'rsa-sha1', digest: 'sha1' },
      { algorithm: 'rsa-sha384', digest: 'sha384' },
      { algorithm: 'rsa-sha512', digest: 'sha512' },
    ] as const) {
      expect(await xmlsec1Verify(idp.response({ signature }).xml, keys.idp.certPem, assertionSig)).toBe(true);
    }
    const ec = new TestIdp({ signingKey: keys.idpEc }).response({}).xml;
    expect(await xmlsec1Verify(ec, keys.idpEc.certPem, assertionSig)).toBe(true);
    expect(await xmlsec1Verify(ec, keys.idp.certPem, assertionSig)).toBe(false);
  });

  it('fills the Alibaba role attributes, overridable', () => {
    const { xml } = idp.response({ roles: ['r1,p1', 'r2,p2'], roleSessionName: 'bob' });
    const values = descendants(parseXml(xml), 'Attribute')
      .filter((a) => a.getAttribute('Name') === ROLE_ATTRIBUTE)
      .flatMap((a) => descendants(a, 'AttributeValue').map((v) => v.textContent));
    expect(values).toEqual(['r1,p1', 'r2,p2']);
    expect(xml).toContain('>bob</saml2:AttributeValue>');
  });

  it('omits fields set to null', () => {
    const { xml } = idp.response({ destination: null, audiences: null, nameId: null });
    expect(xml).not.toContain('Destination=');
    expect(xml).not.toContain('AudienceRestriction');
    expect(xml).not.toContain('NameID');
  });

  it('encrypts the signed assertion with RSA-OAEP-MGF1P + AES-GCM for the SP key', () => {
    const built = idp.response({ encrypt: true });
    const doc = parseXml(built.xml);
    const [dataValue, keyValue] = ['EncryptedData', 'EncryptedKey'].map((n) => {
      const el = descendants(doc, n)[0];
      const cipher = el && descendants(el, 'CipherValue').at(-1);
      return Buffer.from(cipher?.textContent ?? '', 'base64');
    });
    const contentKey = privateDecrypt(
      { key: keys.spEncryption.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      keyValue!,
    );
    const data = dataValue!;
    const decipher = createDecipheriv('aes-256-gcm', contentKey, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    expect(plain.toString('utf8')).toBe(built.assertionXml);
  });

  it('signs a redirect-binding query over the exact octets', () => {
    const q = redirectQuery({
      message: '<samlp:AuthnRequest/>',
      relayState: '/home',
      key: keys.spSigning.privateKey,
    });
    expect(q.query.startsWith(`${q.signedOctets}&Signature=`)).toBe(true);
    const ok = verify(
      'sha256',
      Buffer.from(q.signedOctets),
      keys.spSigning.publicKey,
      Buffer.from(q.signature!, 'base64'),
    );
    expect(ok).toBe(true);
  });

  it('builds the HTTP-POST form body for the ACS', () => {
    const built = idp.response();
    const form = postForm(built, '/console');
    expect(Buffer.from(form.get('SAMLResponse')!, 'base64').toString('utf8')).toBe(built.xml);
    expect(form.get('RelayState')).toBe('/console');
  });

  it('emits metadata with one or two signing certificates', () => {
    const md = idp.metadata({ certs: [keys.idp, keys.idpNext] });
    expect(md.match(/<md:KeyDescriptor use="signing">/g)).toHaveLength(2);
    expect(md).toContain(keys.idpNext.certBase64);
  });
});
