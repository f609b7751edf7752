/**
 * Fuzz properties of IdP metadata ingestion (parseIdpMetadata / validateIdpMetadata): mutations of
 * genuine test-IdP metadata and random text, as XML and as base64. Contract: either metadata with
 * an entityID and one or two signing keys, or ApiError AuthenticationFail.IDPMetadata.Invalid; both
 * encodings of one document give the same outcome; validate (cached) agrees with parse.
 */
import fc from 'fast-check';
import { ApiError } from '../../src/core/errors.js';
import { parseIdpMetadata, validateIdpMetadata, type IdpMetadata } from '../../src/saml/metadata.js';
import { testKeys } from '../support/keys.js';
import { TestIdp } from '../support/test-idp.js';
import { fuzzProperty, violation, type FuzzProperty, type Timer } from './harness.js';
import { applyMutations, mutations, xmlishText } from './xml-mutations.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const keys = testKeys();
const idp = new TestIdp();
export const ORIGINALS = [
  idp.metadata(),
  idp.metadata({ certs: [keys.idp, keys.idpNext], wantAuthnRequestsSigned: true }),
  idp
    .metadata()
    .replace(/^(<\?xml[^>]*\?>)/, '$1<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">')
    .concat('</md:EntitiesDescriptor>'),
];

type Outcome = { ok: true; entityId: string; fingerprints: string[] } | { ok: false; message: string };

/** Parses and checks the result's invariants; anything thrown other than the metadata ApiError is a violation. */
function outcome(document: string, timed: Timer): Outcome {
  let parsed: IdpMetadata;
  try {
    parsed = timed(() => parseIdpMetadata(document, NOW));
  } catch (err) {
    violation(err instanceof ApiError, `threw ${String(err)}, not an ApiError`);
    violation(err.code === 'AuthenticationFail.IDPMetadata.Invalid', `threw ApiError ${err.code}`);
    return { ok: false, message: err.message };
  }
  violation(
    parsed.entityId !== '' && parsed.entityId.length <= 1024,
    `entityID of ${parsed.entityId.length} chars`,
  );
  const count = parsed.signingKeys.length;
  violation(count >= 1 && count <= 2, `${count} signing keys`);
  violation(count === parsed.signingCertificates.length, 'signing keys and certificates differ in number');
  return {
    ok: true,
    entityId: parsed.entityId,
    fingerprints: parsed.signingCertificates.map((c) => c.fingerprint256),
  };
}

function checkDocument(xml: string, timed: Timer): void {
  const asXml = outcome(xml, timed);
  const asBase64 = outcome(Buffer.from(xml, 'utf8').toString('base64'), timed);
  violation(
    asXml.ok === asBase64.ok && (!asXml.ok || JSON.stringify(asXml) === JSON.stringify(asBase64)),
    `XML and base64 of one document disagree: ${JSON.stringify(asXml)} vs ${JSON.stringify(asBase64)}`,
  );
  if (!asXml.ok) return;
  const validated = timed(() => validateIdpMetadata(xml));
  violation(validated.entityId === asXml.entityId, 'validateIdpMetadata and parseIdpMetadata disagree');
}

export const METADATA_PROPERTIES: FuzzProperty[] = [
  fuzzProperty({
    name: 'IdP metadata: mutated metadata gives valid metadata or the metadata error, alike as XML and base64',
    suiteRuns: 120,
    arbitrary: fc.tuple(fc.nat(ORIGINALS.length - 1), mutations),
    check: ([which, list], timed) =>
      checkDocument(applyMutations(ORIGINALS[which] as string, list).toString('utf8'), timed),
  }),
  fuzzProperty({
    name: 'IdP metadata: random text, bytes and XML-ish documents give the metadata error',
    suiteRuns: 500,
    arbitrary: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      xmlishText,
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
    ),
    check: (document: string, timed) => {
      const result = outcome(document, timed);
      violation(!result.ok, 'random text was accepted as metadata');
    },
  }),
];
