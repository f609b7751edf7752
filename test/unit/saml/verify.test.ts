import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { RedisStore } from '../../../src/core/store/redis.js';
import { MemoryEphemeral } from '../../../src/core/store/memory-ephemeral.js';
import { RESPONSE_CHECKS } from '../../../src/saml/checks.js';
import type { VerifyOptions, VerifyResult } from '../../../src/saml/types.js';
import { verifyResponse } from '../../../src/saml/verify.js';
import { testKeys } from '../../support/keys.js';
import { DEFAULT_SP, TestIdp, type ResponseOptions } from '../../support/test-idp.js';
import { idp, NOW, options } from './verify-options.js';

async function verify(o: ResponseOptions = {}, extra: Partial<VerifyOptions> = {}): Promise<VerifyResult> {
  return verifyResponse(idp.response({ now: NOW, ...o }).base64, options(extra));
}

function outcome(r: VerifyResult): string {
  return r.ok ? 'accepted' : `${r.check}: ${r.message}`;
}

describe('verifyResponse', () => {
  it('accepts a signed assertion and returns typed claims with every check in order', async () => {
    const r = await verify({ nameId: 'alice@example.com', inResponseTo: null, sessionIndex: '_s1' });
    expect(outcome(r)).toBe('accepted');
    if (!r.ok) return;
    expect(r.checks.map((c) => c.name)).toEqual([...RESPONSE_CHECKS]);
    expect(r.assertion).toMatchObject({
      issuer: idp.trustedIdp().entityId,
      nameId: 'alice@example.com',
      sessionIndex: '_s1',
      recipient: DEFAULT_SP.acsUrl,
      audiences: [DEFAULT_SP.entityId],
      signedBy: 'assertion',
    });
    expect(r.assertion.notOnOrAfter).toBe(NOW + 5 * 60_000);
    expect(
      r.assertion.attributes['https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName'],
    ).toHaveLength(1);
  });

  it('the result carries the values the checks established: earliest NotOnOrAfter, AuthnStatement instants, every Audience', async () => {
    for (const [conditionsEnd, confirmationEnd] of [
      [NOW + 300_000, NOW + 120_000],
      [NOW + 60_000, NOW + 240_000],
    ] as const) {
      const r = await verify({
        inResponseTo: null,
        notOnOrAfter: conditionsEnd,
        subjectNotOnOrAfter: confirmationEnd,
        authnInstant: NOW - 30_000,
        sessionNotOnOrAfter: NOW + 3_600_000,
        audiences: ['urn:first', DEFAULT_SP.entityId],
      });
      expect(outcome(r)).toBe('accepted');
      if (!r.ok) return;
      expect(r.assertion.notOnOrAfter).toBe(Math.min(conditionsEnd, confirmationEnd));
      expect(r.assertion.authnInstant).toBe(NOW - 30_000);
      expect(r.assertion.sessionNotOnOrAfter).toBe(NOW + 3_600_000);
      expect(r.assertion.audiences).toEqual(['urn:first', DEFAULT_SP.entityId]);
      expect(r.assertion.issuer).toBe(idp.trustedIdp().entityId);
    }
    const noSessionEnd = await verify({ inResponseTo: null, sessionNotOnOrAfter: null });
    expect(noSessionEnd.ok && 'sessionNotOnOrAfter' in noSessionEnd.assertion).toBe(false);
  });

  it('check records are plain {name, ok, detail} whatever builds the detail (JSON, spread, keys)', async () => {
    const r = await verify({ inResponseTo: null });
    expect(outcome(r)).toBe('accepted');
    for (const c of r.checks) {
      expect(Object.keys(c)).toEqual(['name', 'ok', 'detail']);
      expect(typeof c.detail).toBe('string');
      expect(c.detail).not.toBe('');
      expect(JSON.parse(JSON.stringify(c))).toEqual({ ...c });
    }
    const value = r.checks.find((c) => c.name === 'signature-value');
    expect(value?.detail).toBe('Assertion: verifies with metadata key #1');
  });

  it('an accepted result builds its check records when first read; keys, JSON and details as if built eagerly', async () => {
    const built = idp.response({ now: NOW, inResponseTo: null, encrypt: true });
    const r = await verifyResponse(
      built.base64,
      options({ spDecryptionKeys: [testKeys().spEncryption.privateKey] }),
    );
    expect(outcome(r)).toBe('accepted');
    if (!r.ok) return;
    expect(Object.keys(r)).toEqual(['ok', 'assertion', 'checks']);
    expect(r.checks).toBe(r.checks);
    expect(JSON.parse(JSON.stringify(r)).checks).toEqual(JSON.parse(JSON.stringify(r.checks)));
    expect({ ...r }.checks).toBe(r.checks);
    const detail = (name: string) => r.checks.find((c) => c.name === name)?.detail;
    expect(detail('size')).toBe(`${built.base64.length} ≤ 262144 characters`);
    // Read after the whole pipeline ran (the decrypted Assertion's signature was found later): the
    // record still says what the step saw.
    expect(detail('signature-placement')).toBe('0 signature(s): Response unsigned, Assertion encrypted');
    expect(detail('signature-present')).toBe(
      'Response unsigned: the decrypted Assertion must carry its own signature (assertion-signed)',
    );
    expect(detail('assertion-count')).toBe('one EncryptedAssertion, a direct child of the Response');
  });

  it('the element-wide structure checks share one walk yet fail in their order: unique-ids, assertion-count, signature-placement', async () => {
    const copyAssertion = (newId: string | null) => (xml: string) => {
      const start = xml.indexOf('<saml2:Assertion');
      const end = xml.indexOf('</saml2:Assertion>') + '</saml2:Assertion>'.length;
      const assertion = xml.slice(start, end);
      const copy = newId === null ? assertion : assertion.replace(/ ID="[^"]+"/, ` ID="${newId}"`);
      return xml.slice(0, end) + copy + xml.slice(end);
    };
    expect(outcome(await verify({ inResponseTo: null, editResponse: copyAssertion(null) }))).toMatch(
      /^unique-ids: /,
    );
    expect(outcome(await verify({ inResponseTo: null, editResponse: copyAssertion('_other') }))).toMatch(
      /^assertion-count: the document holds 2 /,
    );
    const signatureInSubject = (xml: string) => {
      const signature = xml.slice(xml.indexOf('<ds:Signature'), xml.indexOf('</ds:Signature>') + 15);
      return xml.replace(signature, '').replace('</saml2:Subject>', `${signature}</saml2:Subject>`);
    };
    expect(outcome(await verify({ inResponseTo: null, editResponse: signatureInSubject }))).toMatch(
      /^signature-placement: a ds:Signature sits in <saml2:Subject>/,
    );
  });

  it('reports who signed: response, assertion or both', async () => {
    const by = async (sign: 'response' | 'both') => {
      const r = await verify({ sign, inResponseTo: null });
      return r.ok ? r.assertion.signedBy : outcome(r);
    };
    expect(await by('response')).toBe('response');
    expect(await by('both')).toBe('both');
    expect(
      outcome(await verify({ sign: 'response', inResponseTo: null }, { requireSignedAssertion: true })),
    ).toMatch(/^signature-present: /);
    expect(outcome(await verify({ sign: 'none', inResponseTo: null }))).toMatch(/^signature-present: /);
  });

  it('takes keys only from the metadata; either of two rollover keys verifies', async () => {
    const keys = testKeys();
    const next = new TestIdp({ signingKey: keys.idpNext });
    const xml = next.response({ now: NOW, inResponseTo: null }).base64;
    const both = { ...options(), idp: idp.trustedIdp([keys.idp, keys.idpNext]) };
    expect(outcome(await verifyResponse(xml, both))).toBe('accepted');
    expect(outcome(await verifyResponse(xml, options()))).toMatch(/^signature-value: /);
    expect(
      outcome(await verifyResponse(xml, { ...options(), idp: { entityId: 'x', signingKeys: [] } })),
    ).toMatch(/^signature-algorithm: .*no signing key/);
  });

  it('refuses a replayed assertion through the EphemeralStore', async () => {
    const replay = new MemoryEphemeral();
    const xml = idp.response({ now: NOW, inResponseTo: null }).base64;
    expect(outcome(await verifyResponse(xml, options({ replay })))).toBe('accepted');
    expect(outcome(await verifyResponse(xml, options({ replay })))).toMatch(/^replay: .*already accepted/);
    const forever = {
      inResponseTo: null,
      notOnOrAfter: NOW + 400 * 86_400_000,
      subjectNotOnOrAfter: NOW + 400 * 86_400_000,
    };
    expect(outcome(await verify(forever, { replay }))).toMatch(
      /^replay: .*longer than the replay cache can hold/,
    );
  });

  it('refuses a replay across two gateway instances sharing Redis, and lets only one of two concurrent posts win', async () => {
    const keyPrefix = `t${randomBytes(4).toString('hex')}:`;
    const a = await RedisStore.open({ url: inject('redisUrl'), keyPrefix });
    const b = await RedisStore.open({ url: inject('redisUrl'), keyPrefix });
    try {
      const first = idp.response({ now: NOW, inResponseTo: null }).base64;
      expect(outcome(await verifyResponse(first, options({ replay: a.ephemeral })))).toBe('accepted');
      expect(outcome(await verifyResponse(first, options({ replay: b.ephemeral })))).toMatch(/^replay: /);
      const second = idp.response({ now: NOW, inResponseTo: null }).base64;
      const both = await Promise.all([
        verifyResponse(second, options({ replay: a.ephemeral })),
        verifyResponse(second, options({ replay: b.ephemeral })),
      ]);
      expect(both.map(outcome).sort()).toEqual(['accepted', expect.stringMatching(/^replay: /)]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('binds InResponseTo to the outstanding request, or refuses it when none is outstanding', async () => {
    expect(outcome(await verify({ inResponseTo: '_req1' }, { expectedRequestId: '_req1' }))).toBe('accepted');
    expect(outcome(await verify({ inResponseTo: '_other' }, { expectedRequestId: '_req1' }))).toMatch(
      /^in-response-to: /,
    );
    expect(outcome(await verify({ inResponseTo: null }, { expectedRequestId: '_req1' }))).toMatch(
      /^in-response-to: no InResponseTo/,
    );
    expect(outcome(await verify({ inResponseTo: '_req1' }))).toMatch(/^in-response-to: .*not outstanding/);
    const unsignedOnly = await verify(
      { inResponseTo: '_req1', subjectInResponseTo: null },
      { expectedRequestId: '_req1' },
    );
    expect(outcome(unsignedOnly)).toMatch(/^in-response-to: the Response is unsigned/);
    const signedResponse = { inResponseTo: '_req1', subjectInResponseTo: null, sign: 'both' as const };
    expect(outcome(await verify(signedResponse, { expectedRequestId: '_req1' }))).toBe('accepted');
    const reported = await verify({ inResponseTo: '_req1' }, { inResponseTo: 'report-only' });
    expect(outcome(reported)).toBe('accepted');
    expect(
      outcome(
        await verify({ inResponseTo: '_req1', subjectInResponseTo: '_x' }, { expectedRequestId: '_req1' }),
      ),
    ).toMatch(/^in-response-to: SubjectConfirmationData/);
  });

  it('checks Audience, Recipient and Destination (path case-insensitively)', async () => {
    const base = { inResponseTo: null };
    expect(outcome(await verify({ ...base, audiences: ['urn:other'] }))).toMatch(/^audience: .*"urn:other"/);
    expect(outcome(await verify({ ...base, recipient: 'https://evil.example/saml-role/sso' }))).toMatch(
      /^recipient: /,
    );
    expect(outcome(await verify({ ...base, destination: 'https://signin.aliyun.com/other' }))).toMatch(
      /^destination: /,
    );
    expect(outcome(await verify({ ...base, recipient: 'https://signin.aliyun.com/saml-role/SSO' }))).toBe(
      'accepted',
    );
    expect(outcome(await verify({ ...base, recipient: 'https://SIGNIN.aliyun.com/saml-role/sso' }))).toBe(
      'accepted',
    );
    expect(outcome(await verify({ ...base, sign: 'response', destination: null }))).toMatch(
      /^destination: .*signed but has no Destination/,
    );
    expect(outcome(await verify({ ...base, destination: null }))).toBe('accepted');
  });

  it('applies the time windows with the configured skew and the Expired code', async () => {
    const late = await verify({ inResponseTo: null }, { now: () => NOW + 5 * 60_000 + 181_000 });
    expect(outcome(late)).toMatch(/^not-on-or-after: /);
    expect(late.ok ? '' : late.error.code).toBe('AuthenticationFail.SAMLAssertion.Expired');
    expect(outcome(await verify({ inResponseTo: null }, { now: () => NOW + 5 * 60_000 + 170_000 }))).toBe(
      'accepted',
    );
    expect(outcome(await verify({ inResponseTo: null }, { now: () => NOW - 200_000 }))).toMatch(
      /^not-before: /,
    );
    expect(
      outcome(await verify({ inResponseTo: null }, { now: () => NOW - 200_000, skewSeconds: 300 })),
    ).toBe('accepted');
    expect(outcome(await verify({ inResponseTo: null, sessionNotOnOrAfter: NOW - 600_000 }))).toMatch(
      /^authn-statement: /,
    );
  });

  it('checks Status, Issuer, bearer confirmation and AuthnStatement', async () => {
    const base = { inResponseTo: null };
    expect(
      outcome(await verify({ ...base, statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' })),
    ).toMatch(/^status: /);
    expect(outcome(await verify({ ...base, assertionIssuer: 'https://evil.example' }))).toMatch(/^issuer: /);
    expect(outcome(await verify({ ...base, issuer: 'https://evil.example' }))).toMatch(
      /^issuer: Response Issuer/,
    );
    expect(
      outcome(
        await verify({ ...base, subjectConfirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }),
      ),
    ).toMatch(/^subject-confirmation: /);
    expect(outcome(await verify({ ...base, recipient: null }))).toMatch(
      /^subject-confirmation: .*no Recipient/,
    );
    expect(outcome(await verify({ ...base, authnStatement: false }))).toMatch(/^authn-statement: /);
  });

  it('refuses a NameID split by a comment even though the signature still verifies', async () => {
    const r = await verify({
      inResponseTo: null,
      editAssertion: (xml) => xml.replace('>alice@example.com<', '>alice@example.com<!---->.evil.com<'),
      nameId: 'alice@example.com',
    });
    expect(outcome(r)).toMatch(/^subject: NameID is split/);
  });

  it('decrypts an AES-GCM EncryptedAssertion with the SP key; CBC only when allowed', async () => {
    const keys = testKeys();
    const sp = { spDecryptionKeys: [keys.spEncryption.privateKey] };
    expect(outcome(await verify({ inResponseTo: null, encrypt: true }, sp))).toBe('accepted');
    expect(outcome(await verify({ inResponseTo: null, encrypt: true }))).toMatch(
      /^decryption: .*no SP decryption key is configured/,
    );
    const cbc = { inResponseTo: null, encrypt: { dataAlgorithm: 'aes256-cbc' as const } };
    expect(outcome(await verify(cbc, sp))).toMatch(/^decryption: /);
    expect(outcome(await verify(cbc, { ...sp, allowAesCbc: true }))).toBe('accepted');
    expect(outcome(await verify({ inResponseTo: null, encrypt: true, sign: 'none' }, sp))).toMatch(
      /^assertion-signed: /,
    );
    // The decrypted fragment is parsed within the namespaces in scope, whatever prefixes they use.
    const busy = (xml: string) =>
      xml.replace('<saml2p:Response ', '<saml2p:Response xmlns:rg="urn:x" xmlns:rgx="urn:y" ');
    expect(outcome(await verify({ inResponseTo: null, encrypt: true, editResponse: busy }, sp))).toBe(
      'accepted',
    );
  });

  it('refuses oversize, non-base64 and DOCTYPE input before parsing', async () => {
    const b64 = idp.response({ now: NOW, inResponseTo: null }).base64;
    expect(outcome(await verifyResponse(b64, options({ maxInputLength: 100 })))).toMatch(/^size: /);
    expect(outcome(await verifyResponse(`${b64}!`, options()))).toMatch(/^base64: /);
    expect(outcome(await verifyResponse(`${b64}====`, options()))).toMatch(/^base64: /);
    const doctype = Buffer.from('<!DOCTYPE x><samlp:Response/>').toString('base64');
    expect(outcome(await verifyResponse(doctype, options()))).toMatch(/^xml-prolog: /);
    const two = Buffer.from('<a/><b/>').toString('base64');
    expect(outcome(await verifyResponse(two, options()))).toMatch(/^xml-wellformed: /);
  });
});
