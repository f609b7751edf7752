/** Read-only helpers over the light tree: no XPath, just walks. */
import type { XmlAttr, XmlElement, XmlNode } from './types.js';

const isElement = (n: XmlNode): n is XmlElement => n.kind === 'element';

function matches(el: XmlElement, ns: string | null | undefined, localName: string | undefined): boolean {
  return (
    (ns === undefined || el.namespaceURI === ns) && (localName === undefined || el.localName === localName)
  );
}

/** Element children of `el`, optionally only those with namespace `ns` (null = no namespace) and `localName`. */
export function childElements(el: XmlElement, ns?: string | null, localName?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (isElement(c) && matches(c, ns, localName)) out.push(c);
  return out;
}

/** The first matching element child, or null. */
export function firstChild(el: XmlElement, ns?: string | null, localName?: string): XmlElement | null {
  for (const c of el.children) if (isElement(c) && matches(c, ns, localName)) return c;
  return null;
}

/** The value of attribute `localName` in namespace `ns` (default: no namespace, i.e. unprefixed), or null. */
export function attr(el: XmlElement, localName: string, ns: string | null = null): string | null {
  for (const a of el.attributes) if (a.localName === localName && a.namespaceURI === ns) return a.value;
  return null;
}

export interface ElementText {
  /** All character data inside the element (CDATA and descendants included), like DOM textContent. */
  readonly text: string;
  /**
   * true when that text is not one plain run: a comment, a CDATA section, a child element or a second
   * text node splits it (CVE-2017-11427 class). A caller reading a value must refuse such an element.
   */
  readonly split: boolean;
}

export function textOf(el: XmlElement): ElementText {
  const only = el.children.length === 1 ? el.children[0] : undefined;
  if (only?.kind === 'text' && !only.cdata) return { text: only.value, split: false };
  if (el.children.length === 0) return { text: '', split: false };
  const parts: string[] = [];
  const stack: XmlNode[] = [...el.children].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as XmlNode;
    if (n.kind === 'text') parts.push(n.value);
    else if (n.kind === 'element')
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as XmlNode);
  }
  return { text: parts.join(''), split: true };
}

/** Call `visit` on `root` and every descendant element, in document order (iterative). */
export function walkElements(root: XmlElement, visit: (el: XmlElement) => void): void {
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop() as XmlElement;
    visit(el);
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i] as XmlNode;
      if (c.kind === 'element') stack.push(c);
    }
  }
}

/**
 * Attribute local names treated as IDs (ID, Id, id), in any namespace, as xml-crypto does (saml-attacks
 * §1.11). Compared directly: a Set lookup hashed every attribute name of the document (perf: ~0.4 %).
 */
const isIdName = (localName: string): boolean =>
  localName.length === 2 && (localName === 'ID' || localName === 'Id' || localName === 'id');

export interface IdIndex {
  /** ID value → the element carrying it (the first one when duplicated). */
  readonly byId: ReadonlyMap<string, XmlElement>;
  /** ID values that occur more than once (on different elements or twice on one). */
  readonly duplicates: readonly string[];
}

/**
 * Index every ID/Id/id attribute (any namespace) under `root`, reporting duplicates for the 'unique-ids'
 * check; `visit`, when given, is called on every element of the same walk (document order).
 */
export function collectIds(root: XmlElement, visit?: (el: XmlElement) => void): IdIndex {
  const byId = new Map<string, XmlElement>();
  const duplicates = new Set<string>();
  walkElements(root, (el) => {
    visit?.(el);
    const attributes = el.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes[i] as XmlAttr;
      if (!isIdName(a.localName)) continue;
      if (byId.has(a.value)) duplicates.add(a.value);
      else byId.set(a.value, el);
    }
  });
  return { byId, duplicates: [...duplicates] };
}

/** The ID of an element for an enveloped-signature Reference: its one unprefixed ID, Id or id attribute. */
export function ownId(el: XmlElement): string | null {
  let found: string | null = null;
  for (const a of el.attributes) {
    if (a.namespaceURI !== null || !isIdName(a.localName)) continue;
    if (found !== null) return null;
    found = a.value;
  }
  return found;
}
