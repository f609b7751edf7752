/**
 * §1.3/§1.4 at the trust anchor: keys come only from IdP metadata (one or two signing
 * certificates); metadata without a signing certificate, or a provider without keys, fails closed.
 * The test IdP's own metadata is fed to the real metadata parser.
 */
import { describe, expect, it } from 'vitest';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import { build, expectAccepted, expectAttackRefused, expectRefused, idp, keys, verify } from './harness.js';

const control = build();
const rolled = build({ signature: { key: keys.idpNext } });

function trustFrom(metadata: string) {
  const { entityId, signingKeys } = parseIdpMetadata(metadata);
  return { idp: { entityId, signingKeys } };
}

describe('trust comes only from IdP metadata', () => {
  it('one certificate: responses signed by it verify, the rollover key does not', async () => {
    const trust = trustFrom(idp.metadata());
    await expectAttackRefused(control, rolled, 'signature-value', trust);
  });

  it('two certificates (rollover): either key verifies', async () => {
    const trust = trustFrom(idp.metadata({ certs: [keys.idp, keys.idpNext] }));
    await expectAccepted(control, trust);
    await expectAccepted(rolled, trust);
    await expectAttackRefused(
      control,
      build({ signature: { key: keys.attacker } }),
      'signature-value',
      trust,
    );
  });

  it('the attacker cannot add his certificate through KeyInfo when metadata names the IdP only', async () => {
    const trust = trustFrom(idp.metadata());
    const attack = build({ signature: { key: keys.attacker } });
    expect(attack).toContain(keys.attacker.certBase64);
    await expectAttackRefused(control, attack, 'signature-value', trust);
  });

  it('metadata with three signing certificates, or none, is refused at load', () => {
    expect(() => parseIdpMetadata(idp.metadata({ certs: [keys.idp, keys.idpNext, keys.attacker] }))).toThrow(
      /at most 2/,
    );
    const encryptionOnly = idp.metadata().replace('use="signing"', 'use="encryption"');
    expect(() => parseIdpMetadata(encryptionOnly)).toThrow(/no signing certificate/);
  });

  it('a provider with no signing key fails closed', async () => {
    await expectAccepted(control);
    const result = await verify(control, { idp: { entityId: idp.entityId, signingKeys: [] } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('AuthenticationFail.IDPMetadata.Invalid');
  });

  it('metadata for another entityID makes the Issuer check refuse', async () => {
    await expectAccepted(control, trustFrom(idp.metadata()));
    await expectRefused(
      control,
      'issuer',
      trustFrom(idp.metadata({ entityId: 'https://other-idp.example/metadata' })),
    );
  });
});
