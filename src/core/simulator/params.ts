/**
 * The simulate action's parameters: `ActionNames` and `ResourceArns` (a JSON list, or names
 * separated by commas), `ContextEntries` (a JSON object of condition keys to a value or a list of
 * values). Missing common keys take the request's own values, so "may I do this from here, now?"
 * needs no context at all.
 */
import { ApiError, missingParameter } from '../errors.js';
import type { ContextValue } from '../policy/index.js';
import { requestContext } from '../sts/authorize.js';
import type { CallerFacts } from '../sts/ports.js';

export const MAX_SIMULATED = { actions: 20, resources: 20, contextKeys: 50 } as const;

function list(raw: unknown, name: string, max: number): string[] {
  if (raw === undefined || raw === '') throw missingParameter(name);
  const text = String(raw).trim();
  let values: unknown;
  if (text.startsWith('[')) {
    try {
      values = JSON.parse(text);
    } catch {
      throw new ApiError('InvalidParameter', `${name} is not a JSON list.`);
    }
  } else values = text.split(',').map((v) => v.trim());
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string' || v === ''))
    throw new ApiError('InvalidParameter', `${name} must be a non-empty list of strings.`);
  if (values.length > max) throw new ApiError('InvalidParameter', `${name} may name at most ${max} items.`);
  return values as string[];
}

const isValue = (v: unknown): v is ContextValue => ['string', 'number', 'boolean'].includes(typeof v);

function contextEntries(raw: unknown): Record<string, ContextValue | ContextValue[]> {
  if (raw === undefined || raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    throw new ApiError('InvalidParameter', 'ContextEntries is not a JSON object.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ApiError('InvalidParameter', 'ContextEntries must be a JSON object of condition keys.');
  const entries = Object.entries(parsed);
  if (entries.length > MAX_SIMULATED.contextKeys)
    throw new ApiError(
      'InvalidParameter',
      `ContextEntries may name at most ${MAX_SIMULATED.contextKeys} keys.`,
    );
  const out: Record<string, ContextValue | ContextValue[]> = {};
  for (const [key, value] of entries) {
    const ok = isValue(value) || (Array.isArray(value) && value.length > 0 && value.every(isValue));
    if (!ok || !/^[A-Za-z0-9:_/.-]{1,128}$/.test(key))
      throw new ApiError(
        'InvalidParameter',
        `ContextEntries["${key.slice(0, 64)}"] must be a value or a list of values.`,
      );
    if (Object.keys(out).some((k) => k.toLowerCase() === key.toLowerCase()))
      throw new ApiError('InvalidParameter', `ContextEntries names ${key} twice.`);
    out[key] = value as ContextValue | ContextValue[];
  }
  return out;
}

/**
 * The context of a simulated request: the request's own common keys, replaced by those given.
 * `facts.mfaPresent` is the simulated principal's (the caller's own session, or false for a named
 * user or role, which has no session); `ContextEntries` may set `acs:MFAPresent` either way.
 */
export function simulatedContext(raw: unknown, facts: CallerFacts, nowMs: number) {
  const given = contextEntries(raw);
  const defaults = requestContext(facts, nowMs) as Record<string, ContextValue | undefined>;
  const givenKeys = new Set(Object.keys(given).map((k) => k.toLowerCase()));
  const context: Record<string, ContextValue | readonly ContextValue[]> = {};
  for (const [key, value] of Object.entries(defaults))
    if (value !== undefined && !givenKeys.has(key.toLowerCase())) context[key] = value;
  return { ...context, ...given };
}

export const simulatedActions = (raw: unknown) => list(raw, 'ActionNames', MAX_SIMULATED.actions);
export const simulatedResources = (raw: unknown) =>
  raw === undefined || raw === '' ? ['*'] : list(raw, 'ResourceArns', MAX_SIMULATED.resources);
