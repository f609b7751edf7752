/**
 * findBadChar (a plain-class prefilter in front of the exact Char expression) against the exact
 * expression alone, which it replaced: same first offending offset and character, or both none, on
 * random strings biased towards the edges (controls, surrogates, U+FFFE/U+FFFF, one- and two-byte text).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBadChar } from '../../../src/saml/xml/chars.js';
import { parseXml, XmlRejection } from '../../../src/saml/xml/index.js';

// The expression as it was before the prefilter: the oracle.
const BAD_CHAR_RE =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/; // eslint-disable-line no-control-regex
const oracle = (s: string) => {
  const m = BAD_CHAR_RE.exec(s);
  return m ? { index: m.index, char: m[0] } : null;
};

const EDGE_UNITS = [
  0x00, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x1f, 0x20, 0x41, 0x7f, 0xe9, 0xff, 0x100, 0x5f20, 0xd7ff,
  0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xfffe, 0xffff,
];
const unit = fc.oneof(
  fc.constantFrom(...EDGE_UNITS),
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0, max: 0xffff }),
);
const text = fc.array(unit, { maxLength: 40 }).map((units) => String.fromCharCode(...units));

describe('findBadChar', () => {
  it('agrees with the exact expression on random text (first offset and character, or none)', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(findBadChar(s)).toEqual(oracle(s));
      }),
      { numRuns: 30_000 },
    );
  });

  it('agrees on long mostly-plain one-byte and two-byte text with a few edge units mixed in', () => {
    const long = fc
      .tuple(
        fc.constantFrom('<a b="c">text</a>\n', '<p>\u5f20\u4e09 \ud83d\ude00</p>'),
        fc.array(fc.tuple(fc.nat(2000), fc.constantFrom(...EDGE_UNITS)), { maxLength: 3 }),
      )
      .map(([chunk, edits]) => {
        const units = [...chunk.repeat(120)].join('').split('');
        for (const [at, u] of edits) units[at % units.length] = String.fromCharCode(u);
        return units.join('');
      });
    fc.assert(
      fc.property(long, (s) => {
        expect(findBadChar(s)).toEqual(oracle(s));
      }),
      { numRuns: 2_000 },
    );
  });

  it('passes the prefilter but not the exact check: a paired surrogate (an astral character) is allowed', () => {
    expect(findBadChar('<a>\ud83d\ude00</a>')).toBeNull();
    expect(parseXml('<a>\ud83d\ude00</a>').documentElement.localName).toBe('a');
  });

  it.each([
    ['an unpaired high surrogate', '<a>\u5f20\ud83d</a>', 4, 'U+D83D'],
    ['an unpaired low surrogate', '<a>\u5f20\ude00x</a>', 4, 'U+DE00'],
    ['U+FFFE in two-byte text', '<a>\u5f20\ufffe</a>', 4, 'U+FFFE'],
    ['a control character after an astral character', '<a>\ud83d\ude00\u0001</a>', 5, 'U+0001'],
  ])('still refuses %s, at the same offset', (_what, xml, index, label) => {
    expect(findBadChar(xml)?.index).toBe(index);
    expect(() => parseXml(xml)).toThrow(XmlRejection);
    expect(() => parseXml(xml)).toThrow(`character ${label} is not allowed in XML (at offset ${index})`);
  });
});
