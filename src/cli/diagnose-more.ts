/**
 * What `ramgate diagnose` adds to the pipeline's own report: after a failure, the checks that do
 * not depend on it (the response is verified again with that one check relaxed: the key from its
 * KeyInfo, its own audience or ACS, a time inside its validity…, and the lines are marked); the
 * fingerprints behind a signature that does not verify (the usual key-rollover case); notes such as
 * an IssueInstant in the future. The real ACS never relaxes anything: this is for reading only.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { ResponseCheck } from '../saml/checks.js';
import type { CheckRecord, VerifyOptions, VerifyResult } from '../saml/types.js';
import { verifyResponse } from '../saml/verify.js';
import { attr, parseXml, textOf, walkElements, type XmlElement } from '../saml/xml/index.js';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const MAX_RELAXATIONS = 8;

/** What the diagnosis could read of the (unverified) response: enough to relax checks and explain. */
export interface ResponseFacts {
  keyInfoCertificates: X509Certificate[];
  destination?: string | undefined;
  recipients: string[];
  audiences: string[];
  issuer?: string | undefined;
  /** [element, IssueInstant] of the Response and the Assertion. */
  issueInstants: Array<[string, string]>;
  notBefore?: string | undefined;
}

function decoded(input: string): string {
  return input.trimStart().startsWith('<') ? input : Buffer.from(input, 'base64').toString('utf8');
}

export function responseFacts(input: string): ResponseFacts {
  const facts: ResponseFacts = { keyInfoCertificates: [], recipients: [], audiences: [], issueInstants: [] };
  let root: XmlElement;
  try {
    root = parseXml(decoded(input)).documentElement;
  } catch {
    return facts; // the pipeline reports why it cannot be read
  }
  facts.destination = attr(root, 'Destination') ?? undefined;
  walkElements(root, (el) => {
    const text = () => textOf(el).text.trim();
    if (el.namespaceURI === DSIG && el.localName === 'X509Certificate') {
      try {
        facts.keyInfoCertificates.push(
          new X509Certificate(Buffer.from(text().replace(/\s+/g, ''), 'base64')),
        );
      } catch {
        // not a certificate: nothing to compare
      }
    } else if (el.namespaceURI === ASSERTION && el.localName === 'Audience') facts.audiences.push(text());
    else if (el.namespaceURI === ASSERTION && el.localName === 'SubjectConfirmationData') {
      const recipient = attr(el, 'Recipient');
      if (recipient) facts.recipients.push(recipient);
    } else if (el.namespaceURI === ASSERTION && el.localName === 'Issuer' && !facts.issuer)
      facts.issuer = text();
    else if (el.namespaceURI === ASSERTION && el.localName === 'Conditions')
      facts.notBefore = attr(el, 'NotBefore') ?? undefined;
    if (
      (el.namespaceURI === PROTOCOL && el.localName === 'Response') ||
      (el.namespaceURI === ASSERTION && el.localName === 'Assertion')
    ) {
      const instant = attr(el, 'IssueInstant');
      if (instant) facts.issueInstants.push([el.localName, instant]);
    }
  });
  return facts;
}

/** SHA-256 of a public key's SubjectPublicKeyInfo, as colon-separated hex: comparable across certificates. */
export function keyFingerprint(key: KeyObject): string {
  const hex = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return hex.toUpperCase().match(/../g)?.join(':') ?? hex;
}

/** Why a signature may not verify: the KeyInfo certificate against the configured keys. */
export function signatureHints(facts: ResponseFacts, configured: readonly KeyObject[]): string[] {
  const lines = configured.map((k, i) => `configured key ${i + 1}: SHA-256 ${keyFingerprint(k)}`);
  if (facts.keyInfoCertificates.length === 0)
    return [...lines, 'the response carries no certificate in its KeyInfo: nothing to compare with'];
  const distinct = new Map(facts.keyInfoCertificates.map((c) => [c.fingerprint256, c]));
  for (const cert of distinct.values()) {
    const known = configured.some((k) => keyFingerprint(k) === keyFingerprint(cert.publicKey));
    lines.push(
      `KeyInfo certificate: SHA-256 key ${keyFingerprint(cert.publicKey)} (${cert.subject.replace(/\n/g, ', ')}, valid ${cert.validFrom} to ${cert.validTo})` +
        (known
          ? ' is a configured key: the signed content was changed after signing, or the signature is damaged'
          : " is not configured: the IdP probably rolled over its signing certificate; load the IdP's current metadata (or add the new certificate)"),
    );
  }
  return lines;
}

/** Notes that do not fail a check but usually explain a later failure. */
export function notes(facts: ResponseFacts, now: number): string[] {
  const out: string[] = [];
  for (const [element, instant] of facts.issueInstants) {
    const at = Date.parse(instant);
    if (!Number.isNaN(at) && at > now)
      out.push(
        `the ${element} IssueInstant ${instant} is ${Math.round((at - now) / 1000)} s in the future: the IdP's clock is ahead of this one (or --at is early)`,
      );
  }
  return out;
}

/** The options with the one failed check relaxed from what the response says, or undefined when it cannot be. */
function relaxed(check: ResponseCheck, o: VerifyOptions, f: ResponseFacts): VerifyOptions | undefined {
  const more = (list: string | readonly string[], extra: string[]) => [
    ...new Set([...[list].flat(), ...extra]),
  ];
  switch (check) {
    case 'signature-value':
      return f.keyInfoCertificates.length > 0
        ? { ...o, idp: { ...o.idp, signingKeys: f.keyInfoCertificates.map((c) => c.publicKey) } }
        : undefined;
    case 'signature-algorithm':
      return o.allowSha1 ? undefined : { ...o, allowSha1: true };
    case 'decryption':
      return o.allowAesCbc ? undefined : { ...o, allowAesCbc: true };
    case 'issuer':
      return o.idp.entityId === null ? undefined : { ...o, idp: { ...o.idp, entityId: null } };
    case 'destination':
      return f.destination ? { ...o, acsUrl: more(o.acsUrl, [f.destination]) } : undefined;
    case 'recipient':
      return f.recipients.length ? { ...o, acsUrl: more(o.acsUrl, f.recipients) } : undefined;
    case 'audience':
      return f.audiences.length ? { ...o, audience: more(o.audience, f.audiences) } : undefined;
    case 'in-response-to':
      return { ...o, expectedRequestId: undefined, inResponseTo: 'report-only' };
    case 'not-before':
    case 'not-on-or-after':
    case 'authn-statement': {
      const instant = Date.parse(f.notBefore ?? f.issueInstants[0]?.[1] ?? '');
      return Number.isNaN(instant) ? undefined : { ...o, now: () => instant + 1000 };
    }
    default:
      return undefined;
  }
}

export interface FurtherChecks {
  /** The checks after the first failure, each from a run with the failures before it relaxed. */
  checks: CheckRecord[];
  /** The checks that were relaxed to get there, in order. */
  relaxed: ResponseCheck[];
}

/** After a rejection: the checks that can still be run, with each failure relaxed in turn. */
export async function furtherChecks(
  input: string,
  options: VerifyOptions,
  first: VerifyResult,
  facts: ResponseFacts,
): Promise<FurtherChecks> {
  const out: FurtherChecks = { checks: [], relaxed: [] };
  let result = first;
  let current = options;
  for (let i = 0; i < MAX_RELAXATIONS && !result.ok; i++) {
    const failed = result.check;
    const next = relaxed(failed, current, facts);
    if (!next) break;
    out.relaxed.push(failed);
    current = next;
    result = await verifyResponse(input, current);
    const after = result.checks.findIndex((c) => c.name === failed);
    if (after < 0 || !result.checks[after]?.ok) break; // relaxing did not get past it
    const seen = new Set([...first.checks, ...out.checks].map((c) => c.name));
    out.checks.push(...result.checks.slice(after + 1).filter((c) => !seen.has(c.name)));
  }
  return out;
}
