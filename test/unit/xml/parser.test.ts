import { describe, expect, it } from 'vitest';
import {
  DEFAULT_XML_LIMITS,
  XmlRejection,
  parseXml,
  textOf,
  type XmlLimits,
} from '../../../src/saml/xml/index.js';

function rejection(xml: string, limits?: Partial<XmlLimits>): { check: string; message: string } {
  try {
    parseXml(xml, limits);
  } catch (e) {
    if (e instanceof XmlRejection) return { check: e.check, message: e.message };
    throw e;
  }
  throw new Error('accepted');
}

describe('parseXml limits (xml-limits)', () => {
  it('caps the input length', () => {
    expect(rejection('<a>' + 'x'.repeat(100) + '</a>', { maxLength: 50 })).toMatchObject({
      check: 'xml-limits',
    });
  });

  it('caps depth without recursing: 100,000 nested elements are refused', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    expect(rejection(deep)).toMatchObject({
      check: 'xml-limits',
      message: expect.stringMatching(/deeper than 32/),
    });
    expect(parseXml('<a>'.repeat(32) + '</a>'.repeat(32)).elementCount).toBe(32);
  });

  it('caps the element count, attributes per element and text size', () => {
    expect(rejection(`<a>${'<b/>'.repeat(20)}</a>`, { maxElements: 10 })).toMatchObject({
      check: 'xml-limits',
    });
    const attrs = Array.from({ length: DEFAULT_XML_LIMITS.maxAttributes + 1 }, (_, i) => ` a${i}="1"`).join(
      '',
    );
    expect(rejection(`<a${attrs}/>`)).toMatchObject({ check: 'xml-limits' });
    expect(rejection(`<a>${'x'.repeat(11)}</a>`, { maxTextLength: 10 })).toMatchObject({
      check: 'xml-limits',
    });
    expect(rejection(`<a b="${'x'.repeat(11)}"/>`, { maxTextLength: 10 })).toMatchObject({
      check: 'xml-limits',
    });
    expect(rejection(`<a><!--${'x'.repeat(11)}--></a>`, { maxTextLength: 10 })).toMatchObject({
      check: 'xml-limits',
    });
  });

  it('caps namespace declarations, so prefix lookups stay short', () => {
    const decls = (d: number) =>
      Array.from({ length: 63 }, (_, i) => ` xmlns:p${d}_${i}="urn:x${i}"`).join('');
    const open = Array.from({ length: 31 }, (_, d) => `<e${d}${decls(d)}>`).join('');
    const close = Array.from({ length: 31 }, (_, d) => `</e${30 - d}>`).join('');
    const attrs = Array.from({ length: 63 }, (_, i) => ` p0_${i}:a="1"`).join('');
    const body = `<x${attrs}/>`.repeat(Math.floor((256 * 1024) / (attrs.length + 5)));
    expect(rejection(open + body + close, { maxElements: 100_000 })).toMatchObject({
      check: 'xml-limits',
      message: expect.stringMatching(/more than 128 namespaces/),
    });
    // Within the cap: 2 declarations per level.
    const light = Array.from(
      { length: 31 },
      (_, d) => `<e${d} xmlns:a${d}="urn:a" xmlns:b${d}="urn:b">`,
    ).join('');
    const lightAttrs = ' a0:x="1" b0:y="2"';
    expect(
      parseXml(light + `<x${lightAttrs}/>`.repeat(10_000) + close, { maxElements: 100_000 }).elementCount,
    ).toBe(10_031);
  });

  it('refuses many repeated attributes in linear-ish time (xmldom GHSA-8344-3jmq-59r6 shape)', () => {
    const attrs = Array.from({ length: 64 }, () => ' a="1"').join('');
    expect(rejection(`<r${attrs}/>`)).toMatchObject({
      check: 'xml-wellformed',
      message: expect.stringMatching(/repeated/),
    });
  });
});

describe('parseXml prolog rules (xml-prolog)', () => {
  it.each([
    ['billion laughs', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>'],
    ['external entity', '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>'],
    ['parameter entity', '<!DOCTYPE foo [<!ENTITY % xxe SYSTEM "http://127.0.0.1/x"> %xxe;]><foo/>'],
    [
      'CVE-2025-25291 DOCTYPE differential',
      `<!DOCTYPE response SYSTEM 'x"><!--'>\n<forged/><![CDATA[-->\n<original/><!--]]>-->`,
    ],
    ['a PI inside the document', '<a>user@evil.com<?x .example.com?></a>'],
    ['a PI after the root', '<a/><?x?>'],
    ['an XML declaration not at the start', ' <?xml version="1.0"?><a/>'],
    ['XML 1.1', '<?xml version="1.1"?><a/>'],
    ['a non-UTF-8 encoding', '<?xml version="1.0" encoding="UTF-16"?><a/>'],
  ])('refuses %s', (_label, xml) => {
    expect(rejection(xml)).toMatchObject({ check: 'xml-prolog' });
  });

  it('accepts the XML declaration, a BOM, and comments around the root', () => {
    const doc = parseXml('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a/>\n<!-- d -->');
    expect(doc.documentElement.localName).toBe('a');
    expect(doc.commentCount).toBe(2);
  });
});

describe('parseXml tree', () => {
  it('resolves namespaces and keeps declarations apart from attributes', () => {
    const doc = parseXml('<p:a xmlns:p="urn:p" xmlns="urn:d" p:x="1" y="2"><b/><c xmlns=""/></p:a>');
    const a = doc.documentElement;
    expect([a.prefix, a.localName, a.namespaceURI]).toEqual(['p', 'a', 'urn:p']);
    expect(a.namespaces).toEqual([
      { prefix: 'p', uri: 'urn:p' },
      { prefix: '', uri: 'urn:d' },
    ]);
    expect(a.attributes.map((x) => [x.namespaceURI, x.localName, x.value])).toEqual([
      ['urn:p', 'x', '1'],
      [null, 'y', '2'],
    ]);
    const [b, c] = a.children;
    expect(b?.kind === 'element' && b.namespaceURI).toBe('urn:d');
    expect(c?.kind === 'element' && c.namespaceURI).toBe(null);
    expect(b?.kind === 'element' && b.parent).toBe(a);
  });

  it('keeps comments and CDATA as nodes and counts them, so text splits are visible', () => {
    const doc = parseXml('<n>user@evil.com<!---->.example.com<![CDATA[!]]></n>');
    expect(doc.commentCount).toBe(1);
    expect(doc.cdataCount).toBe(1);
    expect(textOf(doc.documentElement)).toEqual({ text: 'user@evil.com.example.com!', split: true });
  });

  it('treats element names like __proto__ as plain names', () => {
    const doc = parseXml('<__proto__ constructor="x"><prototype/></__proto__>');
    expect(doc.documentElement.name).toBe('__proto__');
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });
});

describe('parseXml messages', () => {
  it('stay short when they quote a huge name from the input', () => {
    const name = 'n'.repeat(100_000);
    const r = rejection(`<${name}></x>`);
    expect(r.check).toBe('xml-wellformed');
    expect(r.message.length).toBeLessThanOrEqual(301);
  });
});
