/**
 * parseDateTime (the hand-rolled xs:dateTime reader behind every time check) against what it replaced:
 * the strict regular expression, the fraction cut to milliseconds, then Date.parse. Same value or
 * both NaN on generated values around every field's limits (leap days, day 31 in short months,
 * 24:00, long fractions, zone offsets) and on random strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDateTime } from '../../../src/saml/response/values.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const oracle = (v: string): number => (DATE_TIME.test(v) ? Date.parse(v.replace(/(\.\d{3})\d+/, '$1')) : NaN);

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const field = (max: number, width: number) =>
  fc.oneof(fc.integer({ min: 0, max }), fc.constantFrom(0, 1, max - 1, max)).map((n) => pad(n, width));

const dateTime = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: 0, max: 9999 }),
      fc.constantFrom(0, 1, 1900, 1970, 2000, 2024, 2100, 9999),
    ),
    month: field(13, 2),
    day: field(32, 2),
    hour: field(25, 2),
    minute: field(60, 2),
    second: field(60, 2),
    fraction: fc.option(fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 11 }), {
      nil: undefined,
    }),
    zone: fc.oneof(
      fc.constant('Z'),
      fc.tuple(fc.constantFrom('+', '-'), field(25, 2), field(60, 2)).map(([s, h, m]) => `${s}${h}:${m}`),
    ),
  })
  .map(
    ({ year, month, day, hour, minute, second, fraction, zone }) =>
      `${pad(year, 4)}-${month}-${day}T${hour}:${minute}:${second}${fraction === undefined ? '' : `.${fraction}`}${zone}`,
  );

function agree(v: string): void {
  const expected = oracle(v);
  expect(parseDateTime(v), JSON.stringify(v)).toBe(expected);
}

describe('parseDateTime equals regex + Date.parse', () => {
  it.each([
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2023-02-31T12:00:00Z',
    '2023-04-31T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2000-02-29T23:59:59.999Z',
    '0000-01-01T00:00:00Z',
    '0000-03-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999+23:59',
    '2023-01-01T24:00:00Z',
    '2023-01-01T24:00:00.0009Z',
    '2023-01-01T24:00:00.001Z',
    '2023-01-01T24:00:01Z',
    '2023-01-01T23:59:59-00:00',
    '2023-01-01T23:59:59+24:00',
    '2023-01-01T00:00:00.5Z',
    '2023-01-01T00:00:00.05Z',
    '2023-01-01T00:00:00.1234567890Z',
    '2023-01-01T00:00:00.Z',
    '2023-01-01T00:00:00',
    '2023-01-01 00:00:00Z',
    '2023-1-01T00:00:00Z',
    '+2023-01-01T00:00:00Z',
    '2023-01-01T00:00:00z',
    '2023-01-01T00:00:00Z\n',
    '2023-01-01T00:00:00+0100',
    '２023-01-01T00:00:00Z',
  ])('%j', agree);

  it('on generated values around every field limit', () => {
    fc.assert(fc.property(dateTime, agree), { numRuns: 30_000 });
  });

  it('on generated values with one character replaced, inserted or removed', () => {
    const edit = fc.tuple(
      dateTime,
      fc.nat(40),
      fc.nat(2),
      fc.constantFrom('0', '9', '-', ':', 'T', 'Z', '.', '+', ' ', 'x', '٣'),
    );
    fc.assert(
      fc.property(edit, ([v, at, op, ch]) => {
        const i = at % (v.length + 1);
        agree(
          op === 0
            ? v.slice(0, i) + ch + v.slice(i + 1)
            : op === 1
              ? v.slice(0, i) + ch + v.slice(i)
              : v.slice(0, i) + v.slice(i + 1),
        );
      }),
      { numRuns: 30_000 },
    );
  });
});
