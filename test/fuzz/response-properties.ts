/**
 * Fuzz properties of verifyResponse. A genuine signed Response from the test IdP is mutated (text,
 * byte and tree edits: see xml-mutations.ts) and sent through the base64 form channel.
 *
 * The rule deciding whether a mutated response may verify: it may be accepted only when
 *   1. @xmldom/xmldom (strict) parses the mutated document too,
 *   2. the verifier relied only on signatures the original had (signedBy names a subset of the
 *      signed Assertion/Response: removing the Response signature of a 'both' response leaves a
 *      valid assertion-signed response, which is accepted as such),
 *   3. every element the verifier says was signed occurs exactly once (by ID) and its exclusive
 *      canonical form without its enveloped ds:Signature (computed with xml-crypto on that xmldom
 *      tree, independently of the verifier) is byte-identical to the original's — i.e. the
 *      mutation only touched unsigned parts or bytes c14n does not keep, and
 *   4. the verified claims equal the original's (warnings and signedBy aside).
 * For the encrypted variant the signed assertion lies inside the ciphertext, so rule 3 becomes: the
 * EncryptedData's content CipherValue is the original's (AES-GCM: same bytes, same plaintext or
 * none). Elsewhere junk is tolerated: the fuzz found that extra or corrupted copies of the
 * EncryptedKey's CipherData do not stop decryption (they change no claim).
 * Every rejection is a result object naming one RESPONSE_CHECKS check with an ApiError of the SAML
 * codes, never an exception and never a step that crashed ("unexpected error").
 */
import { isDeepStrictEqual } from 'node:util';
import type { Document, Element } from '@xmldom/xmldom';
import fc from 'fast-check';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { ApiError } from '../../src/core/errors.js';
import { RESPONSE_CHECKS } from '../../src/saml/checks.js';
import type { VerifiedAssertion, VerifyOptions, VerifyResult } from '../../src/saml/types.js';
import { verifyResponse } from '../../src/saml/verify.js';
import { testKeys } from '../support/keys.js';
import { DEFAULT_SP, TestIdp, type SignWhat } from '../support/test-idp.js';
import { descendants, isSignature } from '../support/xml-sign.js';
import { fuzzProperty, violation, type FuzzProperty, type Timer } from './harness.js';
import { applyMutations, mutations, parseWithXmldom, xmlishText, type Mutation } from './xml-mutations.js';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const idp = new TestIdp();
const OPTIONS: VerifyOptions = {
  idp: idp.trustedIdp(),
  audience: DEFAULT_SP.entityId,
  acsUrl: DEFAULT_SP.acsUrl,
  // The same assertion ID is verified many times on purpose; replay is covered by the attack suite.
  replay: 'skip',
  now: () => NOW,
  spDecryptionKeys: [testKeys().spEncryption.privateKey],
};
const CODES = new Set([
  'AuthenticationFail.SAMLAssertion.Invalid',
  'AuthenticationFail.SAMLAssertion.Expired',
  'AuthenticationFail.IDPMetadata.Invalid',
]);

/** What the original signed, or 'encrypted': an assertion-signed response with the assertion encrypted (AES-256-GCM). */
export type Variant = Exclude<SignWhat, 'none'> | 'encrypted';
const VARIANTS: readonly Variant[] = ['assertion', 'both', 'response', 'encrypted'];

interface Original {
  xml: string;
  /** Each signed element ('assertion' / 'response') → its ID and exclusive canonical form without the enveloped signature. */
  signed: Map<'assertion' | 'response', { id: string; canonical: string }>;
  claims: Claims;
  /** 'encrypted' only: the content ciphertext (what the assertion's bytes depend on). */
  ciphertext?: string;
}
type Claims = Omit<VerifiedAssertion, 'warnings' | 'signedBy'>;

/** exc-c14n of the only element with this ID, its direct ds:Signature children removed; else undefined. */
function canonicalSigned(doc: Document, id: string): string | undefined {
  const found = descendants(doc).filter((e) => e.getAttribute('ID') === id);
  if (found.length !== 1) return undefined;
  const clone = found[0]!.cloneNode(true) as (typeof found)[number];
  for (const child of descendants(clone).filter((e) => e.parentNode === clone && isSignature(e))) {
    clone.removeChild(child);
  }
  const c14n = new ExclusiveCanonicalization();
  // xml-crypto is typed against its own xmldom copy; the DOM shapes are the same.
  return c14n.process(clone as unknown as Parameters<typeof c14n.process>[0], {}).toString();
}

const claimsOf = ({ warnings: _warnings, signedBy: _signedBy, ...claims }: VerifiedAssertion): Claims =>
  claims;
const SIGNED_PARTS = {
  assertion: ['assertion'],
  response: ['response'],
  both: ['assertion', 'response'],
  encrypted: ['assertion'],
} as const;

/** The only child of `parent` named `localName`, or undefined when there is none or more than one. */
function onlyChild(parent: Element | undefined, localName: string): Element | undefined {
  const found = parent
    ? descendants(parent).filter((e) => e.parentNode === parent && e.localName === localName)
    : [];
  return found.length === 1 ? found[0] : undefined;
}

/**
 * The content ciphertext: Response/EncryptedAssertion/EncryptedData/CipherData/CipherValue, decoded
 * (hex), or undefined. AES-GCM authenticates it, so the same bytes decrypt to the same assertion or
 * not at all, whatever EncryptedKey is offered.
 */
function ciphertextOf(doc: Document): string | undefined {
  let el = doc.documentElement ?? undefined;
  for (const name of ['EncryptedAssertion', 'EncryptedData', 'CipherData', 'CipherValue'])
    el = onlyChild(el, name);
  return el && Buffer.from(el.textContent ?? '', 'base64').toString('hex');
}

const originals = new Map<Variant, Promise<Original>>();
function original(variant: Variant): Promise<Original> {
  let found = originals.get(variant);
  if (!found) {
    found = (async () => {
      const encrypt = variant === 'encrypted';
      const built = idp.response({
        now: NOW,
        sign: encrypt ? 'assertion' : variant,
        encrypt,
        attributes: { dept: ['a', 'b & c'] },
      });
      const result = await verifyResponse(Buffer.from(built.xml).toString('base64'), OPTIONS);
      if (!result.ok)
        throw new Error(`the unmutated ${variant}-signed response is refused: ${result.message}`);
      const ids = { assertion: built.assertionId, response: built.responseId };
      const doc = parseWithXmldom(built.xml);
      const signedDoc = encrypt ? parseWithXmldom(built.assertionXml) : doc;
      const signed = new Map(
        SIGNED_PARTS[variant].map((part) => {
          const id = ids[part];
          return [part, { id, canonical: canonicalSigned(signedDoc, id) as string }];
        }),
      );
      const ciphertext = encrypt ? ciphertextOf(doc) : undefined;
      return { xml: built.xml, signed, claims: claimsOf(result.assertion), ciphertext };
    })();
    originals.set(variant, found);
  }
  return found;
}

/** A rejection must be a deliberate one: a named check, a SAML error code, no crashed step. */
function checkResultShape(result: VerifyResult): void {
  if (result.ok) return;
  violation(
    result.error instanceof ApiError,
    `the rejection carries ${String(result.error)}, not an ApiError`,
  );
  violation(CODES.has(result.error.code), `unexpected error code ${result.error.code}`);
  violation(RESPONSE_CHECKS.includes(result.check), `unknown check ${result.check}`);
  violation(!/unexpected error/.test(result.message), `a step crashed (${result.check}): ${result.message}`);
}

/** The mutated form value of a `variant`-signed original (the base64 the ACS would receive). */
export async function mutatedInput(variant: Variant, list: readonly Mutation[]): Promise<string> {
  return applyMutations((await original(variant)).xml, list).toString('base64');
}

/** The verifier's options of these properties (fixed clock, replay check off). */
export const verifyFuzzed = (input: string) => verifyResponse(input, OPTIONS);

async function checkMutated([variant, list]: [Variant, Mutation[]], timed: Timer): Promise<void> {
  const o = await original(variant);
  const input = await mutatedInput(variant, list);
  const result = await timed(() => verifyFuzzed(input));
  checkResultShape(result);
  if (!result.ok) return;
  let doc: Document;
  try {
    doc = parseWithXmldom(Buffer.from(input, 'base64').toString('utf8'));
  } catch (err) {
    throw new Error(`accepted a document xmldom refuses (${String(err)})`);
  }
  for (const part of SIGNED_PARTS[result.assertion.signedBy]) {
    const signed = o.signed.get(part);
    violation(signed, `accepted as signed by the ${part}, which the original did not sign`);
    if (o.ciphertext !== undefined && part === 'assertion') {
      // The signed assertion is inside the content ciphertext (see ciphertextOf).
      violation(ciphertextOf(doc) === o.ciphertext, 'accepted although the content ciphertext changed');
      continue;
    }
    violation(
      canonicalSigned(doc, signed.id) === signed.canonical,
      `accepted although the canonical form of the signed ${part} #${signed.id} changed`,
    );
  }
  violation(
    isDeepStrictEqual(claimsOf(result.assertion), o.claims),
    `accepted with different claims: ${JSON.stringify(claimsOf(result.assertion))}`,
  );
}

export const RESPONSE_PROPERTIES: FuzzProperty[] = [
  fuzzProperty({
    name: 'verifyResponse: a mutated signed response verifies only with its signed canonical form and claims unchanged',
    suiteRuns: 150,
    arbitrary: fc.tuple(fc.constantFrom(...VARIANTS), mutations),
    check: checkMutated,
  }),
  fuzzProperty({
    name: 'verifyResponse: random strings, bytes and XML-ish text are refused by a named check',
    suiteRuns: 400,
    arbitrary: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
      fc.string({ unit: fc.constantFrom(...'ABCDabcd0123+/=\n '), maxLength: 200 }),
      xmlishText.map((x) => Buffer.from(x).toString('base64')),
    ),
    check: async (input: string, timed) => {
      const result = await timed(() => verifyFuzzed(input));
      violation(!result.ok, 'a random input verified');
      checkResultShape(result);
    },
  }),
];
