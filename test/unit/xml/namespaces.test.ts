/**
 * Well-known namespace names are stored as their interned constants (identity compares downstream):
 * a boundary test that interning changes no value, for known names, near misses and unknown ones.
 */
import { describe, expect, it } from 'vitest';
import { childElements, parseXml } from '../../../src/saml/xml/index.js';

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

describe('namespace names of elements and attributes', () => {
  it.each([
    SAML,
    'urn:oasis:names:tc:SAML:2.0:assertion2', // a near miss stays as written
    'urn:oasis:names:tc:saml:2.0:assertion', // so does a case variant
    'urn:example:other',
  ])('keep the declared value %s exactly, on the element, its children and prefixed attributes', (uri) => {
    const doc = parseXml(
      `<p:a xmlns:p="${uri}"><p:b p:x="1"/><c xmlns="${uri}"/><p:d xmlns:p="urn:example:inner"/></p:a>`,
    );
    const root = doc.documentElement;
    expect(root.namespaceURI).toBe(uri);
    expect(root.namespaces).toEqual([{ prefix: 'p', uri }]);
    const [b, c, d] = childElements(root);
    expect(b?.namespaceURI).toBe(uri);
    expect(b?.attributes[0]?.namespaceURI).toBe(uri);
    expect(c?.namespaceURI).toBe(uri);
    expect(d?.namespaceURI).toBe('urn:example:inner');
    expect(childElements(root, SAML).length).toBe(uri === SAML ? 2 : 0);
  });
});
