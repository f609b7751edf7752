/**
 * saml-attacks.md §1.3 signature exclusion, §1.4 certificate faking, §1.6 SignedInfo/DigestValue
 * bugs, §1.10 algorithm downgrade and HMAC key confusion, §1.11 transforms and Reference/ID abuse.
 * Where a SignedInfo is edited on purpose it is re-signed with the IdP key, so only the edit can be
 * the reason for the refusal.
 */
import { describe, it } from 'vitest';
import { build, expectAccepted, expectAttackRefused, keys } from './harness.js';
import {
  assertionOf,
  editSignedInfo,
  first,
  makeEvil,
  mutate,
  responseOf,
  setTransforms,
  signatureOf,
} from './mutate.js';
import { ALG, canonicalSignedInfo, DSIG_NS, parseXml, signerFor, signXml } from '../support/xml-sign.js';
import { createHash } from 'node:crypto';
import { canonicalizeExclusive, parseXml as parseStrict, firstChild } from '../../src/saml/xml/index.js';

const idpKey = keys.idp.privateKey;
const control = build();
const controlBoth = build({ sign: 'both' });

describe('signature exclusion (§1.3)', () => {
  it('every ds:Signature removed', async () => {
    const attack = mutate(control, (doc) =>
      signatureOf(assertionOf(doc)).parentNode!.removeChild(signatureOf(assertionOf(doc))),
    );
    await expectAttackRefused(control, attack, 'signature-present');
  });

  it('a signed Response around an unsigned Assertion where the Assertion must be signed', async () => {
    const signedResponse = build({ sign: 'response' });
    await expectAccepted(signedResponse); // allowed by default: the Response signature covers it
    await expectAttackRefused(control, signedResponse, 'signature-present', { requireSignedAssertion: true });
  });

  it('only an unrelated element (samlp:Extensions) is signed', async () => {
    const unsigned = build({
      sign: 'none',
      editResponse: (x) =>
        x.replace(
          '<saml2p:Status>',
          '<saml2p:Extensions ID="_ext"><x:note xmlns:x="urn:x">hi</x:note></saml2p:Extensions><saml2p:Status>',
        ),
    });
    const attack = signXml(unsigned, { id: '_ext', privateKey: idpKey, certBase64: keys.idp.certBase64 });
    await expectAttackRefused(control, attack, 'signature-placement');
  });

  it('an empty <ds:Signature/>', async () => {
    const attack = mutate(control, (doc) => {
      const signature = signatureOf(assertionOf(doc));
      while (signature.firstChild) signature.removeChild(signature.firstChild);
    });
    await expectAttackRefused(control, attack, 'signature-reference');
  });

  it('SignedInfo with zero References', async () => {
    const attack = mutate(control, (doc) =>
      editSignedInfo(signatureOf(assertionOf(doc)), (si) => si.removeChild(first(si, 'Reference')), idpKey),
    );
    await expectAttackRefused(control, attack, 'signature-reference');
  });

  it('a Response signature removed while the Assertion signature stays (values changed in the Response)', async () => {
    const attack = mutate(controlBoth, (doc) => {
      const response = responseOf(doc);
      response.removeChild(signatureOf(response));
      makeEvil(assertionOf(doc));
    });
    await expectAttackRefused(controlBoth, attack, 'signature-digest');
  });

  it('a signed element edited after signing (every claim the SP reads)', async () => {
    for (const [name, value] of [
      ['NameID', 'admin@victim.example'],
      ['Audience', 'urn:alibaba:cloudcomputing:international'],
      ['AttributeValue', 'acs:ram::1:role/x,acs:ram::1:saml-provider/y'],
    ] as const) {
      const attack = mutate(control, (doc) => {
        first(doc, name).textContent = value;
      });
      await expectAttackRefused(control, attack, 'signature-digest');
    }
  });
});

describe('certificate faking / KeyInfo trust (§1.4)', () => {
  it('signed by an attacker key with the attacker certificate in KeyInfo (CVE-2024-32962)', async () => {
    const attack = build({ signature: { key: keys.attacker }, roleSessionName: 'admin' });
    await expectAttackRefused(control, attack, 'signature-value');
  });

  it('signed by an attacker key with the IdP certificate in KeyInfo', async () => {
    const attack = build({ signature: { key: keys.attacker } }).replace(
      keys.attacker.certBase64,
      keys.idp.certBase64,
    );
    await expectAttackRefused(control, attack, 'signature-value');
  });

  it('signed by an attacker key with a KeyValue / RetrievalMethod KeyInfo', async () => {
    const bare = build({ signature: { key: keys.attacker, keyInfo: false } });
    const jwk = keys.attacker.publicKey.export({ format: 'jwk' });
    const keyValue = `<ds:KeyInfo><ds:KeyValue><ds:RSAKeyValue><ds:Modulus>${Buffer.from(jwk.n!, 'base64url').toString('base64')}</ds:Modulus><ds:Exponent>AQAB</ds:Exponent></ds:RSAKeyValue></ds:KeyValue><ds:RetrievalMethod URI="http://127.0.0.1:1/attacker.cer"/></ds:KeyInfo>`;
    const attack = bare.replace('</ds:SignatureValue>', `</ds:SignatureValue>${keyValue}`);
    await expectAttackRefused(control, attack, 'signature-value');
  });

  it('the rollover key verifies only when the metadata lists it', async () => {
    const rolled = build({ signature: { key: keys.idpNext } });
    const both = {
      idp: {
        entityId: 'https://idp.ramgate.test/saml2/idp/metadata',
        signingKeys: [keys.idp.publicKey, keys.idpNext.publicKey],
      },
    };
    await expectAccepted(rolled, both);
    await expectAttackRefused(control, rolled, 'signature-value');
  });
});

describe('SignedInfo and DigestValue bugs (§1.6, SAMLStorm)', () => {
  it('a comment in DigestValue carrying the digest of forged content (CVE-2025-29775)', async () => {
    const attack = mutate(control, (doc) => {
      const assertion = assertionOf(doc);
      makeEvil(assertion);
      const digestValue = first(signatureOf(assertion), 'DigestValue');
      const forged = forgedDigest(doc.toString());
      digestValue.insertBefore(doc.createComment(forged), digestValue.firstChild);
    });
    await expectAttackRefused(control, attack, 'signature-digest');
  });

  it('two SignedInfo elements (CVE-2025-29774)', async () => {
    const attack = mutate(control, (doc) => {
      const signature = signatureOf(assertionOf(doc));
      const signedInfo = first(signature, 'SignedInfo');
      signature.insertBefore(signedInfo.cloneNode(true), signedInfo);
    });
    await expectAttackRefused(control, attack, 'signature-reference');
  });

  it('SignedInfo wrapped in an unknown element', async () => {
    const attack = mutate(control, (doc) => {
      const signature = signatureOf(assertionOf(doc));
      const signedInfo = first(signature, 'SignedInfo');
      const wrapper = doc.createElementNS('urn:evil', 'x:WRAPPER');
      signature.replaceChild(wrapper, signedInfo);
      wrapper.appendChild(signedInfo);
    });
    await expectAttackRefused(control, attack, 'signature-reference');
  });
});

/** The digest an attacker would compute for the (now evil) Assertion, with our own exc-c14n. */
function forgedDigest(xml: string): string {
  const doc = parseStrict(xml);
  const assertion = firstChild(doc.documentElement, 'urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')!;
  const signature = firstChild(assertion, DSIG_NS, 'Signature')!;
  const canonical = canonicalizeExclusive(assertion, { omit: signature });
  return createHash('sha256').update(canonical).digest('base64');
}

describe('algorithm downgrade and HMAC key confusion (§1.10)', () => {
  it('rsa-sha1 is refused unless the provider allows SHA-1', async () => {
    const sha1 = build({ signature: { algorithm: 'rsa-sha1', digest: 'sha1' } });
    await expectAccepted(sha1, { allowSha1: true });
    await expectAttackRefused(control, sha1, 'signature-algorithm');
  });

  it('a sha1 digest under rsa-sha256 is refused', async () => {
    await expectAttackRefused(control, build({ signature: { digest: 'sha1' } }), 'signature-algorithm');
  });

  it('rsa-sha384/512 and ECDSA with an EC metadata key are accepted', async () => {
    await expectAccepted(build({ signature: { algorithm: 'rsa-sha512', digest: 'sha512' } }));
    await expectAccepted(build({ signature: { algorithm: 'rsa-sha384', digest: 'sha384' } }));
    const ec = build({ signature: { key: keys.idpEc } });
    await expectAccepted(ec, {
      idp: { entityId: 'https://idp.ramgate.test/saml2/idp/metadata', signingKeys: [keys.idpEc.publicKey] },
    });
  });

  for (const [name, uri] of [
    ['hmac-sha256', ALG.hmacSha256],
    ['hmac-sha1', ALG.hmacSha1],
  ] as const) {
    for (const [keyName, secret] of [
      ['the certificate PEM', keys.idp.certPem],
      ['the certificate base64', keys.idp.certBase64],
    ] as const) {
      it(`${name} keyed with ${keyName} is refused`, async () => {
        const attack = mutate(control, (doc) => {
          const assertion = assertionOf(doc);
          const signature = signatureOf(assertion);
          editSignedInfo(
            signature,
            (si) => first(si, 'SignatureMethod').setAttribute('Algorithm', uri),
            secret,
            uri,
          );
        });
        await expectAttackRefused(control, attack, 'signature-algorithm', { allowSha1: true });
      });
    }
  }
});

describe('transforms and Reference/ID abuse (§1.11)', () => {
  /** Replace the Reference transforms of the Assertion signature and re-sign SignedInfo. */
  const withTransforms = (algorithms: string[], extraXml = '') =>
    mutate(control, (doc) => {
      const signature = signatureOf(assertionOf(doc));
      editSignedInfo(signature, () => setTransforms(doc, signature, algorithms, extraXml), idpKey);
    });

  it('an XPath transform', async () => {
    const xpath = `<ds:Transform Algorithm="${ALG.xpath}"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>`;
    await expectAttackRefused(
      control,
      withTransforms([ALG.enveloped, ALG.excC14n], xpath),
      'signature-algorithm',
    );
  });

  it('an XSLT transform reading a local file', async () => {
    const xslt = `<ds:Transform Algorithm="${ALG.xslt}"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="2.0"><xsl:template match="/"><xsl:value-of select="unparsed-text('/etc/passwd')"/></xsl:template></xsl:stylesheet></ds:Transform>`;
    await expectAttackRefused(control, withTransforms([ALG.enveloped], xslt), 'signature-algorithm');
  });

  it('a base64 transform', async () => {
    await expectAttackRefused(control, withTransforms([ALG.enveloped, ALG.base64]), 'signature-algorithm');
  });

  it('exc-c14n WithComments as transform and as CanonicalizationMethod', async () => {
    await expectAttackRefused(
      control,
      withTransforms([ALG.enveloped, ALG.excC14nWithComments]),
      'signature-algorithm',
    );
    const c14nWithComments = build({}).replace(
      `<ds:CanonicalizationMethod Algorithm="${ALG.excC14n}"/>`,
      `<ds:CanonicalizationMethod Algorithm="${ALG.excC14nWithComments}"/>`,
    );
    const resigned = mutate(c14nWithComments, (doc) =>
      editSignedInfo(signatureOf(assertionOf(doc)), () => undefined, idpKey),
    );
    await expectAttackRefused(control, resigned, 'signature-algorithm');
  });

  it('inclusive c14n and a missing Transforms element', async () => {
    await expectAttackRefused(control, withTransforms([ALG.enveloped, ALG.c14n]), 'signature-algorithm');
    const none = mutate(control, (doc) => {
      const signature = signatureOf(assertionOf(doc));
      editSignedInfo(signature, (si) => first(si, 'Reference').removeChild(first(si, 'Transforms')), idpKey);
    });
    await expectAttackRefused(control, none, 'signature-algorithm');
  });

  const withUri = (uri: string | null) =>
    mutate(control, (doc) => {
      const signature = signatureOf(assertionOf(doc));
      editSignedInfo(
        signature,
        (si) =>
          uri === null
            ? first(si, 'Reference').removeAttribute('URI')
            : first(si, 'Reference').setAttribute('URI', uri),
        idpKey,
      );
    });

  it('a Reference URI naming the Response instead of the Assertion', async () => {
    const responseId = parseXml(control).documentElement!.getAttribute('ID')!;
    await expectAttackRefused(control, withUri(`#${responseId}`), 'signature-reference');
  });

  it('an empty, a missing and an XPath-injection Reference URI', async () => {
    await expectAttackRefused(control, withUri(''), 'signature-reference');
    await expectAttackRefused(control, withUri(null), 'signature-reference');
    await expectAttackRefused(
      control,
      withUri(`#x'] or eval('$evalled = true') or /[@ID='v`),
      'signature-reference',
    );
  });

  it('a second ID attribute in another namespace with the same value', async () => {
    const attack = mutate(control, (doc) => {
      const assertion = assertionOf(doc);
      assertion.setAttributeNS('urn:evil', 'e:ID', assertion.getAttribute('ID')!);
    });
    await expectAttackRefused(control, attack, 'unique-ids');
  });

  it('an Id in ds:Object repeating the Assertion ID', async () => {
    const attack = mutate(control, (doc) => {
      const assertion = assertionOf(doc);
      const object = doc.createElementNS(DSIG_NS, 'ds:Object');
      object.setAttribute('Id', assertion.getAttribute('ID')!);
      signatureOf(assertion).appendChild(object);
    });
    await expectAttackRefused(control, attack, 'unique-ids');
  });

  it('the SignatureValue of another valid signature (re-used over different SignedInfo)', async () => {
    const other = build({ roleSessionName: 'admin' });
    const otherValue = first(parseXml(other), 'SignatureValue').textContent!;
    const attack = mutate(control, (doc) => {
      first(signatureOf(assertionOf(doc)), 'SignatureValue').textContent = otherValue;
    });
    await expectAttackRefused(control, attack, 'signature-value');
  });

  it('the test helper re-signs SignedInfo exactly as a verifier canonicalizes it', () => {
    // Guard for the helpers above: re-signing an untouched signature reproduces the IdP's value.
    const doc = parseXml(control);
    const signature = signatureOf(assertionOf(doc));
    const before = first(signature, 'SignatureValue').textContent;
    const value = signerFor(
      ALG.rsaSha256,
      idpKey,
    )(Buffer.from(canonicalSignedInfo(signature))).toString('base64');
    if (value !== before) throw new Error('re-signing changed an untouched SignatureValue');
  });
});
