/**
 * parseXml against @xmldom/xmldom (with an error handler that refuses errors): same tree on every
 * fixture document and on tricky valid inputs; never more lenient on malformed or mutated inputs.
 * Where we are stricter on purpose (DOCTYPE, PIs, odd namespaces, chars outside XML's Char), the
 * test says so.
 */
import { DOMParser, type CDATASection, type Comment, type Element, type Text } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXml, XmlRejection, type XmlElement, type XmlNode } from '../../src/saml/xml/index.js';
import { isNcName, isNcNameAt, NCNAME_RE } from '../../src/saml/xml/names.js';
import { loadFixtures } from '../support/xml-fixtures.js';

type Shape = unknown[];

function ourShape(el: XmlElement): Shape {
  return [
    el.namespaceURI,
    el.prefix,
    el.localName,
    el.namespaces.map((d) => [d.prefix, d.uri]),
    el.attributes.map((a) => [a.namespaceURI, a.prefix, a.localName, a.value]),
    el.children.map((c: XmlNode) =>
      c.kind === 'element'
        ? ourShape(c)
        : [c.kind === 'comment' ? '#comment' : c.cdata ? '#cdata' : '#text', c.value],
    ),
  ];
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';

function domShape(el: Element): Shape {
  const attrs = Array.from(el.attributes);
  const children: Shape[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) children.push(domShape(c as Element));
    else if (c.nodeType === 3) children.push(['#text', (c as Text).data]);
    else if (c.nodeType === 4) children.push(['#cdata', (c as CDATASection).data]);
    else if (c.nodeType === 8) children.push(['#comment', (c as Comment).data]);
    else children.push(['#other', c.nodeType]);
  }
  return [
    el.namespaceURI,
    el.prefix,
    el.localName,
    attrs
      .filter((a) => a.namespaceURI === XMLNS)
      .map((a) => [a.prefix === 'xmlns' ? a.localName : '', a.value]),
    attrs
      .filter((a) => a.namespaceURI !== XMLNS)
      .map((a) => [a.namespaceURI, a.prefix, a.localName, a.value]),
    children,
  ];
}

type Outcome = { ok: true; shape: Shape } | { ok: false; reason: string };

function ours(xml: string): Outcome {
  try {
    return { ok: true, shape: ourShape(parseXml(xml).documentElement) };
  } catch (e) {
    if (e instanceof XmlRejection) return { ok: false, reason: `${e.check}: ${e.message}` };
    throw e;
  }
}

/** xmldom refusing errors and fatal errors; warnings (lenient recoveries) also count as a refusal here. */
function xmldom(xml: string): Outcome {
  const problems: string[] = [];
  try {
    const doc = new DOMParser({
      onError: (level, msg) => void problems.push(`${level}: ${msg}`),
    }).parseFromString(xml, 'text/xml');
    if (problems.length > 0 || !doc.documentElement) return { ok: false, reason: problems.join('; ') };
    return { ok: true, shape: domShape(doc.documentElement) };
  } catch (e) {
    return { ok: false, reason: String(e) };
  }
}

function expectNeverMoreLenient(xml: string): void {
  const a = ours(xml);
  if (!a.ok) return;
  const b = xmldom(xml);
  expect(b, `xmldom refused what we accepted: ${JSON.stringify(xml.slice(0, 200))}`).toMatchObject({
    ok: true,
  });
  if (b.ok) expect(a.shape).toEqual(b.shape);
}

describe('parseXml builds the same tree as xmldom', () => {
  for (const fx of loadFixtures()) {
    for (const [file, xml] of [['response.xml', fx.xml], ...fx.extraXml] as const) {
      it(`${fx.name}/${file}`, () => {
        const a = ours(xml);
        expect(a).toMatchObject({ ok: true });
        expect(a).toEqual(xmldom(xml));
      });
    }
  }

  it.each([
    '<a>x &lt; &gt; &amp; &apos; &quot; &#65; &#x42; &#x1F600; y</a>',
    '<a b="1 &amp; &#x9; &#10;&lt;" c=\'"\'>t</a>',
    '<a b="line\nbreak\ttab">x</a>',
    '<a>one\r\ntwo\rthree</a>',
    '<a><![CDATA[<not> &markup;]]>tail<!-- note --></a>',
    '<p:a xmlns:p="urn:p" xmlns="urn:d"><b p:x="1" x="2"/><c xmlns=""/><p:d xmlns:p="urn:q"/></p:a>',
    '<a xml:lang="en" xmlns:xml="http://www.w3.org/XML/1998/namespace"/>',
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<!-- before --><a/><!-- after -->\n',
    '<a  \n b = "1" ></a  >',
    '<é:ñ xmlns:é="urn:x">\u00e9\u4e2d</é:ñ>',
    // Names off the ASCII fast path (names.ts): combining marks, astral letters, the extra NameChars.
    '<a\u0300b/>',
    '<a\u{10000} xmlns:\u{10000}p="urn:x" \u{10000}p:b="1"/>',
    '<a\u{10000}\u0301/>',
    '<_\u00B7\u203F\u2040 a\u00B7="1"/>',
    '<\u4e2d:\u6587 xmlns:\u4e2d="urn:zh" \u4e2d:\u5c5e="v">t</\u4e2d:\u6587>',
    '<a xmlns:p="urn:p" p:x="1" p:\u00e9="2" x="3"/>',
    '<a-\u0660/>',
    '<\u2160x/>',
    '<\u3007/>',
    '<a.b-c_d9 e.f-g_h9="1" _="2"/>',
    // Attribute values: literal tabs/newlines become spaces, those from references stay.
    '<a b="x&#9;y&#xA;z&#13;" c="\t\n\r\nq" d="&lt;&amp;&gt;&quot;&apos;"/>',
  ])('valid: %j', (xml) => {
    const a = ours(xml);
    expect(a).toMatchObject({ ok: true });
    expect(a).toEqual(xmldom(xml));
  });
});

describe('the ASCII NCName loop agrees with the exact NCName production', () => {
  const unit = fc.oneof(
    {
      arbitrary: fc.constantFrom('a', 'Z', '_', '0', '9', '-', '.', ':', ' ', '\u00B7', '\u0300'),
      weight: 4,
    },
    {
      arbitrary: fc.constantFrom('é', '\u0660', '\u2160', '\u200C', '\u{10000}', '\u{1F600}', '\uD800'),
      weight: 1,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 1 }), weight: 1 },
  );
  it('on generated strings, whole and as a range of a longer string', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), fc.string({ unit, maxLength: 3 }), (name, pad) => {
        const expected = NCNAME_RE.test(name);
        expect(isNcName(name)).toBe(expected);
        expect(isNcNameAt(pad + name + pad, pad.length, pad.length + name.length)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('parseXml refuses malformed XML that xmldom refuses', () => {
  it.each([
    '<a><b></a>',
    '<a x="1" x="2"/>',
    '<p:a/>',
    '<a>&foo;</a>',
    '<a/><b/>',
    '<a><!-- a -- b --></a>',
    '<a x="<"/>',
    'text<a/>',
    '<a/>text',
    '<1a/>',
    '<a>',
    '',
    '<a x="1/>',
    '</a>',
    '<a\u00D7/>',
    '<p:\u0300a xmlns:p="urn:p"/>',
    '<a xmlns:\u0300p="urn:p"/>',
    '<ab:c:d xmlns:ab="urn:x"/>',
    '<a b:="1"/>',
    '<:a/>',
  ])('%j', (xml) => {
    expect(xmldom(xml)).toMatchObject({ ok: false });
    expect(ours(xml)).toMatchObject({ ok: false });
  });
});

describe('parseXml is stricter than xmldom on purpose', () => {
  it.each([
    ['<!DOCTYPE a><a/>', 'xml-prolog'],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'xml-prolog'],
    ['<a><!ENTITY x "y"></a>', 'xml-prolog'],
    ['<a><?pi x?></a>', 'xml-prolog'],
    ['<?xml-stylesheet href="x"?><a/>', 'xml-prolog'],
    ['<a/><?pi?>', 'xml-prolog'],
    ['<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 'xml-prolog'],
    ['<a>]]></a>', 'xml-wellformed'],
    ['<a x=1/>', 'xml-wellformed'],
    ['<a x="1"y="2"/>', 'xml-wellformed'],
    ['<a xmlns:p=""/>', 'xml-wellformed'],
    ['<a>\u0001</a>', 'xml-wellformed'],
    ['<a>&#0;</a>', 'xml-wellformed'],
    ['<a b:c="1" xmlns:b="u:x" xmlns:d="u:x" d:c="2"/>', 'xml-wellformed'],
    ['<a xmlns:xml="u:x"/>', 'xml-wellformed'],
    ['<a xmlns:x="http://example.com\u0080"/>', 'xml-wellformed'],
    ['<a xmlns:x="relative"/>', 'xml-wellformed'],
    // NCNames start with a letter or '_' (Namespaces in XML 1.0); xmldom takes any XML 1.0 5th-edition Name.
    ['<\u{1F600}/>', 'xml-wellformed'],
    ['<a \u{1F600}="1"/>', 'xml-wellformed'],
    ['<\u0660a/>', 'xml-wellformed'],
    ['<a\u200Cb/>', 'xml-wellformed'],
    ['<A\u037E/>', 'xml-wellformed'],
  ])('%j → %s', (xml, check) => {
    expect(ours(xml)).toMatchObject({ ok: false, reason: expect.stringMatching(new RegExp(`^${check}:`)) });
  });
});

describe('mutated fixtures: never more lenient than xmldom, same tree when both accept', () => {
  const fixtures = loadFixtures().map((f) => f.xml);
  const insertable = fc.constantFrom(
    '<',
    '>',
    '&',
    '"',
    "'",
    '=',
    '/',
    ':',
    '!',
    '?',
    '[',
    ']',
    '-',
    ';',
    ' ',
    'x',
    '\n',
    '&amp;',
    '<!--',
    ']]>',
  );

  it('single-character insertions, deletions and replacements', () => {
    fc.assert(
      fc.property(
        fc.nat(fixtures.length - 1),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(2),
        insertable,
        (f, where, op, text) => {
          const xml = fixtures[f] as string;
          const i = Math.min(xml.length - 1, Math.floor(where * xml.length));
          const mutated =
            op === 0
              ? xml.slice(0, i) + text + xml.slice(i)
              : op === 1
                ? xml.slice(0, i) + xml.slice(i + 1)
                : xml.slice(0, i) + text + xml.slice(i + 1);
          expectNeverMoreLenient(mutated);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('random token soups: never more lenient, same tree when both accept', () => {
    const whole = fc.constantFrom(
      '<b/>',
      '<p:c>t</p:c>',
      '<a x="1">&amp;</a>',
      '<a x=\'&lt;\' y="&#x41;"/>',
      '<d xmlns="urn:d"><e/></d>',
      'text',
      ' ',
      '\n',
      '\r\n',
      '&amp;',
      '&#65;',
      '&#x1F600;',
      '<!--c-->',
      '<![CDATA[x]]>',
      'é',
      '<a>',
      '</a>',
      '<f a="\tb\r\nc"/>',
    );
    const broken = fc.constantFrom(
      '&bogus;',
      '&',
      '<!--',
      '-->',
      ']]>',
      '<',
      '>',
      '"',
      '<?pi?>',
      '<!DOCTYPE a>',
      '\u0001',
      '\uFFFE',
      '</p:c>',
    );
    const token = fc.oneof({ arbitrary: whole, weight: 12 }, { arbitrary: broken, weight: 1 });
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 12 }), (tokens) => {
        const xml = `<r xmlns:p="urn:p">${tokens.join('')}</r>`;
        if (ours(xml).ok) accepted++;
        expectNeverMoreLenient(xml);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('generated well-formed documents parse to the same tree', () => {
    const name = fc.constantFrom('a', 'b', 'Assertion', 'x-y', 'n.1', '_u', 'é');
    const text = fc.string({
      unit: fc.constantFrom('a', ' ', '\n', '\t', '<', '>', '&', '"', "'", ']', 'é', '\u{1F600}'),
    });
    const escape = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
      node: fc
        .tuple(
          name,
          fc.constantFrom('', 'p:', 'q:'),
          fc.array(fc.tuple(name, text), { maxLength: 3 }),
          fc.array(fc.oneof(text.map(escape), tie('node')), { maxLength: 4 }),
        )
        .map(([n, prefix, attrs, kids]) => {
          const unique = [...new Map(attrs).entries()];
          const a = unique.map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
          return `<${prefix}${n} xmlns:p="urn:p" xmlns:q="urn:q"${a}>${kids.join('')}</${prefix}${n}>`;
        }),
    })).node;
    fc.assert(
      fc.property(tree, (xml) => {
        const a = ours(xml);
        expect(a).toMatchObject({ ok: true });
        expect(a).toEqual(xmldom(xml));
      }),
      { numRuns: 300 },
    );
  });
});
