/**
 * Before verifying, a role-based ACS must learn which IdP sent a response (to pick its keys) and
 * which AuthnRequest it answers (to take the pending request). Both are read here from the
 * UNVERIFIED message and used only for that: every claim the gateway acts on comes from
 * verifyResponse, which re-checks the Issuer and InResponseTo against what is chosen here.
 */
import type { PreparedResponse } from '../saml/verify.js';
import { attr, firstChild, textOf } from '../saml/xml/index.js';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';

export interface ResponseHints {
  issuer?: string;
  inResponseTo?: string;
}

/** The hints of a response decoded and parsed once (`prepareResponse`); none when it did not parse. */
export function peekResponse(prepared: PreparedResponse): ResponseHints {
  const doc = prepared.document;
  if (!doc) return {}; // verifyResponse reports what is wrong with the message
  const root = doc.documentElement;
  const issuerEl =
    firstChild(root, ASSERTION, 'Issuer') ??
    (root.namespaceURI === PROTOCOL
      ? firstChild(firstChild(root, ASSERTION, 'Assertion') ?? root, ASSERTION, 'Issuer')
      : null);
  const issuer = issuerEl ? textOf(issuerEl).text.trim() : undefined;
  const inResponseTo = attr(root, 'InResponseTo') ?? undefined;
  return { ...(issuer ? { issuer } : {}), ...(inResponseTo ? { inResponseTo } : {}) };
}

const PROVIDER_ARN = /acs:ram::[0-9]{1,32}:saml-provider\/[A-Za-z0-9._-]{1,128}/gi;
const MAX_PEEKED_ARNS = 32;

/**
 * The SAML provider ARNs an UNVERIFIED response names (its Role attribute values), lower-case: only
 * to choose which provider's keys to try first. Nothing found (an encrypted assertion) is fine.
 */
export function peekProviderArns(prepared: PreparedResponse): string[] {
  if (typeof prepared.decoded !== 'string') return [];
  const found = new Set<string>();
  for (const match of prepared.decoded.matchAll(PROVIDER_ARN)) {
    found.add(match[0].toLowerCase());
    if (found.size >= MAX_PEEKED_ARNS) break;
  }
  return [...found];
}
