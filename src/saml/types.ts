/**
 * The public contract of SAML response verification (`verifyResponse` in verify.ts).
 * Kept stable: the ACS routes, AssumeRoleWithSAML, `ramgate diagnose` and the attack suite build on it.
 */
import type { KeyObject } from 'node:crypto';
import type { ApiError } from '../core/errors.js';
import type { EphemeralStore } from '../core/store/types.js';
import type { ResponseCheck } from './checks.js';

/** The IdP half of the trust: what metadata ingestion (metadata.ts) yields. Keys only ever come from here. */
export interface TrustedIdp {
  /**
   * The IdP entityID both Issuers must equal. null only in `ramgate diagnose --cert` (no metadata):
   * then the Response and Assertion Issuers must merely agree, and the detail says so.
   */
  entityId: string | null;
  /** One or two RSA/EC public keys (key rollover: either verifies). */
  signingKeys: readonly KeyObject[];
  /** Findings of metadata ingestion (e.g. an expired certificate), repeated in each result's warnings. */
  warnings?: readonly string[];
}

export interface VerifyOptions {
  idp: TrustedIdp;
  /** SP entityID(s): one Audience of the assertion must equal one of these. */
  audience: string | readonly string[];
  /** ACS URL(s): Destination and Recipient must equal one (scheme/host exact, path case-insensitive). */
  acsUrl: string | readonly string[];
  /**
   * Replay protection: the store in which `saml:replay:<issuer>:<assertionId>` is claimed until
   * NotOnOrAfter, or 'skip' (diagnose, conformance and benchmarks only; the check is reported as skipped).
   */
  replay: EphemeralStore | 'skip';
  /** How `input` is encoded: the POST form value (base64, default) or the XML itself. */
  encoding?: 'base64' | 'xml';
  /** Size cap on the encoded input in characters. Default 256 KiB; AssumeRoleWithSAML uses 100,000. */
  maxInputLength?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: () => number;
  /** Allowed clock skew in seconds. Default 180. */
  skewSeconds?: number;
  /** Accept rsa-sha1/sha1 signatures (provider AuthnSignAlgo = rsa-sha1). Default false. */
  allowSha1?: boolean;
  /** Accept AES-CBC content encryption for this provider. Default false (AES-GCM only). */
  allowAesCbc?: boolean;
  /** SP private keys for EncryptedAssertion (current and next). */
  spDecryptionKeys?: readonly KeyObject[];
  /** Require the Assertion element itself to carry a valid signature (Alibaba's rule). Default false. */
  requireSignedAssertion?: boolean;
  /** Accept a bare saml:Assertion document element (WS-Fed token). Diagnose/conformance only. Default false. */
  allowBareAssertion?: boolean;
  /** The ID of the outstanding AuthnRequest (SP-initiated login). */
  expectedRequestId?: string;
  /**
   * 'enforce' (default): a response carrying InResponseTo while no request is outstanding is refused.
   * 'report-only': that case is only reported (diagnose without --request-id).
   */
  inResponseTo?: 'enforce' | 'report-only';
}

/** One step of the pipeline as it ran: ok, and the values it compared. */
export interface CheckRecord {
  name: ResponseCheck;
  ok: boolean;
  detail: string;
}

export interface VerifiedAssertion {
  issuer: string;
  nameId?: string;
  nameIdFormat?: string;
  sessionIndex?: string;
  /** Epoch ms: the earliest NotOnOrAfter of Conditions and the bearer SubjectConfirmationData. */
  notOnOrAfter: number;
  /** Epoch ms of AuthnStatement/@SessionNotOnOrAfter when present. */
  sessionNotOnOrAfter?: number;
  /** Epoch ms of AuthnStatement/@AuthnInstant. */
  authnInstant: number;
  /** AuthnStatement/AuthnContext/AuthnContextClassRef of the verified assertion (how the IdP authenticated). */
  authnContextClassRef?: string;
  /** Attribute Name → all its AttributeValue texts, in document order. */
  attributes: Record<string, string[]>;
  assertionId: string;
  inResponseTo?: string;
  /** SubjectConfirmationData/@Recipient. */
  recipient: string;
  audiences: string[];
  signedBy: 'response' | 'assertion' | 'both';
  warnings: string[];
}

export interface VerifyAccepted {
  ok: true;
  assertion: VerifiedAssertion;
  checks: CheckRecord[];
}

export interface VerifyRejected {
  ok: false;
  /** The one check that failed. */
  check: ResponseCheck;
  /** AuthenticationFail.SAMLAssertion.Invalid, .Expired (time checks) or AuthenticationFail.IDPMetadata.Invalid. */
  error: ApiError;
  message: string;
  checks: CheckRecord[];
}

export type VerifyResult = VerifyAccepted | VerifyRejected;
