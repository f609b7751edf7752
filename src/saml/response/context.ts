/** The state the verification steps share: options resolved once, then what each step established. */
import type { KeyObject } from 'node:crypto';
import type { EphemeralStore } from '../../core/store/types.js';
import type { IdIndex, SignatureResult, XmlDocument, XmlElement } from '../xml/index.js';
import type { TrustedIdp, VerifyOptions } from '../types.js';
import { DEFAULT_MAX_INPUT_LENGTH } from './decode.js';
import type { PreparedResponse } from './prepared.js';

export const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const DEFAULT_SKEW_SECONDS = 180;

export interface ResolvedOptions {
  idp: TrustedIdp;
  audiences: readonly string[];
  acsUrls: readonly string[];
  replay: EphemeralStore | 'skip';
  encoding: 'base64' | 'xml';
  maxInputLength: number;
  now: number;
  skewMs: number;
  allowSha1: boolean;
  allowAesCbc: boolean;
  spDecryptionKeys: readonly KeyObject[];
  requireSignedAssertion: boolean;
  allowBareAssertion: boolean;
  expectedRequestId: string | undefined;
  inResponseTo: 'enforce' | 'report-only';
}

export function resolveOptions(o: VerifyOptions): ResolvedOptions {
  const list = (v: string | readonly string[]) => (typeof v === 'string' ? [v] : [...v]);
  return {
    idp: o.idp,
    audiences: list(o.audience),
    acsUrls: list(o.acsUrl),
    replay: o.replay,
    encoding: o.encoding ?? 'base64',
    maxInputLength: o.maxInputLength ?? DEFAULT_MAX_INPUT_LENGTH,
    now: (o.now ?? Date.now)(),
    skewMs: (o.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000,
    allowSha1: o.allowSha1 ?? false,
    allowAesCbc: o.allowAesCbc ?? false,
    spDecryptionKeys: o.spDecryptionKeys ?? [],
    requireSignedAssertion: o.requireSignedAssertion ?? false,
    allowBareAssertion: o.allowBareAssertion ?? false,
    expectedRequestId: o.expectedRequestId,
    inResponseTo: o.inResponseTo ?? 'enforce',
  };
}

/** The bearer confirmation data, when present (a bare WS-Fed assertion may carry none). */
export interface Confirmation {
  recipient: string | null;
  notOnOrAfter: number | null;
  inResponseTo: string | null;
}

/** One plain signature's verification, done once at the first signature step. */
export interface SignatureOutcome {
  label: 'Response' | 'Assertion';
  result: SignatureResult;
}

/** What one walk of the whole document found, for 'unique-ids', 'assertion-count' and 'signature-placement'. */
export interface Census {
  ids: IdIndex;
  /** saml:Assertion and saml:EncryptedAssertion elements anywhere, in document order. */
  assertions: XmlElement[];
  /** ds:Signature elements anywhere, in document order. */
  signatures: XmlElement[];
}

/** The AuthnStatement as the 'authn-statement' step read it. */
export interface Authn {
  statement: XmlElement;
  instant: number;
  sessionEnd: number | null;
  /** AuthnContext/AuthnContextClassRef, when given. */
  classRef: string | null;
}

/** NameID and attributes read by the 'subject' step for the verified assertion. */
export interface Claims {
  nameId?: string;
  nameIdFormat?: string;
  attributes: Record<string, string[]>;
}

/**
 * Everything lives on the context, not in WeakMaps keyed by it: measured, V8's scavenger keeps WeakMap
 * entries alive until a full GC, so each verification's tree was promoted to old space.
 */
export interface Context {
  input: string;
  /** The input decoded and parsed ahead of the pipeline (base64 encoding only), or null. */
  prepared: PreparedResponse | null;
  opts: ResolvedOptions;
  xml: string;
  doc: XmlDocument | null;
  /** A limits rejection found while parsing, reported by the 'xml-limits' step. */
  limitsFailure: string | null;
  /** The samlp:Response, or null for a bare Assertion document. */
  response: XmlElement | null;
  /** The plain Assertion, or after 'decryption' the decrypted one. */
  assertion: XmlElement | null;
  encryptedAssertion: XmlElement | null;
  responseSignature: XmlElement | null;
  assertionSignature: XmlElement | null;
  responseSigned: boolean;
  assertionSigned: boolean;
  confirmation: Confirmation | null;
  /** Values later steps established, read back by buildVerifiedAssertion and replay (not re-read from the tree). */
  assertionIssuer: string | null;
  audiences: string[] | null;
  /** The earliest NotOnOrAfter of Conditions and the bearer confirmation ('not-on-or-after'). */
  expiry: number | null;
  authn: Authn | null;
  census: Census | null;
  signatureOutcomes: SignatureOutcome[] | null;
  claims: Claims | null;
  warnings: string[];
}

export function newContext(input: string, opts: ResolvedOptions): Context {
  return {
    input,
    prepared: null,
    opts,
    xml: '',
    doc: null,
    limitsFailure: null,
    response: null,
    assertion: null,
    encryptedAssertion: null,
    responseSignature: null,
    assertionSignature: null,
    responseSigned: false,
    assertionSigned: false,
    confirmation: null,
    assertionIssuer: null,
    audiences: null,
    expiry: null,
    authn: null,
    census: null,
    signatureOutcomes: null,
    claims: null,
    warnings: [...(opts.idp.warnings ?? [])],
  };
}

/** Non-null access to state an earlier step established (a bug otherwise, not a user error). */
export function established<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`internal: ${what} was not established by an earlier step`);
  return value;
}
