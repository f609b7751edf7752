/** Scalar forms used by condition operators: strict numbers, ISO 8601 dates, booleans. */

const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A finite number from a JSON number or a plain decimal string; NaN otherwise. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

/**
 * Epoch milliseconds of an ISO 8601 date (`2019-01-01`) or date-time with a zone
 * (`2012-11-11T23:59:59Z`, `…T23:59:59.5+08:00`); NaN for anything else, including impossible
 * dates such as February 30 and date-times without a zone (their instant would be ambiguous).
 */
export function toEpochMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return NaN;
  const m = ISO_DATE.exec(value);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (h !== undefined && zone === undefined) return NaN;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const local = Date.UTC(year, month, day, hour, minute, second, Number(`0.${frac ?? '0'}`) * 1000);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day)
    return NaN;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return NaN;
    offset = sign * (zh * 60 + zm) * 60_000;
  }
  return local - offset;
}

/** 'true' / 'false' (any case) from a boolean or a string; undefined otherwise. */
export function toBoolString(value: unknown): 'true' | 'false' | undefined {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower;
  }
  return undefined;
}
