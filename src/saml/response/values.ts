/** Reading values from verified elements: whole text only, strict xs:dateTime, ACS URL comparison. */
import { DAY_MS, daysFromCivil, digitsAt as digits } from '../../core/calendar.js';
import { attr, childElements, textOf, type XmlElement } from '../xml/index.js';
import { SAML_NS } from './context.js';
import { CheckFailure, ensure } from './pipeline.js';

/** The full text of an element; comments, CDATA or child elements splitting it are refused. */
export function wholeText(el: XmlElement, what: string | (() => string)): string {
  const { text, split } = textOf(el);
  ensure(
    !split,
    () =>
      `${typeof what === 'string' ? what : what()} is split by a comment, CDATA section or element (its text must be one plain run)`,
  );
  // Only XML whitespace is insignificant: String.trim would also drop U+00A0, U+FEFF, U+2028…, turning a
  // signed "\u00A0admin@x" into the different identity "admin@x".
  return isXmlSpace(text.charCodeAt(0)) || isXmlSpace(text.charCodeAt(text.length - 1))
    ? text.replace(XML_SPACE_AT_ENDS, '')
    : text;
}

const XML_SPACE_AT_ENDS = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const isXmlSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** The single saml:<localName> child (null when absent); more than one is refused. */
export function oneChild(parent: XmlElement, localName: string, where: string): XmlElement | null {
  const found = childElements(parent, SAML_NS, localName);
  ensure(
    found.length <= 1,
    () => `${where} holds ${found.length} ${localName} elements, at most one is allowed`,
  );
  return found[0] ?? null;
}

/**
 * xs:dateTime with an explicit zone, as Date.parse reads the accepted shape
 * YYYY-MM-DDThh:mm:ss(.f{1,9})?(Z|±hh:mm) (the fraction cut to milliseconds) → epoch ms, or NaN.
 * Hand-rolled because it runs ~10 times per verification; it keeps Date.parse's field ranges exactly
 * (day 01-31 in any month, rolling over like Date.parse; 24:00:00.000 only; zone hours 00-23), which
 * a unit test checks against the regular expression + Date.parse on generated values.
 */
export function parseDateTime(v: string): number {
  const n = v.length;
  if (n < 20 || n > 35) return NaN;
  if (
    v.charCodeAt(4) !== 0x2d ||
    v.charCodeAt(7) !== 0x2d ||
    v.charCodeAt(10) !== 0x54 ||
    v.charCodeAt(13) !== 0x3a ||
    v.charCodeAt(16) !== 0x3a
  )
    return NaN;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  let i = 19;
  let ms = 0;
  if (v.charCodeAt(i) === 0x2e /* . */) {
    const start = ++i;
    while (i < n && isDigit(v.charCodeAt(i))) i++;
    const count = i - start;
    if (count < 1 || count > 9) return NaN;
    ms = digits(v, start, Math.min(count, 3)) * (count === 1 ? 100 : count === 2 ? 10 : 1);
  }
  let offset = 0;
  const zone = v.charCodeAt(i);
  if (zone === 0x5a /* Z */ && i + 1 === n) {
    offset = 0;
  } else if ((zone === 0x2b || zone === 0x2d) && i + 6 === n && v.charCodeAt(i + 3) === 0x3a) {
    const zoneHours = digits(v, i + 1, 2);
    const zoneMinutes = digits(v, i + 4, 2);
    if (!(zoneHours <= 23 && zoneMinutes <= 59)) return NaN;
    offset = (zone === 0x2b ? 1 : -1) * (zoneHours * 60 + zoneMinutes) * 60_000;
  } else {
    return NaN;
  }
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && minute <= 59 && second <= 59)) return NaN;
  if (!(hour <= 23 || (hour === 24 && minute === 0 && second === 0 && ms === 0))) return NaN;
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms - offset;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** xs:dateTime with an explicit zone → epoch ms; null when the attribute is absent. */
export function instant(el: XmlElement, name: string, where: string): number | null {
  const value = attr(el, name);
  if (value === null) return null;
  const ms = parseDateTime(value);
  if (Number.isNaN(ms))
    throw new CheckFailure(`${where}/@${name} "${value}" is not an xs:dateTime with a time zone`);
  return ms;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * An endpoint URL equals the configured ACS: scheme, host and port exactly, the path
 * case-insensitively (Alibaba echoes /saml-role/SSO for /saml-role/sso), the query exactly.
 */
export function sameEndpoint(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  let a: URL;
  let e: URL;
  try {
    a = new URL(actual);
    e = new URL(expected);
  } catch {
    return false;
  }
  const rawPath = (u: string, parsed: URL) => {
    const afterOrigin = u.slice(u.indexOf('//') + 2);
    const slash = afterOrigin.indexOf('/');
    return slash === -1 ? '/' : (afterOrigin.slice(slash).split('?')[0]?.split('#')[0] ?? parsed.pathname);
  };
  return (
    a.origin === e.origin &&
    a.search === e.search &&
    a.hash === '' &&
    rawPath(actual, a).toLowerCase() === rawPath(expected, e).toLowerCase()
  );
}

export function matchEndpoint(actual: string, expected: readonly string[]): string | undefined {
  return expected.find((e) => sameEndpoint(actual, e));
}
