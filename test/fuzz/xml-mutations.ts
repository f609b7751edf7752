/**
 * Mutations of XML documents for the fuzz properties, described as small plain objects (so a failing
 * case prints as a readable, replayable recipe) and applied by `applyMutations`. Text-level edits work
 * on the string (or, for byte flips, on its UTF-8 bytes); tree-level edits go through @xmldom/xmldom
 * (test side, independent of the verifier's parser) and serialize back.
 */
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';
import fc from 'fast-check';
import { descendants, serializeXml } from '../support/xml-sign.js';

export type Mutation =
  | { op: 'flip-bytes'; flips: Array<[at: number, mask: number]> }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete-range'; at: number; length: number }
  | { op: 'duplicate-range'; at: number; length: number }
  /** Whitespace after the n-th '>' (between nodes) or before it (inside a tag). */
  | { op: 'whitespace'; tag: number; inside: boolean; text: string }
  | { op: 'nest'; at: number; depth: number; name: string }
  | { op: 'delete-element'; element: number }
  | { op: 'duplicate-element'; element: number; into: number; position: number }
  | { op: 'move-element'; element: number; into: number; position: number }
  | { op: 'insert-element'; into: number; position: number; ns: string; name: string; text: string }
  | { op: 'set-attribute'; element: number; name: string; value: string }
  | { op: 'delete-attribute'; element: number; attribute: number }
  | { op: 'copy-attribute'; from: number; attribute: number; to: number }
  | { op: 'rename-prefix'; element: number; prefix: string }
  | { op: 'rebind-prefix'; element: number; uri: string }
  | { op: 'set-text'; element: number; text: string };

export const SAML_URIS = [
  'urn:oasis:names:tc:SAML:2.0:assertion',
  'urn:oasis:names:tc:SAML:2.0:protocol',
  'urn:oasis:names:tc:SAML:2.0:metadata',
  'http://www.w3.org/2000/09/xmldsig#',
  'http://www.w3.org/2001/04/xmlenc#',
  'urn:x-evil',
] as const;

const PREFIXES = ['saml', 'saml2', 'samlp', 'saml2p', 'md', 'ds', 'xs', 'xsi', 'evil', 'a'];
const NAMES = [
  'Response',
  'Assertion',
  'Issuer',
  'Subject',
  'NameID',
  'Signature',
  'SignedInfo',
  'Reference',
  'Conditions',
  'Audience',
  'Attribute',
  'AttributeValue',
  'EntityDescriptor',
  'IDPSSODescriptor',
  'KeyDescriptor',
  'X509Certificate',
  'Extensions',
  'x',
];
const ATTRIBUTE_NAMES = [
  'ID',
  'Id',
  'id',
  'URI',
  'Name',
  'Destination',
  'Recipient',
  'use',
  'entityID',
  'xml:id',
];

/** XML-significant fragments: markup starts, references, declarations the parser must refuse. */
const TOKENS = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '/',
  '<!--x-->',
  '<![CDATA[admin]]>',
  '&amp;',
  '&#0;',
  '&#x10FFFF;',
  '&unknown;',
  '<?pi x?>',
  '<!DOCTYPE r [<!ENTITY e "x">]>',
  '&e;',
  ' xmlns:saml2="urn:x-evil"',
  ' xmlns="urn:x-evil"',
  '</x>',
  '<x/>',
  ']]>',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '\u202E',
  'alice@example.com',
];

const WHITESPACE = fc.string({ unit: fc.constantFrom(' ', '\n', '\t', '\r\n'), minLength: 1, maxLength: 4 });

/** Any text: XML tokens, arbitrary code points (lone surrogates included) and plain words. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);

/** Positions are drawn as naturals and reduced modulo the size of what they index. */
const pos = fc.nat({ max: 1_000_000 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('flip-bytes' as const),
    flips: fc.array(fc.tuple(pos, fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: pos }),
  fc.record({ op: fc.constant('insert' as const), at: pos, text: anyText }),
  fc.record({ op: fc.constant('delete-range' as const), at: pos, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    op: fc.constant('duplicate-range' as const),
    at: pos,
    length: fc.integer({ min: 1, max: 256 }),
  }),
  fc.record({ op: fc.constant('whitespace' as const), tag: pos, inside: fc.boolean(), text: WHITESPACE }),
  fc.record({
    op: fc.constant('nest' as const),
    at: pos,
    depth: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 64 }) },
      { weight: 1, arbitrary: fc.integer({ min: 65, max: 3_000 }) },
    ),
    name: fc.constantFrom('a', 'saml2:Assertion', 'ds:Signature', 'x:y'),
  }),
  fc.record({ op: fc.constant('delete-element' as const), element: pos }),
  fc.record({ op: fc.constant('duplicate-element' as const), element: pos, into: pos, position: pos }),
  fc.record({ op: fc.constant('move-element' as const), element: pos, into: pos, position: pos }),
  fc.record({
    op: fc.constant('insert-element' as const),
    into: pos,
    position: pos,
    ns: fc.constantFrom(...SAML_URIS),
    name: fc.constantFrom(...NAMES),
    text: anyText,
  }),
  fc.record({
    op: fc.constant('set-attribute' as const),
    element: pos,
    name: fc.constantFrom(...ATTRIBUTE_NAMES),
    value: anyText,
  }),
  fc.record({ op: fc.constant('delete-attribute' as const), element: pos, attribute: pos }),
  fc.record({ op: fc.constant('copy-attribute' as const), from: pos, attribute: pos, to: pos }),
  fc.record({
    op: fc.constant('rename-prefix' as const),
    element: pos,
    prefix: fc.constantFrom(...PREFIXES),
  }),
  fc.record({ op: fc.constant('rebind-prefix' as const), element: pos, uri: fc.constantFrom(...SAML_URIS) }),
  fc.record({ op: fc.constant('set-text' as const), element: pos, text: anyText }),
);

/** One to three mutations applied in order. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

const at = (n: number, size: number) => (size <= 0 ? 0 : n % (size + 1));

function nthIndexOf(text: string, char: string, n: number): number {
  const positions: number[] = [];
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) positions.push(i);
  return positions.length === 0 ? -1 : (positions[n % positions.length] as number);
}

function applyToText(xml: string, m: Mutation): string {
  switch (m.op) {
    case 'flip-bytes': {
      const bytes = Buffer.from(xml, 'utf8');
      for (const [where, mask] of m.flips) {
        if (bytes.length === 0) break;
        const i = where % bytes.length;
        bytes[i] = (bytes[i] as number) ^ mask;
      }
      // Invalid UTF-8 becomes U+FFFD here; the byte-level input channel (base64) keeps the raw bytes.
      return bytes.toString('latin1');
    }
    case 'truncate':
      return xml.slice(0, at(m.at, xml.length));
    case 'insert': {
      const i = at(m.at, xml.length);
      return xml.slice(0, i) + m.text + xml.slice(i);
    }
    case 'delete-range': {
      const i = at(m.at, xml.length);
      return xml.slice(0, i) + xml.slice(i + m.length);
    }
    case 'duplicate-range': {
      const i = at(m.at, xml.length);
      return xml.slice(0, i + m.length) + xml.slice(i);
    }
    case 'whitespace': {
      const i = nthIndexOf(xml, '>', m.tag);
      if (i < 0) return xml + m.text;
      const where = m.inside ? (xml[i - 1] === '/' || xml[i - 1] === '?' ? i - 1 : i) : i + 1;
      return xml.slice(0, where) + m.text + xml.slice(where);
    }
    case 'nest': {
      const i = nthIndexOf(xml, '>', m.at) + 1;
      const open = `<${m.name}${m.name.includes(':') ? ` xmlns:${m.name.split(':')[0]}="urn:x-nest"` : ''}>`;
      return xml.slice(0, i) + open.repeat(m.depth) + `</${m.name}>`.repeat(m.depth) + xml.slice(i);
    }
    default:
      try {
        return applyToTree(xml, m);
      } catch {
        return xml; // xmldom refused the document or the edit (e.g. a prefix without a namespace)
      }
  }
}

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

function insertAt(parent: Node, child: Node, position: number): void {
  const before = pick([...Array.from(parent.childNodes), null], position) ?? null;
  // xmldom's insertBefore(node, node) spins for seconds and drops nodes: moving a node before itself is a no-op.
  if (before !== child) parent.insertBefore(child, before);
}

function isInside(node: Node, ancestor: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

/**
 * xmldom as the independent oracle: every error and warning refuses (as src/saml/dom.ts does), except
 * its warning about U+FFFD, a legal XML character that xmldom merely suspects of bad decoding. One
 * leading U+FEFF is the byte order mark (XML 1.0 §4.3.3, appendix F), not content: parseXml skips
 * it and xmldom's string API would call it text outside the root, so it is dropped here.
 */
export function parseWithXmldom(xml: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      if (level === 'warning' && /replacement character/.test(message)) return;
      throw new Error(`xmldom ${level}: ${message.split('\n')[0]}`);
    },
  }).parseFromString(xml.startsWith('\uFEFF') ? xml.slice(1) : xml, 'text/xml');
}

/** Tree edits; a document xmldom cannot parse, or an edit with no valid target, is left as it is. */
function applyToTree(xml: string, m: Mutation): string {
  const doc = parseWithXmldom(xml);
  const elements = descendants(doc);
  if (elements.length === 0) return xml;
  const element = (n: number) => pick(elements, n) as Element;
  switch (m.op) {
    case 'delete-element': {
      const el = element(m.element);
      if (el === doc.documentElement) return xml;
      el.parentNode?.removeChild(el);
      break;
    }
    case 'duplicate-element':
    case 'move-element': {
      const el = element(m.element);
      const into = element(m.into);
      if (m.op === 'move-element' && (el === doc.documentElement || isInside(into, el))) return xml;
      insertAt(into, m.op === 'move-element' ? el : el.cloneNode(true), m.position);
      break;
    }
    case 'insert-element': {
      const el = doc.createElementNS(m.ns, `${pick(PREFIXES, m.position)}:${m.name}`);
      el.appendChild(doc.createTextNode(m.text));
      insertAt(element(m.into), el, m.position);
      break;
    }
    case 'set-attribute':
      element(m.element).setAttribute(m.name, m.value);
      break;
    case 'delete-attribute': {
      const el = element(m.element);
      const a = pick(Array.from(el.attributes), m.attribute);
      if (a) el.removeAttributeNode(a);
      break;
    }
    case 'copy-attribute': {
      const a = pick(Array.from(element(m.from).attributes), m.attribute);
      if (a) element(m.to).setAttributeNS(a.namespaceURI, a.name, a.value);
      break;
    }
    case 'rename-prefix': {
      const el = element(m.element);
      const renamed = doc.createElementNS(el.namespaceURI, `${m.prefix}:${el.localName}`);
      for (const a of Array.from(el.attributes)) renamed.setAttributeNS(a.namespaceURI, a.name, a.value);
      while (el.firstChild) renamed.appendChild(el.firstChild);
      el.parentNode?.replaceChild(renamed, el);
      break;
    }
    case 'rebind-prefix': {
      const el = element(m.element);
      el.setAttribute(el.prefix ? `xmlns:${el.prefix}` : 'xmlns', m.uri);
      break;
    }
    case 'set-text':
      element(m.element).textContent = m.text;
      break;
    default:
      return xml;
  }
  return serializeXml(doc);
}

/**
 * The mutated document as bytes (the SAMLResponse form value is base64 of these). Byte flips are
 * kept as raw bytes, so invalid UTF-8 reaches the decoder; every other edit is UTF-8 of the text.
 */
export function applyMutations(xml: string, list: readonly Mutation[]): Buffer {
  let text = xml;
  let latin1 = false;
  for (const m of list) {
    if (latin1) text = Buffer.from(text, 'latin1').toString('utf8');
    text = applyToText(text, m);
    latin1 = m.op === 'flip-bytes';
  }
  return Buffer.from(text, latin1 ? 'latin1' : 'utf8');
}

const NAME = fc.constantFrom(
  'a',
  'b',
  'p:a',
  'q:b',
  'saml2:Assertion',
  'x-y',
  'n.1',
  '_u',
  'é',
  'xml:a',
  'xmlns:c',
);
const ATTR_VALUE = fc.string({
  unit: fc.constantFrom(
    'a',
    ' ',
    '<',
    '&amp;',
    '&lt;',
    '&#38;',
    '&#x41;',
    '"',
    "'",
    'é',
    '\t',
    '\n',
    '\u{1F600}',
  ),
  maxLength: 6,
});
const TEXT = fc.string({
  unit: fc.constantFrom(
    'a',
    ' ',
    '\n',
    '\r\n',
    '\r',
    '&amp;',
    '&gt;',
    '&#13;',
    '&#xD800;',
    '>',
    ']',
    'é',
    '\u{1F600}',
    '\u200B',
  ),
  maxLength: 8,
});

/** Well-formed documents (namespaces declared, attributes unique, text escaped) over a small vocabulary. */
export const wellFormedXml: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc
    .tuple(
      fc.constantFrom('a', 'b', 'p:a', 'q:b', 'é', '_u'),
      fc.uniqueArray(fc.tuple(fc.constantFrom('x', 'y', 'p:x', 'q:y', 'xml:lang'), ATTR_VALUE), {
        selector: ([name]) => name,
        maxLength: 3,
      }),
      fc.array(
        fc.oneof(
          { weight: 3, arbitrary: TEXT },
          { weight: 1, arbitrary: fc.constantFrom('<!--c-->', '<![CDATA[<x>&]]>', '<!---->') },
          { weight: 3, arbitrary: tie('node') },
        ),
        { maxLength: 4 },
      ),
    )
    .map(([name, attrs, kids]) => {
      const a = attrs.map(([k, v]) => ` ${k}="${v.replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`).join('');
      return `<${name} xmlns:p="urn:p" xmlns:q="urn:q"${a}>${kids.join('')}</${name}>`;
    }),
})).node;

/** Token soup: mostly-XML fragments in random order, ill-formed far more often than not. */
export const xmlishText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      NAME.map((n) => `<${n}>`),
      NAME.map((n) => `</${n}>`),
      NAME.map((n) => `<${n}/>`),
      fc.tuple(NAME, NAME, ATTR_VALUE).map(([n, a, v]) => `<${n} ${a}="${v}">`),
      fc.constantFrom(
        ' xmlns:p="urn:p"',
        ' xmlns=""',
        ' xmlns:p=""',
        '<?xml version="1.0"?>',
        '<?xml version="1.1"?>',
      ),
      TEXT,
      anyText,
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));
