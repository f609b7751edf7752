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
