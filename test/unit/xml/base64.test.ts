/**
 * decodeBase64Strict (XML base64 content: DigestValue, SignatureValue, CipherValue) decides by the
 * re-encode round trip alone; before, an alphabet-and-padding expression ran in front of it. Both
 * must accept and refuse exactly the same inputs, with the same bytes: checked on random strings over
 * the base64 alphabet plus the characters a forger would try (padding, base64url, whitespace, junk),
 * and on valid encodings with one character edited.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from '../../../src/saml/xml/algorithms.js';

/** The former implementation: the oracle. */
function former(text: string): Buffer | null {
  const compact = text.replace(/[ \t\n\r]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0) return null;
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return null;
  const bytes = Buffer.from(compact, 'base64');
  return bytes.toString('base64') === compact ? bytes : null;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const TRICKY = ['=', '-', '_', ' ', '\n', '\t', '\r', '.', '%', '\u00e9', '\0', 'A', 'Q', 'g', 'w'];
const unit = fc.oneof(fc.constantFrom(...ALPHABET), fc.constantFrom(...TRICKY));
const agree = (s: string) => {
  const ours = decodeBase64Strict(s);
  const theirs = former(s);
  expect(ours === null ? null : ours.toString('hex'), JSON.stringify(s)).toBe(
    theirs === null ? null : theirs.toString('hex'),
  );
};

describe('decodeBase64Strict', () => {
  it('agrees with the former expression + round trip on random strings', () => {
    fc.assert(fc.property(fc.string({ unit, maxLength: 24 }), agree), { numRuns: 50_000 });
  });

  it('agrees on valid encodings with one character replaced, inserted or removed', () => {
    const edited = fc
      .tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(), unit, fc.constantFrom('replace', 'insert', 'remove'))
      .map(([bytes, at, ch, op]) => {
        const s = Buffer.from(bytes).toString('base64');
        const i = s.length === 0 ? 0 : at % s.length;
        if (op === 'replace') return s.slice(0, i) + ch + s.slice(i + 1);
        if (op === 'insert') return s.slice(0, i) + ch + s.slice(i);
        return s.slice(0, i) + s.slice(i + 1);
      });
    fc.assert(fc.property(edited, agree), { numRuns: 30_000 });
  });

  it.each([
    ['non-zero trailing bits', 'QR=='],
    ['base64url characters', 'ab-_'],
    ['padding in the middle', 'QQ==QQ=='],
    ['a missing pad', 'QQ='],
    ['too much padding', 'Q==='],
    ['an empty text', ' \n'],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64Strict(text)).toBeNull();
    expect(former(text)).toBeNull();
  });

  it('accepts wrapped canonical base64', () => {
    expect(decodeBase64Strict('QUJD\n REVG\tRw==')?.toString()).toBe('ABCDEFG');
  });
});
