/** The genuine IdP fixtures (read in place from ../shared) as seen by the XML layer tests. */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NS, walkElements, type XmlDocument, type XmlElement } from '../../src/saml/xml/index.js';

export const FIXTURES_DIR = '/work/shared/fixtures/idp-responses';

export interface IdpFixture {
  readonly name: string;
  readonly xml: string;
  readonly certPem: string;
  readonly key: KeyObject;
  /** The SP decryption key, for fixtures with an EncryptedAssertion and the key. */
  readonly spKey: KeyObject | null;
  /** Other XML files of the fixture (metadata, decrypted assertion, SOAP), by file name. */
  readonly extraXml: ReadonlyMap<string, string>;
}

export function loadFixtures(): IdpFixture[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(FIXTURES_DIR, d.name);
      const certPem = readFileSync(join(dir, 'idp-cert.pem'), 'utf8');
      const spKeyFile = join(dir, 'sp-encryption-key.pem');
      const extraXml = new Map<string, string>();
      for (const f of readdirSync(dir)) {
        if (f.endsWith('.xml') && f !== 'response.xml') extraXml.set(f, readFileSync(join(dir, f), 'utf8'));
      }
      return {
        name: d.name,
        xml: readFileSync(join(dir, 'response.xml'), 'utf8'),
        certPem,
        key: createPublicKey(certPem),
        spKey: existsSync(spKeyFile) ? createPrivateKey(readFileSync(spKeyFile)) : null,
        extraXml,
      };
    });
}

export function findElements(root: XmlElement, ns: string, localName: string): XmlElement[] {
  const found: XmlElement[] = [];
  walkElements(root, (el) => {
    if (el.namespaceURI === ns && el.localName === localName) found.push(el);
  });
  return found;
}

export const signaturesOf = (doc: XmlDocument): XmlElement[] =>
  findElements(doc.documentElement, NS.dsig, 'Signature');

/** A positional XPath (`/*[1]/*[3]`) for xmlsec1's --node-xpath and for finding the same element again. */
export function positionalPath(el: XmlElement): string {
  const steps: string[] = [];
  for (let e: XmlElement = el; e.parent !== null; e = e.parent) {
    const siblings = e.parent.children.filter((c) => c.kind === 'element');
    steps.unshift(`/*[${siblings.indexOf(e) + 1}]`);
  }
  return '/*' + steps.join('');
}

export function elementAt(doc: XmlDocument, path: string): XmlElement {
  let el = doc.documentElement;
  for (const m of path.slice(2).matchAll(/\/\*\[(\d+)\]/g)) {
    const next = el.children.filter((c) => c.kind === 'element')[Number(m[1]) - 1];
    if (!next) throw new Error(`no element at ${path}`);
    el = next;
  }
  return el;
}
