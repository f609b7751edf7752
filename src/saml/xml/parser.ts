/**
 * A small strict XML 1.0 + Namespaces parser producing the light tree of types.ts.
 *
 * Why our own (measured in bench/xml.ts against saxes and @xmldom/xmldom): one pass over the string
 * with indexOf/charCodeAt, no event objects, no DOM. It is deliberately narrower than XML:
 * no DOCTYPE or entity declarations (so only the five predefined entities and character
 * references), no processing instructions other than the XML declaration, UTF-8/ASCII only,
 * namespace names must be absolute ASCII URIs, and every size is capped (XmlLimits).
 */
import { findBadChar } from './chars.js';
import { decodeReferences } from './entities.js';
import { nameEnd } from './names.js';
import { resolveNamespaces } from './namespaces.js';
import {
  DEFAULT_XML_LIMITS,
  XmlRejection,
  type XmlComment,
  type XmlDocument,
  type XmlElement,
  type XmlLimits,
  type XmlNode,
  type XmlText,
} from './types.js';

const XML_DECL_RE =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\4)?[ \t\n]*\?>/y;
const ACCEPTED_ENCODINGS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

const LT = 0x3c;
const NOTHING_SHADOWED: readonly [string, string | null | undefined][] = Object.freeze([]);
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

interface MutableElement {
  kind: 'element';
  localName: string;
  namespaceURI: string | null;
  prefix: string | null;
  name: string;
  attributes: XmlElement['attributes'];
  namespaces: XmlElement['namespaces'];
  children: XmlNode[];
  parent: XmlElement | null;
}

/** Parse a whole document. Throws XmlRejection. */
export function parseXml(text: string, limits?: Partial<XmlLimits>): XmlDocument {
  const lim: XmlLimits = limits ? { ...DEFAULT_XML_LIMITS, ...limits } : DEFAULT_XML_LIMITS;
  if (text.length > lim.maxLength) {
    throw new XmlRejection(
      'xml-limits',
      `the document has ${text.length} characters, over the cap of ${lim.maxLength}`,
    );
  }
  return new Parser(text, lim).parseDocument();
}

class Parser {
  private readonly s: string;
  private pos = 0;
  private elementCount = 0;
  private commentCount = 0;
  private cdataCount = 0;
  private namespaceCount = 0;
  /** Bindings in scope at the current position, and per open element the bindings it shadowed. */
  private readonly scope = new Map<string, string | null>();
  private readonly shadowed: (readonly [string, string | null | undefined][])[] = [];
  /** The current start tag's attributes, reused from tag to tag (no per-tag arrays or pairs). */
  private readonly attrNames: string[] = [];
  private readonly attrValues: string[] = [];
  /** Set by parseStartTag: whether the tag just read was `<…/>`. */
  private selfClosing = false;

  constructor(
    text: string,
    private readonly lim: XmlLimits,
  ) {
    // XML 1.0 §2.11: line ends are normalised to #xA before parsing.
    this.s = text.indexOf('\r') >= 0 ? text.replace(/\r\n?/g, '\n') : text;
  }

  private fail(message: string): never {
    throw new XmlRejection('xml-wellformed', `${message} (at offset ${this.pos})`);
  }

  parseDocument(): XmlDocument {
    const bad = findBadChar(this.s);
    if (bad) {
      this.pos = bad.index;
      this.fail(
        `character U+${bad.char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`,
      );
    }
    if (this.s.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.parseXmlDeclaration();
    this.skipMisc();
    if (this.pos >= this.s.length) this.fail('the document has no root element');
    const root = this.parseElementTree();
    this.skipMisc();
    if (this.pos < this.s.length) this.fail('content after the root element');
    return {
      documentElement: root,
      elementCount: this.elementCount,
      commentCount: this.commentCount,
      cdataCount: this.cdataCount,
    };
  }

  private parseXmlDeclaration(): void {
    if (!this.s.startsWith('<?xml', this.pos)) return;
    XML_DECL_RE.lastIndex = this.pos;
    const m = XML_DECL_RE.exec(this.s);
    if (!m) {
      const c = this.s.charCodeAt(this.pos + 5);
      if (isSpace(c))
        throw new XmlRejection('xml-prolog', 'the XML declaration is malformed or not version 1.0');
      throw new XmlRejection('xml-prolog', 'processing instructions are not allowed');
    }
    const encoding = m[3];
    if (encoding !== undefined && !ACCEPTED_ENCODINGS.has(encoding.toLowerCase())) {
      throw new XmlRejection('xml-prolog', `encoding "${encoding}" is not accepted (UTF-8 only)`);
    }
    this.pos = XML_DECL_RE.lastIndex;
  }

  /** Whitespace and comments outside the root element; anything else starting with `<!`/`<?` is refused. */
  private skipMisc(): void {
    const s = this.s;
    for (;;) {
      while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++;
      if (this.pos >= s.length || s.charCodeAt(this.pos) !== LT) return;
      const next = s.charCodeAt(this.pos + 1);
      if (next === 0x21 /* ! */) {
        if (!s.startsWith('<!--', this.pos)) this.refuseMarkupDeclaration();
        this.parseComment(null);
      } else if (next === 0x3f /* ? */) {
        throw new XmlRejection('xml-prolog', 'processing instructions are not allowed');
      } else {
        return;
      }
    }
  }

  private refuseMarkupDeclaration(): never {
    const s = this.s;
    if (s.startsWith('<!DOCTYPE', this.pos)) throw new XmlRejection('xml-prolog', 'DOCTYPE is not allowed');
    if (s.startsWith('<!ENTITY', this.pos))
      throw new XmlRejection('xml-prolog', 'ENTITY declarations are not allowed');
    if (s.startsWith('<!', this.pos) && /^<![A-Z]/.test(s.slice(this.pos, this.pos + 3))) {
      throw new XmlRejection('xml-prolog', 'markup declarations are not allowed');
    }
    this.fail('malformed markup after "<!"');
  }

  private parseName(): string {
    const start = this.pos;
    const end = nameEnd(this.s, start);
    if (end < 0) this.fail('a name was expected');
    this.pos = end;
    return this.s.slice(start, end);
  }

  private skipSpaces(): boolean {
    const start = this.pos;
    while (this.pos < this.s.length && isSpace(this.s.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  /** The root element and everything inside it, iteratively (no recursion on attacker depth). */
  private parseElementTree(): XmlElement {
    const s = this.s;
    let current: MutableElement | null = null;
    let depth = 0;
    let root: XmlElement | null = null;
    while (root === null) {
      if (this.pos >= s.length) this.fail(`element <${current?.name ?? ''}> is not closed`);
      if (s.charCodeAt(this.pos) !== LT) {
        if (current === null) this.fail('text outside the root element');
        this.parseText(current);
        continue;
      }
      const next = s.charCodeAt(this.pos + 1);
      if (next === 0x2f /* / */) {
        if (current === null) this.fail('end tag without a start tag');
        this.parseEndTag(current);
        this.leaveScope();
        depth--;
        if (current.parent === null) root = current;
        current = current.parent as MutableElement | null;
      } else if (next === 0x21 /* ! */) {
        if (current === null) this.refuseMarkupDeclaration();
        if (s.startsWith('<!--', this.pos)) this.parseComment(current);
        else if (s.startsWith('<![CDATA[', this.pos)) this.parseCData(current);
        else this.refuseMarkupDeclaration();
      } else if (next === 0x3f /* ? */) {
        throw new XmlRejection('xml-prolog', 'processing instructions are not allowed');
      } else {
        if (++depth > this.lim.maxDepth) {
          throw new XmlRejection('xml-limits', `elements are nested deeper than ${this.lim.maxDepth}`);
        }
        const element = this.parseStartTag(current);
        if (current) current.children.push(element);
        if (this.selfClosing) {
          depth--;
          if (current === null) root = element;
        } else {
          this.enterScope(element);
          current = element;
        }
      }
    }
    return root;
  }

  private parseStartTag(parent: MutableElement | null): MutableElement {
    const s = this.s;
    if (++this.elementCount > this.lim.maxElements) {
      throw new XmlRejection('xml-limits', `the document has more than ${this.lim.maxElements} elements`);
    }
    this.pos++; // <
    const name = this.parseName();
    const names = this.attrNames;
    const values = this.attrValues;
    let count = 0;
    for (;;) {
      const hadSpace = this.skipSpaces();
      const c = s.charCodeAt(this.pos);
      if (c === 0x3e /* > */) {
        this.pos++;
        this.selfClosing = false;
        return this.makeElement(name, count, parent);
      }
      if (c === 0x2f /* / */) {
        if (s.charCodeAt(this.pos + 1) !== 0x3e) this.fail('"/" must be followed by ">"');
        this.pos += 2;
        this.selfClosing = true;
        return this.makeElement(name, count, parent);
      }
      if (this.pos >= s.length) this.fail(`start tag <${name}> is not closed`);
      if (!hadSpace) this.fail(`whitespace is required between attributes of <${name}>`);
      if (count >= this.lim.maxAttributes) {
        throw new XmlRejection('xml-limits', `<${name}> has more than ${this.lim.maxAttributes} attributes`);
      }
      const attrName = this.parseName();
      for (let i = 0; i < count; i++)
        if (names[i] === attrName) this.fail(`attribute ${attrName} is repeated on <${name}>`);
      this.skipSpaces();
      if (s.charCodeAt(this.pos) !== 0x3d /* = */) this.fail(`"=" expected after attribute ${attrName}`);
      this.pos++;
      this.skipSpaces();
      names[count] = attrName;
      values[count] = this.parseAttrValue();
      count++;
    }
  }

  private parseAttrValue(): string {
    const s = this.s;
    const quote = s[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('an attribute value must be quoted');
    const end = s.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail('an attribute value is not closed');
    const rawValue = s.slice(this.pos + 1, end);
    if (rawValue.length > this.lim.maxTextLength) {
      throw new XmlRejection(
        'xml-limits',
        `an attribute value is longer than ${this.lim.maxTextLength} characters`,
      );
    }
    if (rawValue.indexOf('<') >= 0) this.fail('"<" is not allowed in an attribute value');
    // §3.3.3: literal whitespace becomes a space; whitespace from character references is kept.
    const spaced =
      rawValue.indexOf('\n') >= 0 || rawValue.indexOf('\t') >= 0
        ? rawValue.replace(/[\t\n]/g, ' ')
        : rawValue;
    const value = this.decode(spaced);
    this.pos = end + 1;
    return value;
  }

  private decode(raw: string): string {
    if (raw.indexOf('&') < 0) return raw;
    const decoded = decodeReferences(raw);
    if (typeof decoded !== 'string') this.fail(decoded.error);
    return decoded;
  }

  private makeElement(name: string, count: number, parent: MutableElement | null): MutableElement {
    const resolved = resolveNamespaces(name, this.attrNames, this.attrValues, count, this.scope);
    if (typeof resolved === 'string') this.fail(resolved);
    this.namespaceCount += resolved.namespaces.length;
    if (this.namespaceCount > this.lim.maxNamespaceDeclarations) {
      throw new XmlRejection(
        'xml-limits',
        `the document declares more than ${this.lim.maxNamespaceDeclarations} namespaces`,
      );
    }
    return {
      kind: 'element',
      localName: resolved.localName,
      namespaceURI: resolved.namespaceURI,
      prefix: resolved.prefix,
      name,
      attributes: resolved.attributes,
      namespaces: resolved.namespaces,
      children: [],
      parent,
    };
  }

  private enterScope(element: XmlElement): void {
    if (element.namespaces.length === 0) {
      this.shadowed.push(NOTHING_SHADOWED);
      return;
    }
    const saved: [string, string | null | undefined][] = [];
    for (const d of element.namespaces) {
      saved.push([d.prefix, this.scope.get(d.prefix)]);
      this.scope.set(d.prefix, d.uri === '' ? null : d.uri);
    }
    this.shadowed.push(saved);
  }

  private leaveScope(): void {
    const saved = this.shadowed.pop() ?? [];
    for (let i = saved.length - 1; i >= 0; i--) {
      const [prefix, previous] = saved[i] as [string, string | null | undefined];
      if (previous === undefined) this.scope.delete(prefix);
      else this.scope.set(prefix, previous);
    }
  }

  private parseEndTag(current: MutableElement): void {
    this.pos += 2;
    const end = this.pos + current.name.length;
    // `</name>` exactly: '>' is no NameChar, so parsing the name would have stopped there too.
    if (this.s.charCodeAt(end) === 0x3e && this.s.startsWith(current.name, this.pos)) {
      this.pos = end + 1;
      return;
    }
    const name = this.parseName();
    if (name !== current.name) this.fail(`end tag </${name}> does not match <${current.name}>`);
    this.skipSpaces();
    if (this.s.charCodeAt(this.pos) !== 0x3e) this.fail(`end tag </${name}> is not closed`);
    this.pos++;
  }

  private parseText(parent: MutableElement): void {
    let end = this.s.indexOf('<', this.pos);
    if (end < 0) end = this.s.length;
    const raw = this.s.slice(this.pos, end);
    if (raw.length > this.lim.maxTextLength) {
      throw new XmlRejection('xml-limits', `a text node is longer than ${this.lim.maxTextLength} characters`);
    }
    if (raw.indexOf(']]>') >= 0) this.fail('"]]>" is not allowed in text');
    const text: XmlText = { kind: 'text', value: this.decode(raw), cdata: false, parent };
    parent.children.push(text);
    this.pos = end;
  }

  private parseCData(parent: MutableElement): void {
    const start = this.pos + 9;
    const end = this.s.indexOf(']]>', start);
    if (end < 0) this.fail('a CDATA section is not closed');
    if (end - start > this.lim.maxTextLength) {
      throw new XmlRejection(
        'xml-limits',
        `a CDATA section is longer than ${this.lim.maxTextLength} characters`,
      );
    }
    this.cdataCount++;
    const text: XmlText = { kind: 'text', value: this.s.slice(start, end), cdata: true, parent };
    parent.children.push(text);
    this.pos = end + 3;
  }

  private parseComment(parent: MutableElement | null): void {
    const start = this.pos + 4;
    const end = this.s.indexOf('--', start);
    if (end < 0) this.fail('a comment is not closed');
    if (this.s.charCodeAt(end + 2) !== 0x3e) this.fail('"--" is not allowed inside a comment');
    if (end - start > this.lim.maxTextLength) {
      throw new XmlRejection('xml-limits', `a comment is longer than ${this.lim.maxTextLength} characters`);
    }
    this.commentCount++;
    const comment: XmlComment = { kind: 'comment', value: this.s.slice(start, end), parent };
    if (parent) parent.children.push(comment);
    this.pos = end + 3;
  }
}
