/**
 * saml-attacks.md §1.5 text splitting (CVE-2017-11427 class), §1.7 DOCTYPE/XXE/entity expansion,
 * §1.8 parser differentials, multiple roots and trailing content, §1.15 DoS inputs.
 */
import type { Document, Node } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { build, expectAccepted, expectAttackRefused, expectRefused, verify } from './harness.js';
import { assertionOf, attributeValues, first, mutate, responseOf, setText, signatureOf } from './mutate.js';
import { ROLE_SESSION_NAME_ATTRIBUTE, toBase64 } from '../support/test-idp.js';

const SIGNED_NAME = 'admin@evil.com';
const control = build({ nameId: SIGNED_NAME, roleSessionName: SIGNED_NAME });
const body = (xml: string) => xml.replace(/^<\?xml[^>]*\?>/, '');

/** Replace the NameID (or RoleSessionName value) children with `split` nodes; the digest is unchanged for comments/CDATA. */
function splitValue(where: 'NameID' | 'RoleSessionName', build: (doc: Document) => Node[]): string {
  return mutate(control, (doc) => {
    const el =
      where === 'NameID' ? first(doc, 'NameID') : attributeValues(doc, ROLE_SESSION_NAME_ATTRIBUTE)[0]!;
    while (el.firstChild) el.removeChild(el.firstChild);
    for (const n of build(doc)) el.appendChild(n);
  });
}

describe('comment / CDATA / PI splitting (§1.5)', () => {
  for (const where of ['NameID', 'RoleSessionName'] as const) {
    it(`${where} "admin<!---->@evil.com" never yields "admin"`, async () => {
      const attack = splitValue(where, (d) => [
        d.createTextNode('admin'),
        d.createComment(''),
        d.createTextNode('@evil.com'),
      ]);
      await expectAttackRefused(control, attack, 'subject');
    });

    it(`${where} split by CDATA is refused, not truncated`, async () => {
      const attack = splitValue(where, (d) => [d.createTextNode('admin'), d.createCDATASection('@evil.com')]);
      await expectAttackRefused(control, attack, 'subject');
    });
  }

  it('a processing instruction inside NameID is refused before parsing', async () => {
    const attack = control.replace(`>${SIGNED_NAME}</saml2:NameID>`, '>admin<?x @evil.com?></saml2:NameID>');
    await expectAttackRefused(control, attack, 'xml-prolog');
  });

  it('a comment inside Issuer or Audience is refused by that check', async () => {
    const issuer = mutate(control, (doc) => {
      const el = first(assertionOf(doc), 'Issuer');
      el.insertBefore(doc.createComment('x'), el.firstChild!.nextSibling);
    });
    await expectAttackRefused(control, issuer, 'issuer');
    const audience = mutate(control, (doc) => {
      const el = first(doc, 'Audience');
      el.appendChild(doc.createComment('x'));
    });
    await expectAttackRefused(control, audience, 'audience');
  });

  it('a whole NameID reads back exactly as signed', async () => {
    const assertion = await expectAccepted(control);
    expect(assertion.nameId).toBe(SIGNED_NAME);
    expect(assertion.attributes[ROLE_SESSION_NAME_ATTRIBUTE]).toEqual([SIGNED_NAME]);
  });

  // Regression (hole found by this suite, fixed in 45f863c): the IdP signed a value that begins
  // with a non-XML space character (a user-editable profile field). XML whitespace is space/tab/CR/LF
  // only; String.prototype.trim turned the signed "\u00A0admin@victim.example" into the different
  // identity "admin@victim.example" (NameID → RAM user, RoleSessionName). U+2028 is not listed: the
  // test IdP's signer (xml-crypto on xmldom) itself normalizes it to a line feed before signing.
  for (const [label, ch] of [
    ['NO-BREAK SPACE', '\u00A0'],
    ['BOM / ZWNBSP', '\uFEFF'],
  ] as const) {
    it(`a signed NameID/RoleSessionName with a leading ${label} is not trimmed into another identity`, async () => {
      const signed = `${ch}admin@victim.example`;
      const result = await verify(build({ nameId: signed, roleSessionName: signed }));
      if (result.ok) {
        expect(result.assertion.nameId).toBe(signed);
        expect(result.assertion.attributes[ROLE_SESSION_NAME_ATTRIBUTE]).toEqual([signed]);
      } else {
        expect(result.check).toBe('subject');
      }
    });
  }
});

describe('DOCTYPE, XXE and entity expansion (§1.7)', () => {
  const withDoctype = (doctype: string, entityUse = '') =>
    `<?xml version="1.0" encoding="UTF-8"?>${doctype}${body(control).replace(`>${SIGNED_NAME}<`, `>${SIGNED_NAME}${entityUse}<`)}`;

  it('an internal entity', async () => {
    await expectAttackRefused(
      control,
      withDoctype('<!DOCTYPE r [<!ENTITY x "admin">]>', '&x;'),
      'xml-prolog',
    );
  });

  it('an external (file) entity', async () => {
    await expectAttackRefused(
      control,
      withDoctype('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', '&x;'),
      'xml-prolog',
    );
  });

  it('a parameter entity fetching an external DTD (out-of-band XXE)', async () => {
    const oob =
      '<!DOCTYPE r [<!ENTITY % file SYSTEM "file:///etc/passwd"><!ENTITY % dtd SYSTEM "http://127.0.0.1:1/evil.dtd">%dtd;]>';
    await expectAttackRefused(control, withDoctype(oob), 'xml-prolog');
  });

  it('billion laughs', async () => {
    let dtd = '<!ENTITY lol "lol">';
    for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
    await expectAttackRefused(control, withDoctype(`<!DOCTYPE r [${dtd}]>`, '&lol9;'), 'xml-prolog');
  });

  it('a DOCTYPE without entities, and a lower-case one', async () => {
    await expectAttackRefused(control, withDoctype('<!DOCTYPE saml2p:Response>'), 'xml-prolog');
    await expectAttackRefused(
      control,
      withDoctype('<!doctype x SYSTEM "http://127.0.0.1:1/x.dtd">'),
      'xml-prolog',
    );
  });
});

describe('parser differentials (§1.8)', () => {
  it('the CVE-2025-25291 DOCTYPE/comment/CDATA splice', async () => {
    const forged = body(build({ sign: 'none', nameId: 'admin@victim.example' }));
    const attack = `<!DOCTYPE response SYSTEM 'x"><!--'>\n${forged}<![CDATA[-->\n${body(control)}<!--]]>-->\n`;
    await expectAttackRefused(control, attack, 'xml-prolog');
  });

  it('a non-ASCII namespace name (CVE-2025-25292 shape)', async () => {
    const attack = mutate(control, (doc) => {
      assertionOf(doc).setAttribute('xmlns:example', 'http://example.com\u0080');
    });
    await expectAttackRefused(control, attack, 'xml-wellformed');
  });

  it('a relative namespace name', async () => {
    const attack = control.replace('<saml2:Assertion ', '<saml2:Assertion xmlns:rel="relative/ns" ');
    await expectAttackRefused(control, attack, 'xml-wellformed');
  });

  it('a duplicated attribute', async () => {
    const attack = control.replace('<saml2:Assertion ', '<saml2:Assertion ID="_dup" ');
    await expectAttackRefused(control, attack, 'xml-wellformed');
  });

  it('an encoding other than UTF-8 declared', async () => {
    await expectAttackRefused(
      control,
      control.replace('encoding="UTF-8"', 'encoding="UTF-16"'),
      'xml-prolog',
    );
  });

  it('attribute names "__proto__" and "constructor" are plain data', async () => {
    const attributes = Object.fromEntries([
      ['__proto__', ['p']],
      ['constructor', ['c']],
    ]) as Record<string, string[]>;
    const xml = build({ attributes });
    const assertion = await expectAccepted(xml);
    expect(Object.getOwnPropertyDescriptor(assertion.attributes, '__proto__')?.value).toEqual(['p']);
    expect(assertion.attributes['constructor']).toEqual(['c']);
    expect(({} as Record<string, unknown>)['p']).toBeUndefined();
  });
});

describe('multiple roots and trailing content', () => {
  it('a second root element', async () => {
    await expectAttackRefused(
      control,
      `${control}<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"/>`,
      'xml-wellformed',
    );
  });

  it('trailing text after the root', async () => {
    await expectAttackRefused(control, `${control}admin`, 'xml-wellformed');
  });

  it('the whole response twice', async () => {
    await expectAttackRefused(control, `${control}${body(control)}`, 'xml-wellformed');
  });
});

/** The control with `<saml2p:Extensions>` holding `inner` (unsigned, ignored by the SP when it is within limits). */
const withExtensions = (inner: string) =>
  control.replace(
    '<saml2p:Status>',
    `<saml2p:Extensions xmlns:x="urn:x">${inner}</saml2p:Extensions><saml2p:Status>`,
  );

describe('DoS and parser-hardening inputs (§1.15)', () => {
  const nest = (n: number) => '<x:n>'.repeat(n) + '</x:n>'.repeat(n);

  it('nesting deeper than 32 levels is refused; 32 is accepted', async () => {
    await expectAccepted(withExtensions(nest(30))); // Response 1, Extensions 2, 30 more = 32
    await expectAttackRefused(control, withExtensions(nest(31)), 'xml-limits');
  });

  it('100,000 levels of nesting are refused without exhausting the stack', async () => {
    await expectRefused(withExtensions(nest(100_000)), 'xml-limits', { maxInputLength: 4_000_000 });
  });

  it('more than 64 attributes on one element', async () => {
    const attrs = (n: number) => Array.from({ length: n }, (_, i) => ` a${i}="v"`).join('');
    await expectAccepted(withExtensions(`<x:e${attrs(60)}/>`));
    await expectAttackRefused(control, withExtensions(`<x:e${attrs(65)}/>`), 'xml-limits');
  });

  it('more than 10,000 elements', async () => {
    await expectAttackRefused(control, withExtensions('<x:e/>'.repeat(10_001)), 'xml-limits');
  });

  it('a huge attribute count in the AttributeStatement stays bounded by the element cap', async () => {
    const many =
      '<saml2:Attribute Name="urn:a"><saml2:AttributeValue>v</saml2:AttributeValue></saml2:Attribute>';
    const attack = control.replace(
      '</saml2:AttributeStatement>',
      `${many.repeat(5_001)}</saml2:AttributeStatement>`,
    );
    await expectRefused(attack, 'xml-limits', { maxInputLength: 4_000_000 });
  });

  it('an oversized POST value is refused before decoding', async () => {
    const big = toBase64(withExtensions(`<x:e>${'A'.repeat(300_000)}</x:e>`));
    await expectAccepted(toBase64(control), { encoding: 'base64' });
    await expectRefused(big, 'size', { encoding: 'base64' });
  });

  it('a text node over the text cap when the size cap is raised', async () => {
    await expectRefused(withExtensions(`<x:e>${'A'.repeat(300_000)}</x:e>`), 'xml-limits', {
      maxInputLength: 4_000_000,
    });
  });

  it('non-strict base64 (junk characters, inner padding)', async () => {
    const b64 = toBase64(control);
    await expectAccepted(b64, { encoding: 'base64' });
    await expectRefused(`${b64.slice(0, 40)}*${b64.slice(40)}`, 'base64', { encoding: 'base64' });
    await expectRefused(`${b64.slice(0, 40)} ${b64.slice(40)}`, 'base64', { encoding: 'base64' });
    await expectRefused(`AA==${b64}`, 'base64', { encoding: 'base64' });
  });

  it('the signature element itself stays untouched by these mutations', () => {
    // Guard: withExtensions edits only the unsigned Response level.
    const doc = mutate(withExtensions('<x:e/>'), (d) => {
      signatureOf(assertionOf(d));
      setText(first(responseOf(d), 'Issuer'), first(responseOf(d), 'Issuer').textContent!);
    });
    expect(doc).toContain('<x:e/>');
  });
});
