/**
 * XML 1.0 Name and Namespaces NCName recognition. The exact productions are the regular expressions
 * below (measured: for Name, V8's compiled expression is as fast as a char-code loop). An NCName made only
 * of ASCII (nearly all of them) is first tried by a loop over the ASCII subset of the production, and
 * whatever that does not accept whole is decided by the exact expression.
 */

const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = NAME_START + '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040';
const ASTRAL = '[\\uD800-\\uDB7F][\\uDC00-\\uDFFF]';
// The XML 1.0 NameChar ranges include combining marks and ZWJ by design (they are code point ranges, not glyphs).
// eslint-disable-next-line no-misleading-character-class
const NAME_RE = new RegExp(`(?:[${NAME_START}]|${ASTRAL})(?:[${NAME_CHAR}]|${ASTRAL})*`, 'y');

/** NCName of Namespaces in XML 1.0: a Name without colons (letters, '_' first; then also digits, '.', '-', combining marks). */
export const NCNAME_RE = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}._\-\u00B7\u203F\u2040]*$/u;

/** End offset of the XML Name starting at `start` in `s`, or -1 when none starts there. */
export function nameEnd(s: string, start: number): number {
  NAME_RE.lastIndex = start;
  return NAME_RE.test(s) ? NAME_RE.lastIndex : -1;
}

/**
 * Whether s[start, end) is an NCName. The loop accepts exactly the ASCII NCNames ([A-Za-z_][A-Za-z0-9._-]*:
 * no ASCII character is in Nl, Mn or Mc); anything it does not accept whole goes to NCNAME_RE.
 */
export function isNcNameAt(s: string, start: number, end: number): boolean {
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) continue;
    if (i > start && ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e)) continue;
    break;
  }
  return (i === end && end > start) || NCNAME_RE.test(s.slice(start, end));
}

export function isNcName(s: string): boolean {
  return isNcNameAt(s, 0, s.length);
}
