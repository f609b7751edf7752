import { describe, expect, it } from 'vitest';
import {
  attr,
  canonicalizeExclusive,
  childElements,
  collectIds,
  firstChild,
  ownId,
  parseXml,
  textOf,
  type XmlElement,
} from '../../../src/saml/xml/index.js';

const root = (xml: string): XmlElement => parseXml(xml).documentElement;

describe('tree helpers', () => {
  const doc = root('<r xmlns:s="urn:s" ID="1"><s:a x="1" s:x="2">v</s:a><b/><s:a/><!--c--></r>');

  it('childElements / firstChild filter by namespace and local name', () => {
    expect(childElements(doc).map((e) => e.name)).toEqual(['s:a', 'b', 's:a']);
    expect(childElements(doc, 'urn:s', 'a')).toHaveLength(2);
    expect(childElements(doc, null, 'b')).toHaveLength(1);
    expect(firstChild(doc, 'urn:s', 'b')).toBeNull();
  });

  it('attr reads unprefixed attributes by default and namespaced ones on request', () => {
    const a = firstChild(doc, 'urn:s', 'a')!;
    expect(attr(a, 'x')).toBe('1');
    expect(attr(a, 'x', 'urn:s')).toBe('2');
    expect(attr(a, 'missing')).toBeNull();
  });

  it('textOf reports a whole single text run as not split', () => {
    expect(textOf(firstChild(doc, 'urn:s', 'a')!)).toEqual({ text: 'v', split: false });
    expect(textOf(root('<n>a &amp; b</n>'))).toEqual({ text: 'a & b', split: false });
    expect(textOf(root('<n/>'))).toEqual({ text: '', split: false });
    expect(textOf(root('<n>a<i>b</i>c</n>'))).toEqual({ text: 'abc', split: true });
  });

  it('collectIds finds ID/Id/id in any namespace and reports duplicates', () => {
    const ids = collectIds(
      root('<r ID="a"><x Id="b"/><y xmlns:p="urn:p" p:ID="a"/><z id="c"/><w ID="c"/></r>'),
    );
    expect([...ids.byId.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect([...ids.duplicates].sort()).toEqual(['a', 'c']);
  });

  it('ownId is the single unprefixed ID attribute', () => {
    expect(ownId(root('<r ID="a"/>'))).toBe('a');
    expect(ownId(root('<r xmlns:p="urn:p" p:ID="a"/>'))).toBeNull();
    expect(ownId(root('<r ID="a" id="b"/>'))).toBeNull();
  });
});

describe('canonicalizeExclusive', () => {
  it('sorts attributes by namespace then name, namespaces by prefix, and expands empty elements', () => {
    const el = root('<a xmlns:z="urn:z" xmlns:b="urn:b" z:k="1" b:k="2" y="3" x="4"/>');
    expect(canonicalizeExclusive(el)).toBe(
      '<a xmlns:b="urn:b" xmlns:z="urn:z" x="4" y="3" b:k="2" z:k="1"></a>',
    );
  });

  it('renders only visibly used namespaces, once, and drops comments', () => {
    const xml =
      '<r xmlns="urn:d" xmlns:u="urn:unused" xmlns:p="urn:p"><p:a><p:b><!--c--><c/></p:b></p:a></r>';
    const a = firstChild(root(xml), 'urn:p', 'a')!;
    expect(canonicalizeExclusive(a)).toBe('<p:a xmlns:p="urn:p"><p:b><c xmlns="urn:d"></c></p:b></p:a>');
  });

  it('emits xmlns="" only to undo a rendered default namespace', () => {
    expect(canonicalizeExclusive(root('<a xmlns="urn:d"><b xmlns=""/></a>'))).toBe(
      '<a xmlns="urn:d"><b xmlns=""></b></a>',
    );
    const b = firstChild(root('<p:a xmlns:p="urn:p"><b xmlns=""/></p:a>'), null, 'b')!;
    expect(canonicalizeExclusive(b)).toBe('<b></b>');
  });

  it('honours InclusiveNamespaces for prefixes used only in content', () => {
    const xml = '<r xmlns:xs="urn:xs" xmlns:xsi="urn:xsi"><v xsi:type="xs:string">1</v></r>';
    const v = firstChild(root(xml), null, 'v')!;
    expect(canonicalizeExclusive(v)).toBe('<v xmlns:xsi="urn:xsi" xsi:type="xs:string">1</v>');
    expect(canonicalizeExclusive(v, { inclusivePrefixes: ['xs'] })).toBe(
      '<v xmlns:xs="urn:xs" xmlns:xsi="urn:xsi" xsi:type="xs:string">1</v>',
    );
  });

  it('escapes text and attribute values as C14N requires', () => {
    const el = root('<a t="&lt;&amp;&quot;&#9;&#10;&#13;>">&lt;&amp;&gt;&#13;"\'</a>');
    expect(canonicalizeExclusive(el)).toBe(
      '<a t="&lt;&amp;&quot;&#x9;&#xA;&#xD;>">&lt;&amp;&gt;&#xD;"\'</a>',
    );
  });

  it('leaves out the omitted subtree and the text of CDATA sections is escaped in place', () => {
    const el = root('<a><s><x/></s><![CDATA[<b>]]></a>');
    expect(canonicalizeExclusive(el, { omit: firstChild(el, null, 's')! })).toBe('<a>&lt;b&gt;</a>');
  });
});
