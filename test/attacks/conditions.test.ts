/**
 * saml-attacks.md §1.9: replay, InResponseTo, audience, recipient, destination, time, issuer,
 * status, subject confirmation and AuthnStatement — each mismatch refused by its own check. The
 * responses are genuinely signed by the IdP (it "really said" the wrong thing), so only the
 * semantic check can refuse them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisStore } from '../../src/core/store/redis.js';
import { MemoryEphemeral } from '../../src/core/store/memory-ephemeral.js';
import { build, expectAccepted, expectAttackRefused, expectRefused, NOW, verify } from './harness.js';
import { mutate, responseOf } from './mutate.js';

const control = build();
const MIN = 60_000;
/** A response the IdP signed with `inserted` placed before the first `marker` of its Assertion. */
const signedWith = (marker: string, inserted: string) =>
  build({ editAssertion: (x) => x.replace(marker, `${inserted}${marker}`) });

describe('replay', () => {
  it('the same assertion twice is refused by replay (one store)', async () => {
    const replay = new MemoryEphemeral();
    await expectAccepted(control, { replay });
    await expectRefused(control, 'replay', { replay });
  });

  it('the same Assertion ID inside a fresh Response is still a replay', async () => {
    const replay = new MemoryEphemeral();
    const assertionId = '_fixed-assertion-id';
    await expectAccepted(build({ assertionId }), { replay });
    await expectRefused(build({ assertionId, roleSessionName: 'other' }), 'replay', { replay });
  });

  it('an unavailable replay store fails closed', async () => {
    const down = new MemoryEphemeral();
    down.putIfAbsent = () => Promise.reject(new Error('store unavailable'));
    await expectAccepted(control);
    const result = await verify(control, { replay: down });
    expect(result.ok ? 'accepted' : result.check).toBe('replay');
  });

  describe('two gateway instances sharing one Redis', () => {
    const prefix = `attacks-${randomBytes(4).toString('hex')}:`;
    const stores: RedisStore[] = [];
    const open = async () => {
      const s = await RedisStore.open({ url: inject('redisUrl'), keyPrefix: prefix });
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
    });

    it('a response accepted by one instance is a replay at the other', async () => {
      const [a, b] = [await open(), await open()];
      const xml = build();
      await expectAccepted(xml, { replay: a.ephemeral });
      await expectRefused(xml, 'replay', { replay: b.ephemeral });
    });

    it('two concurrent posts of one response: exactly one wins', async () => {
      const [a, b] = [await open(), await open()];
      const xml = build();
      const results = await Promise.all([
        verify(xml, { replay: a.ephemeral }),
        verify(xml, { replay: b.ephemeral }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.check))).toEqual(['replay']);
    });
  });
});

describe('InResponseTo', () => {
  const requestId = '_req-1234';
  const solicited = build({ inResponseTo: requestId });

  it('matching the outstanding request is accepted; another request id is refused', async () => {
    await expectAttackRefused(solicited, build({ inResponseTo: '_other-request' }), 'in-response-to', {
      expectedRequestId: requestId,
    });
  });

  it('an unsolicited response when a request is outstanding', async () => {
    await expectAttackRefused(solicited, build(), 'in-response-to', { expectedRequestId: requestId });
  });

  it('InResponseTo naming a request that is not outstanding', async () => {
    await expectAttackRefused(control, solicited, 'in-response-to');
  });

  it('a forged unsigned Response/@InResponseTo around a signed assertion for another request', async () => {
    const attack = mutate(build({ inResponseTo: '_victim-request' }), (doc) =>
      responseOf(doc).setAttribute('InResponseTo', requestId),
    );
    await expectAttackRefused(solicited, attack, 'in-response-to', { expectedRequestId: requestId });
  });

  it('an unsolicited signed assertion with a forged unsigned Response/@InResponseTo', async () => {
    const attack = mutate(build(), (doc) => responseOf(doc).setAttribute('InResponseTo', requestId));
    await expectAttackRefused(solicited, attack, 'in-response-to', { expectedRequestId: requestId });
  });

  it('the signed SubjectConfirmationData/@InResponseTo must match too', async () => {
    const attack = build({ inResponseTo: requestId, subjectInResponseTo: '_victim-request' });
    await expectAttackRefused(solicited, attack, 'in-response-to', { expectedRequestId: requestId });
  });
});

describe('addressing: audience, recipient, destination, issuer', () => {
  it('an assertion for another SP (Audience)', async () => {
    await expectAttackRefused(
      control,
      build({ audiences: ['urn:alibaba:cloudcomputing:international'] }),
      'audience',
    );
  });

  it('no AudienceRestriction at all', async () => {
    await expectAttackRefused(control, build({ audiences: null }), 'audience');
  });

  it('a second AudienceRestriction that the SP does not satisfy', async () => {
    const attack = signedWith(
      '</saml2:Conditions>',
      '<saml2:AudienceRestriction><saml2:Audience>urn:other</saml2:Audience></saml2:AudienceRestriction>',
    );
    await expectAttackRefused(control, attack, 'audience');
  });

  it('Recipient of another ACS, and a missing Recipient', async () => {
    await expectAttackRefused(
      control,
      build({ recipient: 'https://signin.evil.example/saml-role/sso' }),
      'recipient',
    );
    await expectAttackRefused(control, build({ recipient: null }), 'subject-confirmation');
  });

  it('the ACS path compares case-insensitively but the host does not', async () => {
    await expectAccepted(build({ recipient: 'https://signin.aliyun.com/saml-role/SSO' }));
    await expectAttackRefused(
      control,
      build({ recipient: 'https://SIGNIN.aliyun.com.evil.example/saml-role/sso' }),
      'recipient',
    );
  });

  it('Destination of another ACS (signed Response)', async () => {
    const signed = build({ sign: 'both' });
    await expectAttackRefused(
      signed,
      build({ sign: 'both', destination: 'https://evil.example/acs' }),
      'destination',
    );
    await expectAttackRefused(signed, build({ sign: 'both', destination: null }), 'destination');
  });

  it('Assertion Issuer or Response Issuer of another IdP, or none', async () => {
    await expectAttackRefused(control, build({ assertionIssuer: 'https://evil.example/idp' }), 'issuer');
    await expectAttackRefused(control, build({ issuer: 'https://evil.example/idp' }), 'issuer');
    await expectAttackRefused(control, build({ assertionIssuer: null }), 'issuer');
  });

  it('a non-Success status', async () => {
    await expectAttackRefused(
      control,
      build({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }),
      'status',
    );
  });
});

describe('time windows (skew 180 s)', () => {
  it('Conditions NotBefore in the future beyond the skew', async () => {
    await expectAccepted(build({ notBefore: NOW + 179_000 }));
    await expectAttackRefused(control, build({ notBefore: NOW + 181_000 }), 'not-before');
  });

  it('Conditions NotOnOrAfter passed beyond the skew', async () => {
    await expectAccepted(build({ notOnOrAfter: NOW - 179_000 }));
    await expectAttackRefused(control, build({ notOnOrAfter: NOW - 181_000 }), 'not-on-or-after');
  });

  it('SubjectConfirmationData NotOnOrAfter passed', async () => {
    await expectAttackRefused(control, build({ subjectNotOnOrAfter: NOW - 10 * MIN }), 'not-on-or-after');
  });

  it('a stale response replayed after an hour', async () => {
    await expectAttackRefused(control, build({ now: NOW - 60 * MIN }), 'not-on-or-after');
  });

  it('a missing bearer NotOnOrAfter', async () => {
    await expectAttackRefused(control, build({ subjectNotOnOrAfter: null }), 'subject-confirmation');
  });

  it('SessionNotOnOrAfter passed', async () => {
    await expectAttackRefused(control, build({ sessionNotOnOrAfter: NOW - 10 * MIN }), 'authn-statement');
  });

  it('a malformed instant', async () => {
    const attack = build({ editAssertion: (x) => x.replace(/NotBefore="[^"]+"/, 'NotBefore="yesterday"') });
    await expectAttackRefused(control, attack, 'not-before');
  });
});

describe('subject confirmation and statements', () => {
  it('a holder-of-key (not bearer) confirmation', async () => {
    await expectAttackRefused(
      control,
      build({ subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }),
      'subject-confirmation',
    );
  });

  it('two bearer confirmations (one for another SP)', async () => {
    const attack = signedWith(
      '</saml2:Subject>',
      '<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="2030-01-01T00:00:00Z" Recipient="https://evil.example/acs"/></saml2:SubjectConfirmation>',
    );
    await expectAttackRefused(control, attack, 'subject-confirmation');
  });

  it('no AuthnStatement', async () => {
    await expectAttackRefused(control, build({ authnStatement: false }), 'authn-statement');
  });

  it('two NameIDs', async () => {
    const attack = signedWith(
      '<saml2:SubjectConfirmation ',
      '<saml2:NameID>admin@victim.example</saml2:NameID>',
    );
    await expectAttackRefused(control, attack, 'subject');
  });
});
