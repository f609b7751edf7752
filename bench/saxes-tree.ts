/**
 * The alternative evaluated for src/saml/xml/parser.ts: saxes (strict, namespace-aware) driving a
 * builder of the same light tree. Kept for bench/xml.ts only, to show the measured difference.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { XmlAttr, XmlElement, XmlNode, XmlNsDecl } from '../src/saml/xml/index.js';

interface Building {
  kind: 'element';
  localName: string;
  namespaceURI: string | null;
  prefix: string | null;
  name: string;
  attributes: XmlAttr[];
  namespaces: XmlNsDecl[];
  children: XmlNode[];
  parent: XmlElement | null;
}

export function parseWithSaxes(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  let current: Building | null = null;
  let root: Building | null = null;
  parser.on('doctype', () => {
    throw new Error('DOCTYPE is not allowed');
  });
  parser.on('processinginstruction', () => {
    throw new Error('processing instructions are not allowed');
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes: XmlAttr[] = [];
    const namespaces: XmlNsDecl[] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.name === 'xmlns' || a.prefix === 'xmlns')
        namespaces.push({ prefix: a.prefix === 'xmlns' ? a.local : '', uri: a.value });
      else
        attributes.push({
          localName: a.local,
          namespaceURI: a.uri || null,
          prefix: a.prefix || null,
          name: a.name,
          value: a.value,
        });
    }
    const el: Building = {
      kind: 'element',
      localName: tag.local,
      namespaceURI: tag.uri || null,
      prefix: tag.prefix || null,
      name: tag.name,
      attributes,
      namespaces,
      children: [],
      parent: current,
    };
    if (current) current.children.push(el);
    else root = el;
    current = el;
  });
  parser.on('closetag', () => {
    current = current?.parent as Building | null;
  });
  parser.on('text', (value) => {
    if (current) current.children.push({ kind: 'text', value, cdata: false, parent: current });
  });
  parser.on('cdata', (value) => {
    if (current) current.children.push({ kind: 'text', value, cdata: true, parent: current });
  });
  parser.on('comment', (value) => {
    if (current) current.children.push({ kind: 'comment', value, parent: current });
  });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(text).close();
  if (!root) throw new Error('no root element');
  return root;
}
