/**
 * saml-attacks.md §1.1 (XSW1–8 as SAML Raider builds them) and §1.2 (other wrapping and injection
 * shapes). Every attack starts from a response the test IdP's key signed.
 */
import { describe, it } from 'vitest';
import type { ResponseCheck } from '../../src/saml/checks.js';
import { build, expectAttackRefused } from './harness.js';
import {
  assertionOf,
  first,
  makeEvil,
  mutate,
  responseOf,
  SAML_NS,
  SAMLP_NS,
  signatureOf,
  stripFirstSignature,
} from './mutate.js';
import { applyXsw, applyXsw10 } from './xsw.js';
import type { Element } from '@xmldom/xmldom';

describe('XSW1–8 (SAML Raider)', () => {
  // XSW1/2 target the Response signature, XSW3–8 the Assertion signature. The expected check is the
  // first structural rule each shape breaks: a repeated ID value, or a second Assertion anywhere.
  const cases: Array<[number, 'response' | 'assertion', ResponseCheck]> = [
    [1, 'response', 'unique-ids'], // the clone inside ds:Signature repeats the Assertion's ID
    [2, 'response', 'unique-ids'],
    [3, 'assertion', 'assertion-count'], // evil Assertion (new ID) before the signed one
    [4, 'assertion', 'assertion-count'], // signed Assertion nested inside the evil one
    [5, 'assertion', 'assertion-count'], // unsigned copy appended after the evil signed one
    [6, 'assertion', 'assertion-count'], // copy inside the evil Assertion's ds:Signature
    [7, 'assertion', 'unique-ids'], // clone with the same ID inside <Extensions>
    [8, 'assertion', 'unique-ids'], // copy with the same ID inside <Object> in ds:Signature
  ];
  for (const [n, sign, check] of cases) {
    it(`XSW${n} (${sign} signature) is refused by ${check}`, async () => {
      const control = build({ sign });
      await expectAttackRefused(control, applyXsw(n, control), check);
    });
  }

  it('XSW1/2 against a response signed twice are refused too', async () => {
    const control = build({ sign: 'both' });
    await expectAttackRefused(control, applyXsw(1, control), 'unique-ids');
    await expectAttackRefused(control, applyXsw(2, control), 'unique-ids');
  });

  it('XSW10 (signature copy with the Assertion in ds:Object, IDs via DOCTYPE entities)', async () => {
    const control = build({ sign: 'both' });
    await expectAttackRefused(control, applyXsw10(control, true), 'xml-prolog');
    await expectAttackRefused(control, applyXsw10(control, false), 'assertion-count');
  });

  it('XSW7/8 with a fresh ID on the copy are refused by assertion-count', async () => {
    const control = build();
    const renamed = (n: number) =>
      applyXsw(n, control).replace(/(<Extensions>|<Object>)(<saml2:Assertion[^>]*ID=")_/, '$1$2_x');
    await expectAttackRefused(control, renamed(7), 'assertion-count');
    await expectAttackRefused(control, renamed(8), 'assertion-count');
  });
});

describe('other wrapping and injection shapes (§1.2)', () => {
  const control = build();

  it('a second unsigned Assertion after the signed one (CVE-2022-41912)', async () => {
    const attack = mutate(control, (doc) => {
      const evil = assertionOf(doc).cloneNode(true) as Element;
      evil.setAttribute('ID', `${evil.getAttribute('ID')}_attack`);
      stripFirstSignature(evil);
      makeEvil(evil);
      responseOf(doc).appendChild(evil);
    });
    await expectAttackRefused(control, attack, 'assertion-count');
  });

  it('signed Assertion hidden in samlp:Extensions, forged one with the same ID at top level', async () => {
    const attack = mutate(control, (doc) => {
      const response = responseOf(doc);
      const signed = assertionOf(doc);
      const extensions = doc.createElementNS(SAMLP_NS, 'saml2p:Extensions');
      response.insertBefore(extensions, first(response, 'Status'));
      const forged = signed.cloneNode(true) as Element;
      stripFirstSignature(forged);
      makeEvil(forged);
      response.replaceChild(forged, signed);
      extensions.appendChild(signed);
    });
    await expectAttackRefused(control, attack, 'unique-ids');
  });

  it('signed failure Response plus a second root holding an unsigned Assertion (CVE-2022-39299)', async () => {
    const failed = build({ sign: 'response', statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' });
    const unsigned = build({ sign: 'none' }).replace(/^<\?xml[^>]*\?>/, '');
    await expectAttackRefused(control, `${failed}${unsigned}`, 'xml-wellformed');
  });

  it('the signed Response wrapped in a forged NameID root (CVE-2017-1000452)', async () => {
    const body = control.replace(/^<\?xml[^>]*\?>/, '');
    const attack = `<saml2:NameID xmlns:saml2="${SAML_NS}">evil@evil.com${body}</saml2:NameID>`;
    await expectAttackRefused(control, attack, 'root');
  });

  it('text before the document element', async () => {
    const body = control.replace(/^<\?xml[^>]*\?>/, '');
    await expectAttackRefused(control, `evil@evil.com${body}`, 'xml-wellformed');
  });

  it('the signed Assertion wrapped in a forged LogoutRequest (samlify #634)', async () => {
    const attack = mutate(control, (doc) => {
      const logout = doc.createElementNS(SAMLP_NS, 'saml2p:LogoutRequest');
      logout.setAttribute('ID', '_logout');
      logout.setAttribute('Version', '2.0');
      logout.appendChild(assertionOf(doc));
      doc.replaceChild(logout, responseOf(doc));
    });
    await expectAttackRefused(control, attack, 'root');
  });

  it('an Assertion nested in SubjectConfirmationData', async () => {
    const attack = mutate(control, (doc) => {
      const evil = assertionOf(doc).cloneNode(true) as Element;
      evil.setAttribute('ID', '_nested');
      stripFirstSignature(evil);
      first(doc, 'SubjectConfirmationData').appendChild(evil);
    });
    await expectAttackRefused(control, attack, 'assertion-count');
  });

  it('the Signature moved into SubjectConfirmationData', async () => {
    const attack = mutate(control, (doc) => {
      const signature = signatureOf(assertionOf(doc));
      first(doc, 'SubjectConfirmationData').appendChild(signature);
    });
    await expectAttackRefused(control, attack, 'signature-placement');
  });

  it('an Assertion inside saml:Advice', async () => {
    const attack = mutate(control, (doc) => {
      const assertion = assertionOf(doc);
      const advice = doc.createElementNS(SAML_NS, 'saml2:Advice');
      const inner = assertion.cloneNode(true) as Element;
      inner.setAttribute('ID', '_advice');
      stripFirstSignature(inner);
      advice.appendChild(inner);
      assertion.insertBefore(advice, first(assertion, 'AttributeStatement'));
    });
    await expectAttackRefused(control, attack, 'assertion-count');
  });

  it('the Signature moved into samlp:StatusDetail (CVE-2025-25292 shape)', async () => {
    const attack = mutate(control, (doc) => {
      const detail = doc.createElementNS(SAMLP_NS, 'saml2p:StatusDetail');
      first(doc, 'Status').appendChild(detail);
      detail.appendChild(signatureOf(assertionOf(doc)));
    });
    await expectAttackRefused(control, attack, 'signature-placement');
  });
});
