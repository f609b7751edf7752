/** Reading values from verified elements: whole text only, strict xs:dateTime, ACS URL comparison. */
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
  return text.replace(XML_SPACE_AT_ENDS, '');
}

const XML_SPACE_AT_ENDS = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/** The single saml:<localName> child (null when absent); more than one is refused. */
export function oneChild(parent: XmlElement, localName: string, where: string): XmlElement | null {
  const found = childElements(parent, SAML_NS, localName);
  ensure(
    found.length <= 1,
    () => `${where} holds ${found.length} ${localName} elements, at most one is allowed`,
  );
  return found[0] ?? null;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** xs:dateTime with an explicit zone → epoch ms; null when the attribute is absent. */
export function instant(el: XmlElement, name: string, where: string): number | null {
  const value = attr(el, name);
  if (value === null) return null;
  const ms = DATE_TIME.test(value) ? Date.parse(value.replace(/(\.\d{3})\d+/, '$1')) : NaN;
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
