import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/errors.js';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import { METADATA_PROPERTIES, ORIGINALS } from './metadata-properties.js';
import { describeFuzz } from './suite.js';

describeFuzz('fuzz: IdP metadata', METADATA_PROPERTIES);

describe('a certificate whose public key cannot be decoded (fuzz seed 1505486818)', () => {
  // What the seed did, on any test key: one bit of the first byte of the SubjectPublicKeyInfo's
  // rsaEncryption OID flipped (2a → 1a, base64 'S' → 'R'). X509Certificate still parses; reading
  // its publicKey throws OpenSSL's "decode error".
  const RSA_ENCRYPTION_OID = Buffer.from('06092a864886f70d010101', 'hex');
  const document = () =>
    (ORIGINALS[0] as string).replace(/(<ds:X509Certificate>)([^<]+)/, (_all, tag: string, base64: string) => {
      const der = Buffer.from(base64, 'base64');
      der[der.indexOf(RSA_ENCRYPTION_OID) + 2] = 0x1a;
      return tag + der.toString('base64');
    });
  const thrown = () => {
    try {
      parseIdpMetadata(document());
    } catch (err) {
      return err;
    }
    return undefined;
  };

  // Regression: parseCertificate read `cert.publicKey` outside its try block, so this escaped as
  // OpenSSL's plain Error (a 500) instead of the metadata ApiError (a 400).
  it('is refused with AuthenticationFail.IDPMetadata.Invalid', () => {
    expect(document()).not.toBe(ORIGINALS[0]);
    expect(thrown()).toBeInstanceOf(ApiError);
    expect((thrown() as ApiError).code).toBe('AuthenticationFail.IDPMetadata.Invalid');
  });
});
