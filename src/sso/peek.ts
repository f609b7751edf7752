/**
 * Before verifying, a role-based ACS must learn which IdP sent a response (to pick its keys) and
 * which AuthnRequest it answers (to take the pending request). Both are read here from the
 * UNVERIFIED message and used only for that: every claim the gateway acts on comes from
 * verifyResponse, which re-checks the Issuer and InResponseTo against what is chosen here.
 */
import { attr, firstChild, parseXml, textOf } from '../saml/xml/index.js';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';

export interface ResponseHints {
  issuer?: string;
  inResponseTo?: string;
}

export function peekResponse(samlResponseB64: string, maxLength: number): ResponseHints {
  if (samlResponseB64.length > maxLength) return {};
  try {
    const doc = parseXml(Buffer.from(samlResponseB64, 'base64').toString('utf8'));
    const root = doc.documentElement;
    const issuerEl =
      firstChild(root, ASSERTION, 'Issuer') ??
      (root.namespaceURI === PROTOCOL
        ? firstChild(firstChild(root, ASSERTION, 'Assertion') ?? root, ASSERTION, 'Issuer')
        : null);
    const issuer = issuerEl ? textOf(issuerEl).text.trim() : undefined;
    const inResponseTo = attr(root, 'InResponseTo') ?? undefined;
    return { ...(issuer ? { issuer } : {}), ...(inResponseTo ? { inResponseTo } : {}) };
  } catch {
    return {}; // verifyResponse reports what is wrong with the message
  }
}
