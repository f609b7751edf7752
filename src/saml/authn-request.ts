/**
 * SP-initiated login: an AuthnRequest sent over the HTTP-Redirect binding (deflated, base64, signed
 * over the exact query octets when the SP has a key), remembered in the EphemeralStore by its ID with
 * the RelayState target, and consumed once when the response comes back.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { EphemeralStore } from '../core/store/types.js';
import { SIG_ALG_URIS, type RedirectSignAlgo } from './redirect-binding.js';
import { escapeXml } from './sp-metadata.js';

export const DEFAULT_AUTHN_REQUEST_TTL_MS = 10 * 60 * 1000;
const PENDING_PREFIX = 'saml:authn:';

export interface AuthnRequestOptions {
  /** The IdP's HTTP-Redirect SingleSignOnService Location. */
  idpSsoUrl: string;
  spEntityId: string;
  acsUrl: string;
  /** SP private key; when given the request is signed. */
  signingKey?: KeyObject;
  /** Provider AuthnSignAlgo; default rsa-sha256. */
  signAlgo?: RedirectSignAlgo;
  /** The RelayState sent to the IdP (opaque, ≤ 80 bytes); the real target stays server-side. */
  relayState?: string;
  nameIdFormat?: string;
  forceAuthn?: boolean;
  now?: () => number;
}

export interface BuiltAuthnRequest {
  id: string;
  xml: string;
  /** The full redirect URL to the IdP. */
  url: string;
}

export interface PendingAuthnRequest {
  id: string;
  /** Where to send the browser after login (stored server-side, never taken from the IdP's RelayState). */
  returnTo?: string;
  /** Whatever the SSO layer needs to bind the response to this request (provider, account, CLI nonce…). */
  context?: Record<string, string>;
  createdAt: number;
}

/** 160 random bits, prefixed with an underscore so the xsd:ID starts with a name character. */
export function newRequestId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

export function authnRequestXml(id: string, issueInstant: string, opts: AuthnRequestOptions): string {
  const force = opts.forceAuthn ? ' ForceAuthn="true"' : '';
  const nameIdPolicy = opts.nameIdFormat
    ? `<samlp:NameIDPolicy Format="${escapeXml(opts.nameIdFormat)}" AllowCreate="true"/>`
    : '';
  return (
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${id}" Version="2.0" IssueInstant="${issueInstant}" Destination="${escapeXml(opts.idpSsoUrl)}"${force}` +
    ` ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" AssertionConsumerServiceURL="${escapeXml(opts.acsUrl)}">` +
    `<saml:Issuer>${escapeXml(opts.spEntityId)}</saml:Issuer>${nameIdPolicy}</samlp:AuthnRequest>`
  );
}

/** Build the redirect URL. The signature covers `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as sent. */
export function buildRedirectAuthnRequest(opts: AuthnRequestOptions): BuiltAuthnRequest {
  if (opts.relayState !== undefined && Buffer.byteLength(opts.relayState) > 80) {
    throw new Error('RelayState must not exceed 80 bytes (SAML bindings §3.4.3)');
  }
  const id = newRequestId();
  const issueInstant = new Date((opts.now ?? Date.now)()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const xml = authnRequestXml(id, issueInstant, opts);
  let query = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (opts.relayState !== undefined) query += `&RelayState=${encodeURIComponent(opts.relayState)}`;
  if (opts.signingKey) {
    const algo = opts.signAlgo ?? 'rsa-sha256';
    query += `&SigAlg=${encodeURIComponent(SIG_ALG_URIS[algo])}`;
    const signature = sign(
      algo === 'rsa-sha1' ? 'sha1' : 'sha256',
      Buffer.from(query, 'utf8'),
      opts.signingKey,
    );
    query += `&Signature=${encodeURIComponent(signature.toString('base64'))}`;
  }
  const separator = opts.idpSsoUrl.includes('?') ? '&' : '?';
  return { id, xml, url: `${opts.idpSsoUrl}${separator}${query}` };
}

/** Build, then remember the request ID (with its return target) until it is consumed or expires. */
export async function startAuthnRequest(
  store: EphemeralStore,
  opts: AuthnRequestOptions & {
    returnTo?: string;
    context?: Record<string, string>;
    ttlMs?: number;
    /** The client address the pending request is counted against (its budget). */
    client: string;
  },
): Promise<BuiltAuthnRequest> {
  const built = buildRedirectAuthnRequest(opts);
  const pending: PendingAuthnRequest = {
    id: built.id,
    createdAt: (opts.now ?? Date.now)(),
    ...(opts.returnTo !== undefined ? { returnTo: opts.returnTo } : {}),
    ...(opts.context !== undefined ? { context: opts.context } : {}),
  };
  await store.set(
    PENDING_PREFIX + built.id,
    JSON.stringify(pending),
    opts.ttlMs ?? DEFAULT_AUTHN_REQUEST_TTL_MS,
    opts.client,
  );
  return built;
}

/** Look a pending request up with `read` (get or take); undefined if the ID is implausible, unknown or expired. */
async function pendingRequest(
  read: (key: string) => Promise<string | undefined>,
  id: string,
): Promise<PendingAuthnRequest | undefined> {
  if (id.length === 0 || id.length > 256) return undefined;
  const raw = await read(PENDING_PREFIX + id);
  if (raw === undefined) return undefined;
  const pending = JSON.parse(raw) as PendingAuthnRequest;
  return pending.id === id ? pending : undefined;
}

/** Read a pending request without using it up (before the response that names it is verified). */
export function findAuthnRequest(
  store: EphemeralStore,
  id: string,
): Promise<PendingAuthnRequest | undefined> {
  return pendingRequest((key) => store.get(key), id);
}

/** Single use: returns the pending request and forgets it; undefined if unknown, expired or already used. */
export function consumeAuthnRequest(
  store: EphemeralStore,
  id: string,
): Promise<PendingAuthnRequest | undefined> {
  return pendingRequest((key) => store.take(key), id);
}
