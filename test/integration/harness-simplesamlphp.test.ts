import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCapturingAcs, type CapturingAcs } from '../support/acs-capture.js';
import {
  ALIYUN_ROLE_ATTRIBUTE,
  ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE,
  ALIYUN_SESSION_DURATION_ATTRIBUTE,
  completeSpInitiatedLogin,
  idpInitiatedLogin,
  startSimpleSamlPhp,
  type SimpleSamlPhpIdp,
} from '../support/simplesamlphp.js';
import { redirectQuery } from '../support/redirect-binding.js';
import { xmlsec1Verify } from '../support/xmlsec1.js';

const run = promisify(execFile);
const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const ROLES = [
  'acs:ram::1234567890123456:role/admin,acs:ram::1234567890123456:saml-provider/ssp',
  'acs:ram::1234567890123456:role/reader,acs:ram::1234567890123456:saml-provider/ssp',
];
const GROUP_ATTRIBUTE = 'urn:ramgate:test:groups';
const USER = { username: 'alice', password: 'wonderland' };
const RESPONSE_SIGNATURE = "/*[local-name()='Response']/*[local-name()='Signature']";
const ASSERTION_SIGNATURE = "//*[local-name()='Assertion']/*[local-name()='Signature']";

let workDir: string;
let acs: CapturingAcs;
let idp: SimpleSamlPhpIdp;
let spKey: string;
let spCert: string;
let strangerKey: string;
let strangerCert: string;
const sp = (name: string) => ({
  entityId: `urn:ramgate:test:sp:${name}`,
  acsUrls: `${acs.origin}/acs/${name}`,
});

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ramgate-harness-'));
  acs = await startCapturingAcs();
  [spKey, spCert] = await keyPair('sp');
  [strangerKey, strangerCert] = await keyPair('stranger');
  idp = await startSimpleSamlPhp({
    users: [
      {
        ...USER,
        attributes: {
          [ALIYUN_ROLE_ATTRIBUTE]: ROLES,
          [ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE]: 'alice@example.com',
          [ALIYUN_SESSION_DURATION_ATTRIBUTE]: '1800',
          [GROUP_ATTRIBUTE]: ['engineering', 'on-call', 'admins'],
          mail: 'alice@example.com',
        },
      },
    ],
    sps: [
      { ...sp('response-signed'), signResponse: true, signAssertion: false },
      { ...sp('assertion-signed'), signResponse: false, signAssertion: true },
      {
        ...sp('encrypted'),
        signResponse: false,
        encryptionCertPem: await readFile(spCert, 'utf8'),
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        nameIdAttribute: 'mail',
        attributesNameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
      },
    ],
  });
});

afterAll(async () => {
  await idp?.stop();
  await acs?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('SimpleSAMLphp IdP harness', () => {
  it('serves its metadata with the per-run certificate, on loopback only', async () => {
    expect(idp.entityId).toBe(`http://127.0.0.1:${idp.port}/saml2/idp/metadata.php`);
    const doc = parseXml(idp.metadataXml);
    expect(doc.documentElement?.getAttribute('entityID')).toBe(idp.entityId);
    const certInMetadata = doc
      .getElementsByTagNameNS(DS, 'X509Certificate')[0]
      ?.textContent?.replace(/\s+/g, '');
    expect(certInMetadata).toBe(pemBody(idp.certPem));
    const { stdout } = await run('ss', ['-ltnH', `sport = :${idp.port}`]);
    const locals = stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3]);
    expect(locals.length).toBeGreaterThan(0);
    expect(locals.every((addr) => addr === `127.0.0.1:${idp.port}`)).toBe(true);
  });

  it('signs the Response (only) for a response-signed SP, verifiable by xmlsec1 with the IdP cert', async () => {
    const login = await idpInitiatedLogin(idp, {
      spEntityId: sp('response-signed').entityId,
      ...USER,
      relayState: 'rs-1',
    });
    expect(login.acsUrl).toBe(sp('response-signed').acsUrls);
    expect(login.relayState).toBe('rs-1');
    await expectSignedOnly('Response', decode(login.samlResponse));
  });

  it('signs the Assertion (only) for an assertion-signed SP and sends the Alibaba attributes multi-valued', async () => {
    const login = await idpInitiatedLogin(idp, { spEntityId: sp('assertion-signed').entityId, ...USER });
    const doc = await expectSignedOnly('Assertion', decode(login.samlResponse));
    const attributes = attributeValues(doc);
    expect(attributes.get(ALIYUN_ROLE_ATTRIBUTE)).toEqual(ROLES);
    expect(attributes.get(ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE)).toEqual(['alice@example.com']);
    expect(attributes.get(ALIYUN_SESSION_DURATION_ATTRIBUTE)).toEqual(['1800']);
    expect(attributes.get(GROUP_ATTRIBUTE)).toEqual(['engineering', 'on-call', 'admins']);
  });

  it('encrypts the assertion to the SP certificate with AES128-CBC + RSA-OAEP-MGF1P, decryptable by xmlsec1', async () => {
    const login = await idpInitiatedLogin(idp, { spEntityId: sp('encrypted').entityId, ...USER });
    const xml = decode(login.samlResponse);
    const doc = parseXml(xml);
    expect(doc.getElementsByTagNameNS(SAML, 'Assertion')).toHaveLength(0);
    expect(doc.getElementsByTagNameNS(SAML, 'EncryptedAssertion')).toHaveLength(1);
    const algorithms = [...doc.getElementsByTagNameNS(XENC, 'EncryptionMethod')].map((m) =>
      m.getAttribute('Algorithm'),
    );
    expect(algorithms.sort()).toEqual([`${XENC}aes128-cbc`, `${XENC}rsa-oaep-mgf1p`]);

    const decrypted = await decrypts(xml, spKey);
    expect(decrypted).toBeDefined();
    const plain = parseXml(decrypted ?? '');
    expect(attributeValues(plain).get(ALIYUN_ROLE_ATTRIBUTE)).toEqual(ROLES);
    const nameId = firstElement(plain, SAML, 'NameID');
    expect(nameId.getAttribute('Format')).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(nameId.textContent).toBe('alice@example.com');
    const nameFormats = [...plain.getElementsByTagNameNS(SAML, 'Attribute')].map((a) =>
      a.getAttribute('NameFormat'),
    );
    expect(new Set(nameFormats)).toEqual(new Set(['urn:oasis:names:tc:SAML:2.0:attrname-format:uri']));
    expect(await xmlsec1Verify(decrypted ?? '', idp.certPem, ASSERTION_SIGNATURE)).toBe(true);
    expect(await decrypts(xml, strangerKey)).toBeUndefined();
  });

  it('answers an SP-initiated (deflated, unsigned) AuthnRequest with InResponseTo = its ID', async () => {
    const { id, redirectUrl } = spInitiatedRedirect(sp('assertion-signed'), '/console?tab=roles');
    const login = await completeSpInitiatedLogin(idp, redirectUrl, USER);
    expect(login.relayState).toBe('/console?tab=roles');
    const doc = parseXml(decode(login.samlResponse));
    expect(doc.documentElement?.getAttribute('InResponseTo')).toBe(id);
    expect(firstElement(doc, SAML, 'SubjectConfirmationData').getAttribute('InResponseTo')).toBe(id);
  });

  it('demands AuthnRequests signed with the registered SP signing certificate (validate.authnrequest)', async () => {
    const target = sp('signed-requests');
    await idp.registerSp({ ...target, signingCertPem: await readFile(spCert, 'utf8') });
    const unsigned = spInitiatedRedirect(target, 'x');
    await expect(completeSpInitiatedLogin(idp, unsigned.redirectUrl, USER)).rejects.toThrow(
      /no signature found on message/,
    );
    const stranger = spInitiatedRedirect(target, 'x', createPrivateKey(await readFile(strangerKey)));
    await expect(completeSpInitiatedLogin(idp, stranger.redirectUrl, USER)).rejects.toThrow(
      /Unable to validate signature/,
    );
    const signed = spInitiatedRedirect(target, 'x', createPrivateKey(await readFile(spKey)));
    const login = await completeSpInitiatedLogin(idp, signed.redirectUrl, USER);
    expect(parseXml(decode(login.samlResponse)).documentElement?.getAttribute('InResponseTo')).toBe(
      signed.id,
    );
  });

  it('accepts SPs registered while running, and the auto-submit form really reaches the ACS', async () => {
    const late = sp('registered-late');
    await expect(idpInitiatedLogin(idp, { spEntityId: late.entityId, ...USER })).rejects.toThrow(
      /Metadata not found/,
    );
    await idp.registerSp(late);
    const login = await idpInitiatedLogin(idp, { spEntityId: late.entityId, ...USER, relayState: 'late' });
    expect(login.acsUrl).toBe(late.acsUrls);
    await fetch(login.acsUrl, {
      method: 'POST',
      body: new URLSearchParams({ SAMLResponse: login.samlResponse, RelayState: login.relayState ?? '' }),
    });
    const captured = await acs.nextPost();
    expect(captured).toEqual({
      path: '/acs/registered-late',
      samlResponse: login.samlResponse,
      relayState: 'late',
    });
  });

  it('serves several logins at once (PHP_CLI_SERVER_WORKERS), each with its own response', async () => {
    const spEntityId = sp('assertion-signed').entityId;
    const logins = await Promise.all(
      ['a', 'b', 'c', 'd'].map((relayState) => idpInitiatedLogin(idp, { spEntityId, ...USER, relayState })),
    );
    expect(logins.map((l) => l.relayState)).toEqual(['a', 'b', 'c', 'd']);
    const ids = logins.map((l) => parseXml(decode(l.samlResponse)).documentElement?.getAttribute('ID'));
    expect(new Set(ids).size).toBe(4);
  });

  it('throws with the page text when SimpleSAMLphp refuses the login', async () => {
    const spEntityId = sp('assertion-signed').entityId;
    await expect(
      idpInitiatedLogin(idp, { spEntityId, username: 'alice', password: 'wrong' }),
    ).rejects.toThrow(/login failed: .*Incorrect username or password/);
  });
});

/** Exactly one signature, on `signed`; xmlsec1 accepts it with the IdP cert only, and not once the text changes. */
async function expectSignedOnly(signed: 'Response' | 'Assertion', xml: string) {
  const doc = parseXml(xml);
  const onResponse = childSignatures(doc.documentElement).length;
  const onAssertion = childSignatures(firstElement(doc, SAML, 'Assertion')).length;
  expect({ onResponse, onAssertion }).toEqual(
    signed === 'Response' ? { onResponse: 1, onAssertion: 0 } : { onResponse: 0, onAssertion: 1 },
  );
  const xpath = signed === 'Response' ? RESPONSE_SIGNATURE : ASSERTION_SIGNATURE;
  expect(await xmlsec1Verify(xml, idp.certPem, xpath)).toBe(true);
  expect(await xmlsec1Verify(xml, await readFile(strangerCert, 'utf8'), xpath)).toBe(false);
  const tampered = xml.replace('alice@example.com', 'mallory@example.com');
  expect(tampered).not.toBe(xml);
  expect(await xmlsec1Verify(tampered, idp.certPem, xpath)).toBe(false);
  return doc;
}

/** An HTTP-Redirect binding URL carrying a fresh AuthnRequest from `from`, signed when a key is given. */
function spInitiatedRedirect(
  from: { entityId: string; acsUrls: string },
  relayState: string,
  key?: KeyObject,
) {
  const id = `_${randomBytes(16).toString('hex')}`;
  const message =
    `<samlp:AuthnRequest xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${id}" Version="2.0"` +
    ` IssueInstant="${new Date().toISOString()}" Destination="${idp.ssoUrl}"` +
    ` ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" AssertionConsumerServiceURL="${from.acsUrls}">` +
    `<saml:Issuer>${from.entityId}</saml:Issuer></samlp:AuthnRequest>`;
  return { id, redirectUrl: `${idp.ssoUrl}?${redirectQuery({ message, relayState, key }).query}` };
}

async function keyPair(name: string): Promise<[keyPath: string, certPath: string]> {
  const keyPath = join(workDir, `${name}.key`);
  const certPath = join(workDir, `${name}.crt`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-keyout', keyPath, '-out', certPath,
  ]); // prettier-ignore
  return [keyPath, certPath];
}

/** The decrypted document, or undefined when xmlsec1 cannot decrypt it with this key. */
async function decrypts(xml: string, keyPath: string): Promise<string | undefined> {
  const file = join(workDir, `${randomBytes(8).toString('hex')}.xml`);
  await writeFile(file, xml);
  try {
    const xpath = "//*[local-name()='EncryptedData']";
    const { stdout } = await run('xmlsec1', [
      '--decrypt',
      '--privkey-pem',
      keyPath,
      '--node-xpath',
      xpath,
      file,
    ]);
    return stdout;
  } catch {
    return undefined; // xmlsec1 exits non-zero when it cannot decrypt
  } finally {
    await rm(file, { force: true });
  }
}

function decode(samlResponse: string): string {
  return Buffer.from(samlResponse, 'base64').toString('utf8');
}

function parseXml(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

function firstElement(doc: ReturnType<typeof parseXml>, ns: string, localName: string): Element {
  const element = doc.getElementsByTagNameNS(ns, localName)[0];
  if (!element) throw new Error(`no ${localName} element`);
  return element;
}

function childSignatures(element: Element | null): Element[] {
  return [...(element?.childNodes ?? [])].filter(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).namespaceURI === DS && (n as Element).localName === 'Signature',
  );
}

function attributeValues(doc: ReturnType<typeof parseXml>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const attribute of doc.getElementsByTagNameNS(SAML, 'Attribute')) {
    const values = [...attribute.getElementsByTagNameNS(SAML, 'AttributeValue')].map(
      (v) => v.textContent ?? '',
    );
    result.set(attribute.getAttribute('Name') ?? '', values);
  }
  return result;
}
