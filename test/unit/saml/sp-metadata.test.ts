import { beforeAll, describe, expect, it } from 'vitest';
import { childElements, NS, parseStrictDom } from '../../../src/saml/dom.js';
import { roleSsoSp, roleSsoSpMetadata, userSsoSp, userSsoSpMetadata } from '../../../src/saml/sp-metadata.js';
import { testKeys, type TestKeyPair } from '../../support/keys.js';

let signing: TestKeyPair;
let enc: TestKeyPair;
beforeAll(() => {
  signing = testKeys().spSigning;
  enc = testKeys().spEncryption;
});

describe('SP metadata', () => {
  it('describes the role-based SP with Alibaba-style entityID and the gateway ACS', () => {
    expect(roleSsoSp('https://gw.example/')).toEqual({
      entityId: 'urn:alibaba:cloudcomputing',
      acsUrl: 'https://gw.example/saml-role/sso',
    });
    const doc = parseStrictDom(roleSsoSpMetadata('https://gw.example', {}, 'urn:example:sp'));
    const root = doc.documentElement!;
    expect(root.getAttribute('entityID')).toBe('urn:example:sp');
    const sp = childElements(root, NS.md, 'SPSSODescriptor')[0]!;
    expect(sp.getAttribute('AuthnRequestsSigned')).toBe('false');
    expect(childElements(sp, NS.md, 'KeyDescriptor')).toHaveLength(0);
    const acs = childElements(sp, NS.md, 'AssertionConsumerService')[0]!;
    expect(acs.getAttribute('Location')).toBe('https://gw.example/saml-role/sso');
  });

  it('describes the per-account user-based SP with signing and encryption certificates', () => {
    expect(userSsoSp('https://gw.example', '1234567890')).toEqual({
      entityId: 'https://gw.example/1234567890/saml/SSO',
      acsUrl: 'https://gw.example/1234567890/saml/SSO',
    });
    const xml = userSsoSpMetadata('https://gw.example', '1234567890', {
      signingCertificate: signing.certPem,
      encryptionCertificates: [enc.certPem],
    });
    const sp = childElements(parseStrictDom(xml).documentElement!, NS.md, 'SPSSODescriptor')[0]!;
    expect(sp.getAttribute('AuthnRequestsSigned')).toBe('true');
    const keys = childElements(sp, NS.md, 'KeyDescriptor').map((k) => [k.getAttribute('use'), k.textContent]);
    expect(keys).toEqual([
      ['signing', signing.certBase64],
      ['encryption', enc.certBase64],
    ]);
    expect(() => userSsoSp('https://gw.example', '../x')).toThrow(/not numeric/);
  });
});
