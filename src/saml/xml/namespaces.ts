/** Namespaces in XML 1.0 for one start tag: declarations, prefix resolution and the reserved names. */
import type { XmlAttr, XmlElement, XmlNsDecl } from './types.js';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Namespace names must be absolute, printable-ASCII URIs: odd ones trigger c14n differentials (saml-attacks §1.8). */
const NAMESPACE_URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7E]*$/;

export interface RawAttr {
  readonly name: string;
  readonly value: string;
}

export interface ResolvedStartTag {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly prefix: string | null;
  readonly attributes: XmlAttr[];
  readonly namespaces: XmlNsDecl[];
}

/** The URI bound to `prefix` ('' = default namespace) in scope at `el`, or null when unbound. */
export function lookupNamespace(el: XmlElement | null, prefix: string): string | null {
  if (prefix === 'xml') return XML_NS;
  for (let e = el; e !== null; e = e.parent) {
    for (const d of e.namespaces) if (d.prefix === prefix) return d.uri === '' ? null : d.uri;
  }
  return null;
}

/** The bindings in scope at a start tag: prefix → URI (null for an undeclared default namespace). */
export type NamespaceScope = ReadonlyMap<string, string | null>;

function resolvePrefix(prefix: string, own: readonly XmlNsDecl[], scope: NamespaceScope): string | null {
  if (prefix === 'xml') return XML_NS;
  for (const d of own) if (d.prefix === prefix) return d.uri === '' ? null : d.uri;
  return scope.get(prefix) ?? null;
}

/** NCName of Namespaces in XML 1.0: a Name without colons (letters, '_' first; then also digits, '.', '-', combining marks). */
const NCNAME = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}._\-\u00B7\u203F\u2040]*$/u;

function splitQName(name: string): { prefix: string | null; local: string } | null {
  const colon = name.indexOf(':');
  if (colon < 0) return NCNAME.test(name) ? { prefix: null, local: name } : null;
  const prefix = name.slice(0, colon);
  const local = name.slice(colon + 1);
  return NCNAME.test(prefix) && NCNAME.test(local) ? { prefix, local } : null;
}

function checkDeclaration(prefix: string, uri: string): string | null {
  if (prefix === 'xmlns') return 'the prefix xmlns must not be declared';
  if (prefix === 'xml') return uri === XML_NS ? null : 'the prefix xml must not be rebound';
  if (uri === XML_NS || uri === XMLNS_NS)
    return `the reserved namespace ${uri} must not be bound to "${prefix}"`;
  if (uri === '') return prefix === '' ? null : `the prefix ${prefix} must not be undeclared`;
  if (!NAMESPACE_URI_RE.test(uri)) return `namespace name "${uri}" is not an absolute ASCII URI`;
  return null;
}

/** Resolve one start tag; a string is the well-formedness error. */
export function resolveNamespaces(
  name: string,
  raw: readonly RawAttr[],
  scope: NamespaceScope,
): ResolvedStartTag | string {
  const namespaces: XmlNsDecl[] = [];
  const plain: RawAttr[] = [];
  for (const a of raw) {
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
      const prefix = a.name === 'xmlns' ? '' : a.name.slice(6);
      if (a.name !== 'xmlns' && !NCNAME.test(prefix)) return `bad namespace declaration ${a.name}`;
      const error = checkDeclaration(prefix, a.value);
      if (error) return error;
      namespaces.push({ prefix, uri: a.value });
    } else {
      plain.push(a);
    }
  }
  const qname = splitQName(name);
  if (!qname) return `element name ${name} is not a valid QName`;
  const elementNs = resolvePrefix(qname.prefix ?? '', namespaces, scope);
  if (qname.prefix !== null && elementNs === null)
    return `prefix ${qname.prefix} of <${name}> is not declared`;
  const attributes: XmlAttr[] = [];
  for (const a of plain) {
    const q = splitQName(a.name);
    if (!q) return `attribute name ${a.name} is not a valid QName`;
    let ns: string | null = null;
    if (q.prefix !== null) {
      ns = resolvePrefix(q.prefix, namespaces, scope);
      if (ns === null) return `prefix ${q.prefix} of attribute ${a.name} is not declared`;
      for (const b of attributes) {
        if (b.namespaceURI === ns && b.localName === q.local)
          return `attribute {${ns}}${q.local} is repeated`;
      }
    }
    attributes.push({ localName: q.local, namespaceURI: ns, prefix: q.prefix, name: a.name, value: a.value });
  }
  return { localName: qname.local, namespaceURI: elementNs, prefix: qname.prefix, attributes, namespaces };
}
