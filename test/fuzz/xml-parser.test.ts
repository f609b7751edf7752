import { describe, expect, it } from 'vitest';
import { parseXml, XmlRejection, type XmlText } from '../../src/saml/xml/index.js';
import { describeFuzz } from './suite.js';
import { hasNonNcNameQName, parseWithXmldom } from './xml-mutations.js';
import { XML_PARSER_PROPERTIES } from './xml-parser-properties.js';

describeFuzz('fuzz: strict XML parser against xmldom', XML_PARSER_PROPERTIES);

describe('intended differences from xmldom, found by the differential fuzz', () => {
  it('skips one leading byte order mark (seed 704231953); xmldom given the string calls it text', () => {
    expect(parseXml('\uFEFF<a/>').documentElement.localName).toBe('a');
    expect(() => parseXml('\uFEFF\uFEFF<a/>')).toThrow(XmlRejection);
    expect(parseWithXmldom('\uFEFF<a/>').documentElement?.localName).toBe('a');
  });

  it.each(['\u2028', '\u0085'])(
    'keeps %j in text as XML 1.0 says; xmldom makes it a line feed (seed 942631179)',
    (ch) => {
      const xml = `<a>${ch}</a>`;
      expect((parseXml(xml).documentElement.children[0] as XmlText).value).toBe(ch);
      expect(parseWithXmldom(xml).documentElement?.textContent).toBe('\n');
    },
  );
});

describe('QNames whose prefix or local part is not an NCName (fuzz seeds 1233430854, 1053366222)', () => {
  // KNOWN HOLE (src/saml/xml/namespaces.ts splitQName checks only where the colon is, not that the
  // prefix and the local part are NCNames, i.e. start with a letter or '_'): parseXml accepts these
  // documents, which Namespaces in XML 1.0 §3/§4 makes not namespace-well-formed and xmldom refuses.
  // No SAML element or attribute has such a name, so no verification decision changes; it is a
  // parser differential. These cases turn green (and `fails` must be removed) once it is fixed.
  const NOT_NCNAMES = [
    '<p:0a xmlns:p="urn:p"/>',
    '<p:.a xmlns:p="urn:p"/>',
    '<a xmlns:p="urn:p" p:-="1"/>',
    '<a xmlns:p="urn:p" p:1="1"/>',
    '<a xmlns:0p="urn:p"/>',
  ];
  it.each(NOT_NCNAMES)('xmldom refuses %s, and the fuzz checks recognise it as the known hole', (xml) => {
    expect(() => parseWithXmldom(xml)).toThrow();
    expect(hasNonNcNameQName(xml)).toBe(true);
  });
  it.each(['<p:a xmlns:p="urn:p" p:x="0:1"/>', '<a>x:0</a>', '<_u:é xmlns:_u="urn:u"/>'])(
    'the known-hole filter leaves ordinary names alone: %s',
    (xml) => expect(hasNonNcNameQName(xml)).toBe(false),
  );
  for (const xml of NOT_NCNAMES) {
    it.fails(`parseXml refuses ${xml}`, () => {
      expect(() => parseXml(xml)).toThrow(XmlRejection);
    });
  }
});
