/** Scalar forms used by condition operators: strict numbers, ISO 8601 dates, booleans. */

import { DAY_MS, daysFromCivil, digitsAt as digits } from '../calendar.js';

const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

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
  return parseIsoDate(value);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.f{1,9}]](Z|±HH:MM)`, scanned by char codes. */
function parseIsoDate(text: string): number {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1) || text[4] !== '-' || text[7] !== '-') return NaN;
  if (day > daysInMonth(year, month)) return NaN;
  const date = daysFromCivil(year, month, day) * DAY_MS;
  if (text.length === 10) return date;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (text[10] !== 'T' || text[13] !== ':' || !(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59))
    return NaN;
  let at = 16;
  let second = 0;
  let millis = 0;
  if (text[at] === ':') {
    second = digits(text, at + 1, 2);
    if (!(second >= 0 && second <= 59)) return NaN;
    at += 3;
    if (text[at] === '.') {
      const from = ++at;
      while (at < text.length && at - from < 10 && digits(text, at, 1) >= 0) at++;
      if (at === from || at - from > 9) return NaN;
      // Milliseconds are the first three fraction digits; finer digits are dropped.
      for (let i = 0; i < 3; i++) millis = millis * 10 + (from + i < at ? digits(text, from + i, 1) : 0);
    }
  }
  const offset = zoneOffset(text, at);
  if (Number.isNaN(offset)) return NaN;
  return date + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis - offset;
}

/** The zone at text[at…] to the end: `Z` or `±HH:MM`, in milliseconds east of UTC; NaN otherwise. */
function zoneOffset(text: string, at: number): number {
  if (text[at] === 'Z') return at + 1 === text.length ? 0 : NaN;
  const sign = text[at] === '+' ? 1 : text[at] === '-' ? -1 : 0;
  const hours = digits(text, at + 1, 2);
  const minutes = digits(text, at + 4, 2);
  if (sign === 0 || text[at + 3] !== ':' || at + 6 !== text.length) return NaN;
  if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) return NaN;
  return sign * (hours * 60 + minutes) * 60_000;
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
