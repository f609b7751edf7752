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

/** prefix → URI rendered by output ancestors ('' = default namespace, value '' = no namespace). */
type Rendered = ReadonlyMap<string, string>;

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

/** The namespace declarations this element must render, sorted by prefix, and the updated rendered map. */
function namespaceAxis(
  el: XmlElement,
  rendered: Rendered,
  inclusive: readonly string[],
): { decls: [string, string][]; next: Rendered } {
  const wanted = new Map<string, string>();
  wanted.set(el.prefix ?? '', el.namespaceURI ?? '');
  for (const a of el.attributes) {
    if (a.prefix !== null && a.prefix !== 'xml') wanted.set(a.prefix, a.namespaceURI ?? '');
  }
  for (const token of inclusive) {
    const prefix = token === '#default' ? '' : token;
    if (wanted.has(prefix) || prefix === 'xml') continue;
    const uri = lookupNamespace(el, prefix);
    if (uri !== null) wanted.set(prefix, uri);
    else if (prefix === '') wanted.set('', '');
  }
  const decls: [string, string][] = [];
  for (const [prefix, uri] of wanted) {
    const before = rendered.get(prefix);
    // An empty default namespace needs xmlns="" only to undo a non-empty one rendered above.
    if (before === uri || (before === undefined && uri === '')) continue;
    decls.push([prefix, uri]);
  }
  if (decls.length === 0) return { decls, next: rendered };
  decls.sort((a, b) => compareCodeUnits(a[0], b[0]));
  const next = new Map(rendered);
  for (const [prefix, uri] of decls) next.set(prefix, uri);
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

/** Canonical form of `el` and its subtree, as a string (hash it as UTF-8). */
export function canonicalizeExclusive(el: XmlElement, opts: ExclusiveC14nOptions = {}): string {
  const inclusive = opts.inclusivePrefixes ?? [];
  const parts: string[] = [];
  // Iterative walk: each frame is an element whose children are being emitted.
  const stack: { el: XmlElement; rendered: Rendered; index: number }[] = [];
  const open = (e: XmlElement, rendered: Rendered): void => {
    const { decls, next } = namespaceAxis(e, rendered, inclusive);
    parts.push(startTag(e, decls));
    stack.push({ el: e, rendered: next, index: 0 });
  };
  open(el, new Map());
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    const child = frame.el.children[frame.index++];
    if (child === undefined) {
      parts.push('</' + frame.el.name + '>');
      stack.pop();
    } else if (child.kind === 'text') {
      parts.push(escapeText(child.value));
    } else if (child.kind === 'element' && child !== opts.omit) {
      open(child, frame.rendered);
    }
  }
  return parts.join('');
}
