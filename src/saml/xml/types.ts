/** The light XML tree produced by `parseXml` and walked by c14n, XML-DSig and XML-Enc. */

export type XmlRejectionCheck = 'xml-prolog' | 'xml-wellformed' | 'xml-limits';

const MAX_MESSAGE_LENGTH = 300;

/** Messages quote names and values from the input: keep them short enough for logs and diagnose output. */
export function clipMessage(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/** Thrown by `parseXml`; `check` is one of the named response checks (src/saml/checks.ts). */
export class XmlRejection extends Error {
  readonly check: XmlRejectionCheck;
  constructor(check: XmlRejectionCheck, message: string) {
    super(clipMessage(message));
    this.name = 'XmlRejection';
    this.check = check;
  }
}

export interface XmlLimits {
  /** Characters of the whole input. */
  maxLength: number;
  /** Element nesting depth (the document element is depth 1). */
  maxDepth: number;
  /** Elements in the document. */
  maxElements: number;
  /** Attributes on one element, namespace declarations included. */
  maxAttributes: number;
  /** Characters of one text node, CDATA section, comment or attribute value. */
  maxTextLength: number;
  /** Namespace declarations in the whole document (each one lengthens every prefix lookup below it). */
  maxNamespaceDeclarations: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxLength: 1024 * 1024,
  maxDepth: 32,
  maxElements: 10_000,
  maxAttributes: 64,
  maxTextLength: 256 * 1024,
  maxNamespaceDeclarations: 128,
});

export interface XmlAttr {
  readonly localName: string;
  /** null for unprefixed attributes (they are in no namespace). */
  readonly namespaceURI: string | null;
  readonly prefix: string | null;
  /** The qualified name as written, `prefix:localName` or `localName`. */
  readonly name: string;
  /** Normalised value: references expanded, literal whitespace turned into spaces. */
  readonly value: string;
}

/** A namespace declaration written on an element (`xmlns="…"` has prefix ''). */
export interface XmlNsDecl {
  readonly prefix: string;
  readonly uri: string;
}

export interface XmlElement {
  readonly kind: 'element';
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly prefix: string | null;
  /** The qualified name as written. */
  readonly name: string;
  /** Attributes in document order, WITHOUT namespace declarations (those are in `namespaces`). */
  readonly attributes: readonly XmlAttr[];
  /** The `xmlns` / `xmlns:p` declarations written on this element, in document order. */
  readonly namespaces: readonly XmlNsDecl[];
  readonly children: readonly XmlNode[];
  readonly parent: XmlElement | null;
}

export interface XmlText {
  readonly kind: 'text';
  readonly value: string;
  /** true for a `<![CDATA[…]]>` section. */
  readonly cdata: boolean;
  readonly parent: XmlElement;
}

export interface XmlComment {
  readonly kind: 'comment';
  readonly value: string;
  readonly parent: XmlElement | null;
}

export type XmlNode = XmlElement | XmlText | XmlComment;

export interface XmlDocument {
  readonly documentElement: XmlElement;
  /** Elements in the document. */
  readonly elementCount: number;
  /** Comments anywhere (prolog and epilog included), so a caller can refuse them cheaply. */
  readonly commentCount: number;
  /** CDATA sections anywhere. */
  readonly cdataCount: number;
}
