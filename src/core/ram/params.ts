/**
 * Reading API parameters. Requests arrive either typed (config loader, tests) or as the strings of
 * an RPC form (HTTP layer), so booleans and integers accept both and nothing else.
 */
import { ApiError, missingParameter, type ErrorCode } from '../errors.js';
import { LIMITS, clip } from './rules.js';

export type Params = Record<string, unknown>;
export type BoolParam = boolean | 'true' | 'false';
export type IntParam = number | string;

/** No single parameter may exceed this; specific rules are stricter. */
const MAX_PARAM_CHARS = LIMITS.metadataDocumentChars;

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw new ApiError('InvalidParameter', `The parameter ${name} must be a string.`);
  if (value.length > MAX_PARAM_CHARS)
    throw new ApiError(
      'InvalidParameter',
      `The parameter ${name} is longer than ${MAX_PARAM_CHARS} characters.`,
    );
  return value;
}

export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined) throw missingParameter(name);
  return value;
}

/** A required string that must pass `check` (a name rule that throws its own ApiError). */
export function checkedString(params: Params, name: string, check: (value: string) => void): string {
  const value = requiredString(params, name);
  check(value);
  return value;
}

/** An optional description of at most `max` characters (InvalidParameter.Description). */
export function descriptionParam(params: Params, name: string, max: number): string | undefined {
  const value = optionalString(params, name);
  if (value !== undefined && value.length > max)
    throw new ApiError(
      'InvalidParameter.Description',
      `${name} must be at most ${max} characters long; it has ${value.length}.`,
    );
  return value;
}

export function optionalBool(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ApiError('InvalidParameter', `The parameter ${name} must be true or false.`);
}

export function optionalInt(
  params: Params,
  name: string,
  code: ErrorCode = 'InvalidParameter',
): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?[0-9]{1,15}$/.test(value)) return Number(value);
  throw new ApiError(code, `The parameter ${name} must be an integer; got "${clip(String(value))}".`);
}

export function oneOf<T extends string>(
  params: Params,
  name: string,
  allowed: readonly T[],
  code: ErrorCode,
): T | undefined {
  const value = optionalString(params, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new ApiError(
      code,
      `The parameter ${name} must be one of ${allowed.join(', ')}; got "${clip(value)}".`,
    );
  return value as T;
}

export type Page<T> = { items: T[]; IsTruncated: boolean; Marker?: string };

/**
 * Marker/MaxItems paging over records sorted by key. The Marker is the opaque (base64url) key of
 * the last returned record; it is returned only when IsTruncated is true.
 */
export function paginate<T>(
  records: Array<{ key: string; value: T }>,
  params: Params,
  maxItemsCap: number = LIMITS.listMaxItems,
): Page<T> {
  const maxItems = optionalInt(params, 'MaxItems', 'InvalidParameter.MaxItems') ?? Math.min(100, maxItemsCap);
  if (maxItems < 1 || maxItems > maxItemsCap)
    throw new ApiError('InvalidParameter.MaxItems', `MaxItems must be 1 to ${maxItemsCap}; got ${maxItems}.`);
  const marker = optionalString(params, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    const after = decodeMarker(marker);
    start = records.findIndex((r) => r.key > after);
    if (start < 0) start = records.length;
  }
  const slice = records.slice(start, start + maxItems);
  const truncated = start + maxItems < records.length;
  const last = slice[slice.length - 1];
  return {
    items: slice.map((r) => r.value),
    IsTruncated: truncated,
    ...(truncated && last ? { Marker: Buffer.from(last.key, 'utf8').toString('base64url') } : {}),
  };
}

/** A list response in the RPC JSON style: `{ Users: { User: [...] }, IsTruncated, Marker? }`. */
export function listResponse<O extends string, I extends string, T>(
  outer: O,
  inner: I,
  items: T[],
  page: Page<unknown>,
): { [K in O]: { [J in I]: T[] } } & { IsTruncated: boolean; Marker?: string } {
  const body = { [outer]: { [inner]: items }, IsTruncated: page.IsTruncated };
  return (page.Marker ? { ...body, Marker: page.Marker } : body) as { [K in O]: { [J in I]: T[] } } & {
    IsTruncated: boolean;
    Marker?: string;
  };
}

function decodeMarker(marker: string): string {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(marker))
    throw new ApiError(
      'InvalidParameter.Marker',
      `The Marker "${clip(marker)}" was not returned by a list call.`,
    );
  return Buffer.from(marker, 'base64url').toString('utf8');
}

/** Strict base64 (RFC 4648 alphabet, padding required, no whitespace) decoded to UTF-8 text. */
export function decodeBase64Text(value: string, code: ErrorCode, name: string): string {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw new ApiError(code, `The parameter ${name} is not strict base64.`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value)
    throw new ApiError(code, `The parameter ${name} is not canonical base64 (non-zero padding bits).`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(code, `The parameter ${name} does not decode to UTF-8 text.`);
  }
}
