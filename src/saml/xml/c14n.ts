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

/** The namespace declarations this element must render, sorted by prefix, and the updated rendered list. */
function namespaceAxis(
  el: XmlElement,
  rendered: Rendered | null,
  inclusive: readonly string[],
): { decls: [string, string][]; next: Rendered | null } {
  const wanted: [string, string][] = [[el.prefix ?? '', el.namespaceURI ?? '']];
  for (const a of el.attributes) {
    if (a.prefix !== null && a.prefix !== 'xml') want(wanted, a.prefix, a.namespaceURI ?? '');
  }
  for (const token of inclusive) {
    const prefix = token === '#default' ? '' : token;
    if (prefix === 'xml') continue;
    const uri = lookupNamespace(el, prefix);
    if (uri !== null) want(wanted, prefix, uri);
    else if (prefix === '') want(wanted, '', '');
  }
  const decls: [string, string][] = [];
  let next = rendered;
  for (const [prefix, uri] of wanted) {
    const before = renderedUri(rendered, prefix);
    // An empty default namespace needs xmlns="" only to undo a non-empty one rendered above.
    if (before === uri || (before === undefined && uri === '')) continue;
    decls.push([prefix, uri]);
    next = { prefix, uri, next };
  }
  if (decls.length > 1) decls.sort((a, b) => compareCodeUnits(a[0], b[0]));
  return { decls, next };
}

function startTag(el: XmlElement, decls: readonly [string, string][]): string {
  let out = '<' + el.name;
  for (const [prefix, uri] of decls)
    out += (prefix === '' ? ' xmlns="' : ` xmlns:${prefix}="`) + escapeAttr(uri) + '"';
  const attrs = el.attributes.length > 1 ? [...el.attributes].sort(compareAttrs) : el.attributes;
  for (const a of attrs) out += ' ' + a.name + '="' + escapeAttr(a.value) + '"';
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
  parts: string[],
  stack: Frame[],
): void {
  const { decls, next } = namespaceAxis(el, rendered, inclusive);
  parts.push(startTag(el, decls));
  stack.push({ el, rendered: next, index: 0 });
}

/** Canonical form of `el` and its subtree, as a string (hash it as UTF-8). */
export function canonicalizeExclusive(el: XmlElement, opts: ExclusiveC14nOptions = {}): string {
  const inclusive = opts.inclusivePrefixes ?? [];
  const parts: string[] = [];
  // Iterative walk: each frame is an element whose children are being emitted.
  const stack: Frame[] = [];
  open(el, null, inclusive, parts, stack);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    const child = frame.el.children[frame.index++];
    if (child === undefined) {
      parts.push('</' + frame.el.name + '>');
      stack.pop();
    } else if (child.kind === 'text') {
      parts.push(escapeText(child.value));
    } else if (child.kind === 'element' && child !== opts.omit) {
      open(child, frame.rendered, inclusive, parts, stack);
    }
  }
  return parts.join('');
}
