import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import { loadIdpMetadata, parseIdpMetadata, validateIdpMetadata } from '../../../src/saml/metadata.js';
import { testKeys, type TestKeyPair } from '../../support/keys.js';

let a: TestKeyPair;
let b: TestKeyPair;
let c: TestKeyPair;
beforeAll(() => {
  a = testKeys().idp;
  b = testKeys().idpNext;
  c = testKeys().attacker;
});

const keyDescriptor = (body: string, use?: string) =>
  `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

const idpDescriptor = (keys: string) =>
  `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="true">${keys}` +
  `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>` +
  `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>` +
  `</md:IDPSSODescriptor>`;

const entity = (inner: string, id = 'https://idp.example/entity') =>
  `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${id}">${inner}</md:EntityDescriptor>`;

function refusal(doc: string): string {
  try {
    parseIdpMetadata(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('AuthenticationFail.IDPMetadata.Invalid');
    return (err as ApiError).message;
  }
  throw new Error('metadata was accepted');
}

describe('IdP metadata ingestion', () => {
  it('reads entityID, endpoints, NameID formats and the signing key', () => {
    const md = parseIdpMetadata(entity(idpDescriptor(keyDescriptor(a.certBase64, 'signing'))));
    expect(md.entityId).toBe('https://idp.example/entity');
    expect(md.ssoServices).toEqual([
      { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: 'https://idp.example/sso' },
    ]);
    expect(md.nameIdFormats).toEqual(['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent']);
    expect(md.wantAuthnRequestsSigned).toBe(true);
    expect(md.signingKeys).toHaveLength(1);
    expect(md.signingKeys[0]?.asymmetricKeyType).toBe('rsa');
    expect(md.encryptionCertificates).toEqual([]);
    expect(md.warnings).toEqual([]);
  });

  it('accepts base64 of the document, as the APIs send it', () => {
    const xml = entity(idpDescriptor(keyDescriptor(a.certBase64)));
    expect(validateIdpMetadata(Buffer.from(xml).toString('base64'))).toEqual({
      entityId: 'https://idp.example/entity',
    });
  });

  it('keeps two signing certificates (rollover) and treats a KeyDescriptor without use as both', () => {
    const md = parseIdpMetadata(
      entity(
        idpDescriptor(
          keyDescriptor(a.certBase64, 'signing') +
            keyDescriptor(b.certBase64) +
            keyDescriptor(c.certBase64, 'encryption'),
        ),
      ),
    );
    expect(md.signingCertificates.map((x) => x.fingerprint256)).toEqual([
      a.cert.fingerprint256,
      b.cert.fingerprint256,
    ]);
    expect(md.encryptionCertificates.map((x) => x.fingerprint256)).toEqual([
      b.cert.fingerprint256,
      c.cert.fingerprint256,
    ]);
  });

  it('accepts an EntitiesDescriptor holding exactly one EntityDescriptor', () => {
    const inner = entity(idpDescriptor(keyDescriptor(a.certBase64))).replace(
      ' xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"',
      '',
    );
    const doc = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${inner}</md:EntitiesDescriptor>`;
    expect(parseIdpMetadata(doc).entityId).toBe('https://idp.example/entity');
  });

  it('accepts an expired certificate with a warning', () => {
    const md = parseIdpMetadata(
      entity(idpDescriptor(keyDescriptor(a.certBase64))),
      Date.parse('2999-01-01T00:00:00Z'),
    );
    expect(md.signingKeys).toHaveLength(1);
    expect(md.warnings.join()).toMatch(/CN=ramgate test IdP expired on/);
  });

  it('refuses every malformed shape with a message naming the problem', () => {
    const one = idpDescriptor(keyDescriptor(a.certBase64));
    const sp = '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>';
    expect(refusal(entity(sp))).toMatch(/no IDPSSODescriptor/);
    expect(refusal(entity(one + one))).toMatch(/2 IDPSSODescriptors/);
    expect(
      refusal(
        entity(
          idpDescriptor(
            keyDescriptor(a.certBase64) + keyDescriptor(b.certBase64) + keyDescriptor(c.certBase64),
          ),
        ),
      ),
    ).toMatch(/3 signing certificates/);
    expect(refusal(entity(idpDescriptor(keyDescriptor('AAAA'))))).toMatch(/cannot be parsed/);
    expect(refusal(entity(idpDescriptor('')))).toMatch(/no signing certificate/);
    const two = entity(one).replace(' xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"', '');
    expect(
      refusal(
        `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${two}${two}</md:EntitiesDescriptor>`,
      ),
    ).toMatch(/exactly one EntityDescriptor, found 2/);
    expect(refusal(`<!DOCTYPE x [<!ENTITY e "x">]>${entity(one)}`)).toMatch(/DOCTYPE/);
    expect(refusal(entity(one) + ' '.repeat(300 * 1024))).toMatch(/exceeds/);
    expect(refusal('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"')).toMatch(
      /not well-formed/,
    );
    expect(refusal(entity(one, ''))).toMatch(/no entityID/);
    expect(refusal('not metadata at all!')).toMatch(/neither XML nor base64/);
  });

  it('carries the expired-certificate warning into every verification result', async () => {
    const { verifyResponse } = await import('../../../src/saml/verify.js');
    const md = parseIdpMetadata(
      entity(idpDescriptor(keyDescriptor(a.certBase64))),
      Date.parse('2999-01-01T00:00:00Z'),
    );
    const { TestIdp } = await import('../../support/test-idp.js');
    const idp = new TestIdp({ entityId: 'https://idp.example/entity' });
    const ok = await verifyResponse(idp.response({ inResponseTo: null }).base64, {
      idp: md,
      audience: 'urn:alibaba:cloudcomputing',
      acsUrl: 'https://signin.aliyun.com/saml-role/sso',
      replay: 'skip',
    });
    expect(ok.ok && ok.assertion.warnings.join()).toMatch(/expired on/);
  });

  it('caches the parsed provider by document', () => {
    const doc = entity(idpDescriptor(keyDescriptor(a.certBase64)), 'https://cached.example');
    expect(loadIdpMetadata(doc)).toBe(loadIdpMetadata(doc));
  });

  it('reads the genuine fixture metadata (Shibboleth with two signing certificates)', async () => {
    const { existsSync, readFileSync } = await import('node:fs');
    const file = new URL(
      '../../../../shared/fixtures/idp-responses/shibboleth-2/idp-metadata.xml',
      import.meta.url,
    );
    if (!existsSync(file)) return;
    const md = parseIdpMetadata(readFileSync(file, 'utf8'));
    expect(md.entityId).toBe('https://samltest.id/saml/idp');
    expect(md.signingKeys).toHaveLength(2);
  });
});
