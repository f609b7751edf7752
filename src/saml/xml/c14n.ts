/**
 * Exclusive XML Canonicalization 1.0 without comments (http://www.w3.org/2001/10/xml-exc-c14n#)
 * of one element subtree of the light tree, optionally leaving out one descendant (the enveloped
 * Signature). Namespace nodes are rendered when visibly utilized or listed in InclusiveNamespaces,
 * and only when the nearest output ancestor did not already render the same binding.
 */
import { lookupNamespace } from './namespaces.js';
import type { XmlAttr, XmlElement } from './types.js';

export interface ExclusiveC14nOptions {
  /** InclusiveNamespaces PrefixList tokens; '#default' stands for the default namespace. */
  inclusivePrefixes?: readonly string[];
  /** A descendant left out of the output together with its subtree (enveloped-signature transform). */
  omit?: XmlElement;
}

/** Bindings rendered by output ancestors, innermost first ('' = default namespace, uri '' = none). */
interface Rendered {
  readonly prefix: string;
  readonly uri: string;
  readonly next: Rendered | null;
}

function renderedUri(rendered: Rendered | null, prefix: string): string | undefined {
  for (let r = rendered; r !== null; r = r.next) if (r.prefix === prefix) return r.uri;
  return undefined;
}

const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function escapeText(s: string): string {
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttr(s: string): string {
  if (!/[&<"\t\n\r]/.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

function compareAttrs(a: XmlAttr, b: XmlAttr): number {
  return (
    compareCodeUnits(a.namespaceURI ?? '', b.namespaceURI ?? '') || compareCodeUnits(a.localName, b.localName)
  );
}

/** Add a binding to `wanted` unless its prefix is already there. */
function want(wanted: [string, string][], prefix: string, uri: string): void {
  for (const w of wanted) if (w[0] === prefix) return;
  wanted.push([prefix, uri]);
}

const NO_DECLS: readonly [string, string][] = Object.freeze([]);

/**
 * The namespace declarations this element must render, sorted by prefix, and the updated rendered list,
 * when attributes or an InclusiveNamespaces list may use more than the element's own binding.
 */
function namespaceAxis(
  el: XmlElement,
  rendered: Rendered | null,
  inclusive: readonly string[],
): { decls: readonly [string, string][]; next: Rendered | null } {
  const wanted: [string, string][] = [[el.prefix ?? '', el.namespaceURI ?? '']];
  for (const a of el.attributes) {
    if (a.prefix !== null && a.prefix !== 'xml') want(wanted, a.prefix, a.namespaceURI ?? '');
  }
  for (const token of inclusive) {
    const p = token === '#default' ? '' : token;
    if (p === 'xml') continue;
    const bound = lookupNamespace(el, p);
    if (bound !== null) want(wanted, p, bound);
    else if (p === '') want(wanted, '', '');
  }
  const decls: [string, string][] = [];
  let next = rendered;
  for (const [p, u] of wanted) {
    const before = renderedUri(rendered, p);
    // An empty default namespace needs xmlns="" only to undo a non-empty one rendered above.
    if (before === u || (before === undefined && u === '')) continue;
    decls.push([p, u]);
    next = { prefix: p, uri: u, next };
  }
  if (decls.length > 1) decls.sort((a, b) => compareCodeUnits(a[0], b[0]));
  return { decls, next };
}

function hasPrefixedAttribute(el: XmlElement): boolean {
  const attributes = el.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const prefix = (attributes[i] as XmlAttr).prefix;
    if (prefix !== null && prefix !== 'xml') return true;
  }
  return false;
}

/** Attributes in canonical order; most producers already write them so, and then no copy is made. */
function sortedAttributes(attributes: readonly XmlAttr[]): readonly XmlAttr[] {
  for (let i = 1; i < attributes.length; i++) {
    if (compareAttrs(attributes[i - 1] as XmlAttr, attributes[i] as XmlAttr) > 0)
      return [...attributes].sort(compareAttrs);
  }
  return attributes;
}

function startTag(el: XmlElement, decls: readonly [string, string][]): string {
  let out = '<' + el.name;
  for (let i = 0; i < decls.length; i++) {
    const [prefix, uri] = decls[i] as [string, string];
    out += (prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`) + escapeAttr(uri) + '"';
  }
  const attributes = sortedAttributes(el.attributes);
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i] as XmlAttr;
    out += ' ' + a.name + '="' + escapeAttr(a.value) + '"';
  }
  return out + '>';
}

interface Frame {
  readonly el: XmlElement;
  readonly rendered: Rendered | null;
  index: number;
}

function open(
  el: XmlElement,
  rendered: Rendered | null,
  inclusive: readonly string[],
  stack: Frame[],
): string {
  let decls = NO_DECLS;
  let next = rendered;
  if (inclusive.length === 0 && !hasPrefixedAttribute(el)) {
    // The common case: only the element's own binding is visibly utilized (no list, no result object).
    const prefix = el.prefix ?? '';
    const uri = el.namespaceURI ?? '';
    const before = renderedUri(rendered, prefix);
    if (before !== uri && !(before === undefined && uri === '')) {
      decls = [[prefix, uri]];
      next = { prefix, uri, next: rendered };
    }
  } else {
    ({ decls, next } = namespaceAxis(el, rendered, inclusive));
  }
  stack.push({ el, rendered: next, index: 0 });
  return startTag(el, decls);
}

/** Canonical form of `el` and its subtree, as a string (hash it as UTF-8). */
export function canonicalizeExclusive(el: XmlElement, opts: ExclusiveC14nOptions = {}): string {
  const inclusive = opts.inclusivePrefixes ?? [];
  // Iterative walk: each frame is an element whose children are being emitted.
  const stack: Frame[] = [];
  let out = open(el, null, inclusive, stack);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    const child = frame.el.children[frame.index++];
    if (child === undefined) {
      out += '</' + frame.el.name + '>';
      stack.pop();
    } else if (child.kind === 'text') {
      out += escapeText(child.value);
    } else if (child.kind === 'element' && child !== opts.omit) {
      out += open(child, frame.rendered, inclusive, stack);
    }
  }
  return out;
}
