import { createPublicKey } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryEphemeral } from '../../../src/core/store/memory-ephemeral.js';
import {
  buildRedirectAuthnRequest,
  consumeAuthnRequest,
  findAuthnRequest,
  startAuthnRequest,
} from '../../../src/saml/authn-request.js';
import { parseRedirectMessage } from '../../../src/saml/redirect-binding.js';
import { testKeys, type TestKeyPair } from '../../support/keys.js';

let sp: TestKeyPair;
let other: TestKeyPair;
beforeAll(() => {
  sp = testKeys().spSigning;
  other = testKeys().attacker;
});

const base = {
  idpSsoUrl: 'https://idp.example/sso?tenant=1',
  spEntityId: 'urn:alibaba:cloudcomputing',
  acsUrl: 'https://gw.example/saml-role/sso',
};
const queryOf = (url: string) => url.slice(url.indexOf('?') + 1);
const pub = (k: TestKeyPair) => createPublicKey(k.certPem);

describe('AuthnRequest over HTTP-Redirect', () => {
  it('builds a deflated request with a random ID that starts with a name character', () => {
    const a = buildRedirectAuthnRequest({
      ...base,
      relayState: 'abc',
      now: () => Date.parse('2026-01-02T03:04:05Z'),
    });
    const b = buildRedirectAuthnRequest(base);
    expect(a.id).toMatch(/^_[0-9a-f]{40}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.url.startsWith('https://idp.example/sso?tenant=1&SAMLRequest=')).toBe(true);
    const parsed = parseRedirectMessage(queryOf(a.url));
    expect(parsed.kind).toBe('SAMLRequest');
    expect(parsed.relayState).toBe('abc');
    expect(parsed.signed).toBe(false);
    expect(parsed.xml).toBe(a.xml);
    expect(a.xml).toContain(`ID="${a.id}"`);
    expect(a.xml).toContain('IssueInstant="2026-01-02T03:04:05Z"');
    expect(a.xml).toContain('AssertionConsumerServiceURL="https://gw.example/saml-role/sso"');
    expect(a.xml).toContain('<saml:Issuer>urn:alibaba:cloudcomputing</saml:Issuer>');
  });

  it('signs over the exact query octets with rsa-sha256 or rsa-sha1 per AuthnSignAlgo', () => {
    for (const signAlgo of ['rsa-sha256', 'rsa-sha1'] as const) {
      const built = buildRedirectAuthnRequest({
        ...base,
        relayState: 'r/1 &x',
        signingKey: sp.privateKey,
        signAlgo,
      });
      const q = queryOf(built.url);
      expect(q).toMatch(/^tenant=1&SAMLRequest=[^&]+&RelayState=r%2F1%20%26x&SigAlg=[^&]+&Signature=[^&]+$/);
      const parsed = parseRedirectMessage(q, { keys: [pub(sp)], allowSha1: signAlgo === 'rsa-sha1' });
      expect(parsed.signed).toBe(true);
      expect(parsed.relayState).toBe('r/1 &x');
      expect(() => parseRedirectMessage(q, { keys: [pub(other)], allowSha1: true })).toThrow(
        /does not verify/,
      );
    }
  });

  it('refuses SHA-1 unless allowed, unknown SigAlg, tampering, duplicates, missing signatures and bombs', () => {
    const sha1 = queryOf(
      buildRedirectAuthnRequest({ ...base, signingKey: sp.privateKey, signAlgo: 'rsa-sha1' }).url,
    );
    expect(() => parseRedirectMessage(sha1, { keys: [pub(sp)] })).toThrow(/SigAlg .* not allowed/);
    const q = queryOf(buildRedirectAuthnRequest({ ...base, relayState: 'a', signingKey: sp.privateKey }).url);
    expect(() =>
      parseRedirectMessage(q.replace('RelayState=a', 'RelayState=b'), { keys: [pub(sp)] }),
    ).toThrow(/does not verify/);
    expect(() =>
      parseRedirectMessage(
        q.replace(
          /SigAlg=[^&]+/,
          'SigAlg=' + encodeURIComponent('http://www.w3.org/2000/09/xmldsig#hmac-sha1'),
        ),
        { keys: [pub(sp)] },
      ),
    ).toThrow(/not allowed/);
    expect(() => parseRedirectMessage(`${q}&RelayState=b`, { keys: [pub(sp)] })).toThrow(/more than once/);
    const unsigned = queryOf(buildRedirectAuthnRequest(base).url);
    expect(() => parseRedirectMessage(unsigned, { keys: [pub(sp)] })).toThrow(/not signed/);
    const bomb = encodeURIComponent(deflateRawSync(Buffer.alloc(2_000_000, 0x41)).toString('base64'));
    expect(() => parseRedirectMessage(`SAMLRequest=${bomb}`)).toThrow(/exceeds/);
    expect(() => parseRedirectMessage('SAMLRequest=!!!!')).toThrow(/base64/);
    expect(() => parseRedirectMessage('SAMLRequest=AAAA&SAMLResponse=AAAA')).toThrow(/exactly one/);
  });

  it('verifies an ECDSA-signed redirect message (r||s signature) with an EC key only', async () => {
    const { createPrivateKey, sign } = await import('node:crypto');
    const ec = testKeys().idpEc;
    const xml = '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>';
    let q = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`;
    q += `&SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256')}`;
    const sig = sign('sha256', Buffer.from(q), {
      key: createPrivateKey(ec.keyPem),
      dsaEncoding: 'ieee-p1363',
    });
    q += `&Signature=${encodeURIComponent(sig.toString('base64'))}`;
    expect(parseRedirectMessage(q, { keys: [pub(sp), ec.publicKey] })).toMatchObject({ xml, signed: true });
    expect(() => parseRedirectMessage(q, { keys: [pub(sp)] })).toThrow(/does not verify/);
  });

  it('remembers the request ID with its target and consumes it once', async () => {
    const store = new MemoryEphemeral();
    const built = await startAuthnRequest(store, {
      ...base,
      returnTo: '/console',
      context: { provider: 'p1' },
      client: '192.0.2.1',
    });
    expect(await findAuthnRequest(store, built.id)).toMatchObject({ id: built.id, returnTo: '/console' });
    const first = await consumeAuthnRequest(store, built.id);
    expect(first).toMatchObject({ id: built.id, returnTo: '/console', context: { provider: 'p1' } });
    expect(await consumeAuthnRequest(store, built.id)).toBeUndefined();
    expect(await consumeAuthnRequest(store, '_unknown')).toBeUndefined();
  });

  it('caps RelayState at 80 bytes', () => {
    expect(() => buildRedirectAuthnRequest({ ...base, relayState: 'x'.repeat(81) })).toThrow(/80 bytes/);
  });
});
