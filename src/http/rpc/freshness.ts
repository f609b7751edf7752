import { ApiError, missingParameter } from '../../core/errors.js';
import type { EphemeralStore } from '../../core/store/types.js';

/** The SDKs send `yyyy-MM-ddTHH:mm:ssZ` (UTC, no milliseconds). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parses a signed request's timestamp (Timestamp parameter or x-acs-date header) into epoch ms. */
export function parseSignedTimestamp(value: string | undefined, name: string): number {
  if (value === undefined || value === '') throw missingParameter(name);
  const match = TIMESTAMP.exec(value);
  const ms = match ? Date.parse(value) : NaN;
  // Date.parse accepts 2026-02-31; the round trip refuses impossible dates.
  if (Number.isNaN(ms) || new Date(ms).toISOString().replace('.000Z', 'Z') !== value) {
    throw new ApiError(
      'InvalidTimeStamp.Format',
      `Specified ${name} "${value.slice(0, 40)}" is not well formatted: expected yyyy-MM-ddTHH:mm:ssZ in UTC.`,
    );
  }
  return ms;
}

export function checkTimestampWindow(
  timestampMs: number,
  nowMs: number,
  windowMs: number,
  name: string,
): void {
  if (Math.abs(nowMs - timestampMs) > windowMs) {
    throw new ApiError(
      'InvalidTimeStamp.Expired',
      `Specified ${name} ${new Date(timestampMs).toISOString()} is more than ${windowMs / 60_000} minutes away from the server time ${new Date(nowMs).toISOString()}.`,
    );
  }
}

const MAX_NONCE_LENGTH = 256;

export function checkNonceShape(nonce: string | undefined, name: string): string {
  if (nonce === undefined || nonce === '') throw missingParameter(name);
  if (nonce.length > MAX_NONCE_LENGTH) {
    throw new ApiError('InvalidParameter', `The ${name} is longer than ${MAX_NONCE_LENGTH} characters.`);
  }
  return nonce;
}

/**
 * Single use of a nonce per AccessKey while its timestamp is acceptable: the entry lives until
 * the signed timestamp leaves the window, after which the timestamp check refuses a replay anyway.
 */
export async function consumeNonce(
  store: Pick<EphemeralStore, 'putIfAbsent'>,
  accessKeyId: string,
  nonce: string,
  timestampMs: number,
  nowMs: number,
  windowMs: number,
): Promise<void> {
  const ttlMs = Math.ceil(Math.max(1000, timestampMs + windowMs - nowMs + 1000));
  const fresh = await store.putIfAbsent(`rpc-nonce:${accessKeyId}:${nonce}`, '1', ttlMs);
  if (!fresh) {
    throw new ApiError(
      'SignatureNonceUsed',
      `Specified signature nonce "${nonce.slice(0, 64)}" was used already.`,
    );
  }
}
