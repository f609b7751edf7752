/**
 * Conformance against genuine IdP responses (../shared/fixtures/idp-responses, read in place): each
 * verifies at a clock inside its own validity window, with its own certificate or metadata; flipping
 * one byte of a signed value makes it fail with signature-digest.
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertsMfa } from '../../src/core/mapping/mfa.js';
import { loadIdpMetadata, trustedIdpFromCertificates } from '../../src/saml/metadata.js';
import type { VerifyOptions, VerifyResult } from '../../src/saml/types.js';
import { verifyResponse } from '../../src/saml/verify.js';

const FIXTURES = join(process.cwd(), '../shared/fixtures/idp-responses');
const present = existsSync(join(FIXTURES, 'INDEX.txt'));
if (!present) console.warn(`conformance: SKIPPED, no IdP fixtures at ${FIXTURES}`);

/** What each source.txt states about its message (MESSAGE FIELDS and the notes on decrypted assertions). */
interface SourceFacts {
  issuer: string;
  issueInstant: number;
  destination?: string;
  inResponseTo?: string;
  recipient?: string;
  audiences: string[];
  sha1: boolean;
}

function jsonAfter(text: string, label: string): Record<string, string> | undefined {
  const m = new RegExp(`^\\s*${label} (\\{.*\\})\\s*$`, 'm').exec(text);
  return m ? (JSON.parse(m[1] as string) as Record<string, string>) : undefined;
}

function readSource(dir: string): SourceFacts {
  const text = readFileSync(join(dir, 'source.txt'), 'utf8');
  const response = jsonAfter(text, 'Response:') ?? jsonAfter(text, 'Root: Assertion');
  const confirmation = jsonAfter(text, 'SubjectConfirmationData:');
  const audiences = /^\s*Audience\(s\): (\[.*\])\s*$/m.exec(text);
  const issuer = /^Response Issuer: (\S+)/m.exec(text)?.[1];
  if (!response || !issuer) throw new Error(`${dir}/source.txt lacks the Response fields`);
  return {
    issuer,
    issueInstant: Date.parse(response.IssueInstant as string),
    audiences: audiences ? (JSON.parse(audiences[1] as string) as string[]) : [],
    sha1: /SignatureMethod=http:\/\/www\.w3\.org\/2000\/09\/xmldsig#rsa-sha1/.test(text),
    ...(response.Destination ? { destination: response.Destination } : {}),
    ...(response.InResponseTo ? { inResponseTo: response.InResponseTo } : {}),
    ...(confirmation?.Recipient ? { recipient: confirmation.Recipient } : {}),
  };
}

interface Expectation {
  /** Extra facts the source states only in prose (encrypted assertions). */
  audience?: string;
  /** undefined: accepted. Otherwise the check and message of the expected rejection. */
  rejected?: { check: string; message: RegExp };
  /** Flip-a-byte tests apply to assertions in clear text. */
  encrypted?: boolean;
}

const EXPECTED: Record<string, Expectation> = {
  'okta-2': {
    encrypted: true,
    rejected: { check: 'decryption', message: /no SP decryption key is configured/ },
  },
  'shibboleth-2': {
    encrypted: true,
    rejected: { check: 'decryption', message: /no SP decryption key is configured/ },
  },
  'okta-3': { encrypted: true, audience: 'https://saml.test.nope/session/sso/saml/spentityid/skv8dv26wh' },
  'shibboleth-1': { encrypted: true },
};

const fixtureDirs = present
  ? readdirSync(FIXTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'response.xml')))
      .map((d) => d.name)
      .sort()
  : [];

function optionsFor(
  name: string,
  overrides: Partial<VerifyOptions> = {},
): { xml: string; options: VerifyOptions } {
  const dir = join(FIXTURES, name);
  const facts = readSource(dir);
  const expectation = EXPECTED[name] ?? {};
  const metadataFile = join(dir, 'idp-metadata.xml');
  const idp = existsSync(metadataFile)
    ? loadIdpMetadata(readFileSync(metadataFile, 'utf8'))
    : trustedIdpFromCertificates(facts.issuer, [readFileSync(join(dir, 'idp-cert.pem'), 'utf8')]);
  const spKeyFile = join(dir, 'sp-encryption-key.pem');
  const acs = facts.destination ?? facts.recipient ?? 'https://sp.invalid/acs';
  const options: VerifyOptions = {
    idp,
    audience: expectation.audience ?? facts.audiences[0] ?? 'urn:sp.invalid',
    acsUrl: acs,
    replay: 'skip',
    encoding: 'xml',
    // A clock inside the message's own window: 30 s after it was issued.
    now: () => facts.issueInstant + 30_000,
    allowSha1: facts.sha1,
    allowAesCbc: true,
    allowBareAssertion: name === 'azure-2',
    ...(facts.inResponseTo ? { expectedRequestId: facts.inResponseTo } : {}),
    ...(existsSync(spKeyFile)
      ? { spDecryptionKeys: [createPrivateKey(readFileSync(spKeyFile, 'utf8'))] }
      : {}),
    ...overrides,
  };
  return { xml: readFileSync(join(dir, 'response.xml'), 'utf8'), options };
}

/** The AuthnContextClassRef as the message's text says (read independently of the verifier). */
function classRefIn(xml: string): string | undefined {
  return /<(?:[\w.-]+:)?AuthnContextClassRef>\s*([^<\s]+)\s*</.exec(xml)?.[1];
}

const COMMON_MFA_CONTEXTS = [
  'http://schemas.microsoft.com/claims/multipleauthn',
  'https://refeds.org/profile/mfa',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract',
];

function describeFailure(r: VerifyResult): string {
  return r.ok ? 'accepted' : `${r.check}: ${r.message}`;
}

/** Change one character in the text of the first <prefix:localName> element that has text. */
function flipText(xml: string, localName: string): string | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([^<]+)<`).exec(xml);
  if (!m || m.index === undefined) return undefined;
  const valueStart = m.index + m[0].length - 1 - (m[1] as string).length;
  const i = valueStart + Math.floor((m[1] as string).length / 2);
  const flipped = xml[i] === 'x' ? 'y' : 'x';
  return xml.slice(0, i) + flipped + xml.slice(i + 1);
}

describe.skipIf(!present)('genuine IdP responses', () => {
  it('finds the fixtures', () => {
    expect(fixtureDirs.length).toBeGreaterThanOrEqual(19);
  });

  for (const name of fixtureDirs) {
    const expectation = EXPECTED[name] ?? {};
    it(`${name}: ${expectation.rejected ? `rejected at ${expectation.rejected.check}` : 'verifies'}`, async () => {
      const { xml, options } = optionsFor(name);
      const result = await verifyResponse(xml, options);
      if (expectation.rejected) {
        expect(describeFailure(result)).toMatch(expectation.rejected.message);
        expect(result.ok ? undefined : result.check).toBe(expectation.rejected.check);
        return;
      }
      expect(describeFailure(result)).toBe('accepted');
      if (!result.ok) return;
      const facts = readSource(join(FIXTURES, name));
      expect(result.assertion.issuer).toBe(facts.issuer);
      if (!expectation.encrypted) expect(result.assertion.audiences).toEqual(facts.audiences);
      expect(result.checks.map((c) => c.ok)).not.toContain(false);
      expect(result.checks).toHaveLength(28);
      if (!expectation.encrypted) expect(result.assertion.authnContextClassRef).toBe(classRefIn(xml));
      // No fixture's IdP did MFA: with the common MFA contexts trusted, none is an MFA session.
      expect(assertsMfa(COMMON_MFA_CONTEXTS, result.assertion.authnContextClassRef)).toBe(false);
    });

    if (expectation.encrypted) continue;
    it(`${name}: flipping a byte of a signed NameID, AttributeValue or Audience fails signature-digest`, async () => {
      const { xml, options } = optionsFor(name);
      let flipped = 0;
      for (const element of ['NameID', 'AttributeValue', 'Audience']) {
        const tampered = flipText(xml, element);
        if (tampered === undefined) continue;
        flipped++;
        const result = await verifyResponse(tampered, options);
        expect(`${element} → ${describeFailure(result)}`).toMatch(
          new RegExp(`^${element} → signature-digest: `),
        );
      }
      expect(flipped).toBeGreaterThanOrEqual(1);
    });
  }

  it('adfs-2 has no NameID: accepted with a warning and no nameId', async () => {
    const { xml, options } = optionsFor('adfs-2');
    const result = await verifyResponse(xml, options);
    expect(result.ok && result.assertion.nameId).toBe(undefined);
    expect(result.ok && result.assertion.warnings).toContain('the Subject has no NameID');
  });

  it('azure-2 is a bare Assertion: refused unless allowBareAssertion', async () => {
    const { xml, options } = optionsFor('azure-2', { allowBareAssertion: false });
    const result = await verifyResponse(xml, options);
    expect(describeFailure(result)).toMatch(/^root: .*bare saml:Assertion/);
  });

  it('a SHA-1 fixture without allowSha1 fails signature-algorithm', async () => {
    for (const name of ['adfs-2', 'onelogin-1', 'simplesamlphp-2']) {
      const { xml, options } = optionsFor(name, { allowSha1: false });
      expect(describeFailure(await verifyResponse(xml, options))).toMatch(
        /^signature-algorithm: .*rsa-sha1 is not allowed/,
      );
    }
  });

  it('AES-CBC encrypted fixtures fail decryption unless allowAesCbc', async () => {
    const { xml, options } = optionsFor('okta-3', { allowAesCbc: false });
    expect(describeFailure(await verifyResponse(xml, options))).toMatch(/^decryption: /);
  });

  it('the base64 form of a fixture verifies like the XML', async () => {
    const { options } = optionsFor('google-1', { encoding: 'base64' });
    const b64 = readFileSync(join(FIXTURES, 'google-1', 'response.b64'), 'utf8');
    expect(describeFailure(await verifyResponse(b64, options))).toBe('accepted');
  });
});
