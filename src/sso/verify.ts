import type { EphemeralStore } from '../core/store/types.js';
import { ApiError } from '../core/errors.js';
import { consumeAuthnRequest, findAuthnRequest, type PendingAuthnRequest } from '../saml/authn-request.js';
import type { IdpMetadata } from '../saml/metadata.js';
import {
  prepareResponse,
  verifyResponse,
  type PreparedResponse,
  type VerifiedAssertion,
} from '../saml/verify.js';
import type { SpDescription } from '../saml/sp-metadata.js';
import type { Gateway } from './gateway.js';
import { peekResponse } from './peek.js';

/** POSTed SAMLResponse cap (base64 characters); AssumeRoleWithSAML allows 100,000. */
export const ACS_MAX_RESPONSE_LENGTH = 256 * 1024;

export interface VerifyInput {
  /** The base64 SAMLResponse, or the same already decoded and parsed for its hints (findPendingRequest). */
  samlResponse: string | PreparedResponse;
  sp: SpDescription;
  idp: IdpMetadata;
  allowSha1: boolean;
  allowAesCbc: boolean;
  maxInputLength: number;
  /** The outstanding AuthnRequest this response answers, if any. */
  pending?: PendingAuthnRequest | undefined;
}

/**
 * Verify with the gateway's SP settings and the shared replay cache, then spend the pending
 * AuthnRequest the response answered; throws the failed check's ApiError.
 */
export async function verifyOrThrow(gw: Gateway, input: VerifyInput): Promise<VerifiedAssertion> {
  const started = performance.now();
  const result = await verifyResponse(input.samlResponse, {
    idp: input.idp,
    audience: input.sp.entityId,
    acsUrl: input.sp.acsUrl,
    replay: gw.store.ephemeral,
    maxInputLength: input.maxInputLength,
    now: gw.now,
    skewSeconds: gw.skewSeconds,
    allowSha1: input.allowSha1,
    allowAesCbc: input.allowAesCbc,
    ...(gw.sp.decryptionKeys ? { spDecryptionKeys: gw.sp.decryptionKeys } : {}),
    ...(input.pending ? { expectedRequestId: input.pending.id } : {}),
  });
  gw.metrics?.verifySeconds.observe((performance.now() - started) / 1000);
  if (!result.ok) throw result.error;
  await claimPendingRequest(gw.store.ephemeral, input.pending);
  return result.assertion;
}

/**
 * The pending AuthnRequest a response claims to answer, read WITHOUT using it up: the claim comes
 * from the unverified message, so the request is spent only by `claimPendingRequest` once the
 * response verified against it (a forged response cannot burn someone else's login).
 */
export async function findPendingRequest(
  store: EphemeralStore,
  samlResponse: string,
  maxLength: number,
): Promise<{
  prepared: PreparedResponse;
  hints: ReturnType<typeof peekResponse>;
  pending: PendingAuthnRequest | undefined;
}> {
  // Decoded and parsed once: verifyOrThrow({ samlResponse: prepared }) reuses both.
  const prepared = prepareResponse(samlResponse, maxLength);
  const hints = peekResponse(prepared);
  const pending = hints.inResponseTo ? await findAuthnRequest(store, hints.inResponseTo) : undefined;
  return { prepared, hints, pending };
}

/** Spend the pending request a verified response answered; a second response for it is refused. */
export async function claimPendingRequest(
  store: EphemeralStore,
  pending: PendingAuthnRequest | undefined,
): Promise<void> {
  if (!pending) return;
  if (!(await consumeAuthnRequest(store, pending.id))) {
    throw new ApiError(
      'AuthenticationFail.SAMLAssertion.Invalid',
      `The AuthnRequest ${pending.id} was already answered.`,
      {
        check: 'in-response-to',
      },
    );
  }
}
