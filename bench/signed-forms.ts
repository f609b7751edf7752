/**
 * The request bodies bench/http.ts sends: AssumeRoleWithSAML forms, each with its own signed
 * SAMLResponse (unique IDs: the replay cache must not refuse them), made by re-signing one test-IdP
 * template (the XML's source of truth: test/support/test-idp.ts), since xml-crypto's signer is far
 * slower than the gateway.
 */
import { createHash, randomBytes, sign } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { testKeys } from '../test/support/keys.js';
import { TestIdp } from '../test/support/test-idp.js';

export const ACCOUNT = '1234567890123456';
export const BASE_URL = 'http://bench.ramgate.test';
export const ROLE = `acs:ram::${ACCOUNT}:role/readonly`;
export const PROVIDER = `acs:ram::${ACCOUNT}:saml-provider/test-idp`;

const keys = testKeys();
const idp = new TestIdp({
  sp: { entityId: 'urn:alibaba:cloudcomputing', acsUrl: `${BASE_URL}/saml-role/sso` },
});

/** `n` signed SAMLResponses (base64) with fresh IDs, re-signed from one template. */
function signedResponses(n: number): string[] {
  const key = keys.idp.privateKey;
  const assertionId = `_${'a'.repeat(32)}`;
  const responseId = `_${'b'.repeat(32)}`;
  const { xml } = idp.response({
    assertionId,
    responseId,
    roles: [`${ROLE},${PROVIDER}`],
    notOnOrAfter: Date.now() + 30 * 60_000,
    subjectNotOnOrAfter: Date.now() + 30 * 60_000,
  });
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  // xml-crypto types its input as the DOM lib's Element; @xmldom's is the same shape at run time.
  const byLocalName = (name: string) =>
    doc.getElementsByTagNameNS('*', name)[0] as unknown as globalThis.Element;
  const c14n = new ExclusiveCanonicalization();
  const signedInfo = c14n.process(byLocalName('SignedInfo'), {});
  const digest = byLocalName('DigestValue').textContent ?? '';
  const signatureValue = byLocalName('SignatureValue').textContent ?? '';
  const signature = byLocalName('Signature');
  signature.parentNode?.removeChild(signature);
  const assertion = c14n.process(byLocalName('Assertion'), {});
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `_${randomBytes(16).toString('hex')}`;
    const newDigest = createHash('sha256').update(assertion.replaceAll(assertionId, id)).digest('base64');
    const info = signedInfo.replace(`#${assertionId}`, `#${id}`).replace(digest, newDigest);
    const value = sign('sha256', Buffer.from(info), key).toString('base64');
    const signed = xml
      .replaceAll(assertionId, id)
      .replace(responseId, `_${randomBytes(16).toString('hex')}`)
      .replace(digest, newDigest)
      .replace(signatureValue, value);
    out.push(Buffer.from(signed).toString('base64'));
  }
  return out;
}

function form(samlResponse: string): string {
  return new URLSearchParams({
    Action: 'AssumeRoleWithSAML',
    Version: '2015-04-01',
    Format: 'JSON',
    SAMLAssertion: samlResponse,
    SAMLProviderArn: PROVIDER,
    RoleArn: ROLE,
    DurationSeconds: '900',
  }).toString();
}

/** `n` AssumeRoleWithSAML forms, each with its own signed SAMLResponse. */
export function signedForms(n: number): Buffer[] {
  // Buffers live outside the JS heap: the sender's own GC pauses would otherwise count as latency.
  return signedResponses(n).map((response) => Buffer.from(form(response)));
}

/** The test IdP's metadata, for the gateway's configuration. */
export const idpMetadata = (): string => idp.metadata();
