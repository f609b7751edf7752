/** Namespaces in XML 1.0 for one start tag: declarations, prefix resolution and the reserved names. */
import { isNcName, isNcNameAt } from './names.js';
import type { XmlAttr, XmlElement, XmlNsDecl } from './types.js';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Namespace names must be absolute, printable-ASCII URIs: odd ones trigger c14n differentials (saml-attacks §1.8). */
const NAMESPACE_URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7E]*$/;

/**
 * The namespace names the verifier compares against, by their own (internalized) constant: an element
 * whose namespaceURI is one of these compares equal to the constant by identity, not character by
 * character (those compares were ~3 % of a verification: measured with perf).
 */
const WELL_KNOWN_NAMESPACES: ReadonlyMap<string, string> = new Map(
  [
    'urn:oasis:names:tc:SAML:2.0:assertion',
    'urn:oasis:names:tc:SAML:2.0:protocol',
    'urn:oasis:names:tc:SAML:2.0:metadata',
    'http://www.w3.org/2000/09/xmldsig#',
    'http://www.w3.org/2001/10/xml-exc-c14n#',
    'http://www.w3.org/2001/04/xmlenc#',
    'http://www.w3.org/2009/xmlenc11#',
    'http://www.w3.org/2001/XMLSchema',
    'http://www.w3.org/2001/XMLSchema-instance',
  ].map((uri) => [uri, uri]),
);

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
  for (let i = 0; i < own.length; i++) {
    const d = own[i] as XmlNsDecl;
    if (d.prefix === prefix) return d.uri === '' ? null : d.uri;
  }
  return scope.get(prefix) ?? null;
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

/** Shared by every element that declares no namespace or carries no attribute (the tree is read-only). */
const NO_NAMESPACES: readonly XmlNsDecl[] = Object.freeze([]);
const NO_ATTRIBUTES: readonly XmlAttr[] = Object.freeze([]);

const isDeclaration = (name: string): boolean =>
  name.charCodeAt(0) === 0x78 /* x */ && (name === 'xmlns' || name.startsWith('xmlns:'));

/**
 * Resolve one start tag whose attributes are `names[i]`, `values[i]` for i < count (the parser's
 * reused buffers); a string is the well-formedness error. Declarations are checked first, then the
 * element name, then each attribute in document order.
 */
export function resolveNamespaces(
  name: string,
  names: readonly string[],
  values: readonly string[],
  count: number,
  scope: NamespaceScope,
): ResolvedStartTag | string {
  let namespaces = NO_NAMESPACES as XmlNsDecl[];
  let plainCount = 0;
  for (let i = 0; i < count; i++) {
    const attrName = names[i] as string;
    if (!isDeclaration(attrName)) {
      plainCount++;
      continue;
    }
    const prefix = attrName.length === 5 ? '' : attrName.slice(6);
    if (attrName.length !== 5 && !isNcName(prefix)) return `bad namespace declaration ${attrName}`;
    const uri = values[i] as string;
    const error = checkDeclaration(prefix, uri);
    if (error) return error;
    if (namespaces === NO_NAMESPACES) namespaces = [];
    namespaces.push({ prefix, uri: WELL_KNOWN_NAMESPACES.get(uri) ?? uri });
  }
  const colon = name.indexOf(':');
  let prefix: string | null = null;
  let localName = name;
  if (colon < 0) {
    if (!isNcNameAt(name, 0, name.length)) return `element name ${name} is not a valid QName`;
  } else {
    if (!isNcNameAt(name, 0, colon) || !isNcNameAt(name, colon + 1, name.length))
      return `element name ${name} is not a valid QName`;
    prefix = name.slice(0, colon);
    localName = name.slice(colon + 1);
  }
  const elementNs = resolvePrefix(prefix ?? '', namespaces, scope);
  if (prefix !== null && elementNs === null) return `prefix ${prefix} of <${name}> is not declared`;
  let attributes = NO_ATTRIBUTES as XmlAttr[];
  if (plainCount > 0) {
    attributes = [];
    for (let i = 0; i < count; i++) {
      const attrName = names[i] as string;
      if (isDeclaration(attrName)) continue;
      const error = qualifyAttribute(attrName, values[i] as string, namespaces, scope, attributes);
      if (error) return error;
    }
  }
  return { localName, namespaceURI: elementNs, prefix, attributes, namespaces };
}

/** Append one attribute to `attributes`, or return why it is refused. */
function qualifyAttribute(
  name: string,
  value: string,
  own: readonly XmlNsDecl[],
  scope: NamespaceScope,
  attributes: XmlAttr[],
): string | null {
  const colon = name.indexOf(':');
  if (colon < 0) {
    if (!isNcNameAt(name, 0, name.length)) return `attribute name ${name} is not a valid QName`;
    attributes.push({ localName: name, namespaceURI: null, prefix: null, name, value });
    return null;
  }
  if (!isNcNameAt(name, 0, colon) || !isNcNameAt(name, colon + 1, name.length))
    return `attribute name ${name} is not a valid QName`;
  const prefix = name.slice(0, colon);
  const localName = name.slice(colon + 1);
  const ns = resolvePrefix(prefix, own, scope);
  if (ns === null) return `prefix ${prefix} of attribute ${name} is not declared`;
  for (let i = 0; i < attributes.length; i++) {
    const b = attributes[i] as XmlAttr;
    if (b.namespaceURI === ns && b.localName === localName)
      return `attribute {${ns}}${localName} is repeated`;
  }
  attributes.push({ localName, namespaceURI: ns, prefix, name, value });
  return null;
}
