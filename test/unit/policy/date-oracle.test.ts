import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toEpochMillis } from '../../../src/core/policy/values.js';

/** The accepted grammar, written as the regex the scanner replaced. */
const GRAMMAR =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** The oracle: the grammar, a real calendar day and clock time, then V8's own ISO parser for the instant. */
function expected(text: string): number {
  const m = GRAMMAR.exec(text);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second, zh, zm] = m.slice(1).map((v) => Number(v ?? 0));
  const lastDay = new Date(Date.UTC(2000, (month as number) - 1 + 1, 0)).getUTCDate();
  const leap = (year as number) % 4 === 0 && ((year as number) % 100 !== 0 || (year as number) % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : lastDay;
  const bad =
    (month as number) < 1 ||
    (month as number) > 12 ||
    (day as number) < 1 ||
    (day as number) > days ||
    (hour as number) > 23 ||
    (minute as number) > 59 ||
    (second as number) > 59 ||
    (zh as number) > 23 ||
    (zm as number) > 59;
  return bad ? NaN : Date.parse(text);
}

const instantArb = fc.date({
  min: new Date('0000-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});
const zoneArb = fc.oneof(
  fc.constant('Z'),
  fc
    .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
    .map(([s, h, m]) => `${s}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
);
/** ISO texts of real instants, cut to each allowed precision, with any zone. */
const isoArb = fc.tuple(instantArb, fc.integer({ min: 0, max: 13 }), zoneArb).map(([date, cut, zone]) => {
  const iso = date.toISOString().slice(0, -1); // YYYY-MM-DDTHH:MM:SS.sss
  if (cut === 0) return iso.slice(0, 10);
  if (cut === 1) return `${iso.slice(0, 16)}${zone}`;
  if (cut === 2) return `${iso.slice(0, 19)}${zone}`;
  return `${iso}${'123456789'.slice(0, cut - 4)}${zone}`;
});
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** Day and month numbers around the edges of the calendar, leap years included. */
const calendarArb = fc
  .tuple(
    fc.constantFrom(50, 1900, 2000, 2019, 2020),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
  )
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`);
const TOKENS = [
  '2019',
  '0050',
  '-',
  '02',
  '29',
  '30',
  '13',
  '00',
  'T',
  ':',
  '23',
  '24',
  '59',
  '60',
  '.',
  '5',
  'Z',
  '+',
];
const soupArb = fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }).map((t) => t.join(''));

describe('toEpochMillis agrees with the ISO grammar, the calendar and Date.parse', () => {
  it('on real instants at every precision and zone, and on date-shaped junk', () => {
    fc.assert(
      fc.property(fc.oneof(isoArb, calendarArb, soupArb), (text) => {
        expect([text, toEpochMillis(text)]).toEqual([text, expected(text)]);
      }),
      { numRuns: 5000 },
    );
  });
});
