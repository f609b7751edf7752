import { ApiError } from '../errors.js';
import { compileCached } from '../policy-cache.js';
import type { CompiledPolicy } from '../policy/index.js';

export const MIN_DURATION_SECONDS = 900;
export const DEFAULT_DURATION_SECONDS = 3600;
export const MAX_SESSION_DURATION_SECONDS = 43_200;

/** AssumeRole RoleSessionName (reference §3.1). */
export const ASSUME_ROLE_SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;
/** RoleSessionName SAML attribute (reference §2.3). */
export const SAML_SESSION_NAME = /^[A-Za-z0-9,.\-_+=@]{2,64}$/;
/** ExternalId (reference §3.1). */
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function checkSessionName(name: string, pattern: RegExp, what: string): string {
  if (!pattern.test(name)) {
    throw new ApiError(
      'InvalidParameter.RoleSessionName',
      `The ${what} "${name.slice(0, 80)}" is invalid: it must be 2 to 64 characters of ${
        pattern === SAML_SESSION_NAME ? 'letters, digits and , . - _ + = @' : 'letters, digits and . @ - _'
      }.`,
    );
  }
  return name;
}

/** Parse DurationSeconds: an integer from 900 to `max` (default 3600). */
export function parseDuration(raw: string | undefined, max: number, what = 'DurationSeconds'): number {
  if (raw === undefined || raw === '') return Math.min(DEFAULT_DURATION_SECONDS, max);
  if (!/^[0-9]{1,9}$/.test(raw)) {
    throw new ApiError(
      'InvalidParameter.DurationSeconds',
      `The ${what} "${raw.slice(0, 20)}" is not a whole number of seconds.`,
    );
  }
  const seconds = Number(raw);
  if (seconds < MIN_DURATION_SECONDS || seconds > max) {
    throw new ApiError(
      'InvalidParameter.DurationSeconds',
      `The ${what} ${seconds} is out of range: it must be from ${MIN_DURATION_SECONDS} to ${max} (the role's MaxSessionDuration).`,
    );
  }
  return seconds;
}

/** The STS `Policy` parameter: 1–2,048 characters of valid policy grammar. */
export function parseSessionPolicy(
  raw: string | undefined,
): { text: string; compiled: CompiledPolicy } | undefined {
  if (raw === undefined) return undefined;
  return { text: raw, compiled: compileCached(raw, 'session', '<session policy>') };
}
