/**
 * saml-attacks.md §1.14 HTTP-Redirect binding: the signature covers the raw query octets; tampering,
 * SigAlg downgrade, duplicated parameters, missing signatures, deflate bombs and oversized queries are
 * refused with a RedirectBindingError naming the reason (never a crash, never a silent accept).
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  parseRedirectMessage,
  RedirectBindingError,
  type ParseRedirectOptions,
} from '../../src/saml/redirect-binding.js';
import { redirectQuery } from '../support/redirect-binding.js';
import { ALG } from '../support/xml-sign.js';
import { build, keys } from './harness.js';

const message =
  '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_lr1" Version="2.0" IssueInstant="2026-06-01T12:00:00Z"/>';
const trusted: ParseRedirectOptions = { keys: [keys.idp.publicKey] };
const signed = redirectQuery({ message, relayState: '/console', key: keys.idp.privateKey });

function expectRefused(query: string, reason: RegExp, opts: ParseRedirectOptions = trusted): void {
  expect(parseRedirectMessage(signed.query, opts).xml).toBe(message); // the control passes
  let error: unknown;
  try {
    parseRedirectMessage(query, opts);
  } catch (err) {
    error = err;
  }
  expect(error, 'refused').toBeInstanceOf(RedirectBindingError);
  expect((error as Error).message).toMatch(reason);
}

const param = (query: string, name: string) => new URLSearchParams(query).get(name)!;
const replaceParam = (query: string, name: string, raw: string) =>
  query.replace(new RegExp(`(^|&)${name}=[^&]*`), `$1${name}=${raw}`);

describe('HTTP-Redirect binding signatures (§1.14)', () => {
  it('the control: signed query verifies and yields the message and RelayState', () => {
    const parsed = parseRedirectMessage(signed.query, trusted);
    expect(parsed).toMatchObject({ kind: 'SAMLRequest', xml: message, relayState: '/console', signed: true });
  });

  it('a tampered message', () => {
    const other = redirectQuery({ message: message.replace('_lr1', '_lr2') }).query;
    expectRefused(
      replaceParam(signed.query, 'SAMLRequest', other.slice('SAMLRequest='.length)),
      /does not verify/,
    );
  });

  it('a tampered RelayState', () => {
    expectRefused(
      replaceParam(signed.query, 'RelayState', encodeURIComponent('https://evil.example/')),
      /does not verify/,
    );
  });

  it('the same parameters re-encoded differently (signature is over the raw octets)', () => {
    const reencoded = replaceParam(signed.query, 'RelayState', '%2F%63onsole');
    expectRefused(reencoded, /does not verify/);
  });

  it('SigAlg downgraded to rsa-sha1 (validly signed) unless SHA-1 is allowed', () => {
    const sha1 = redirectQuery({ message, key: keys.idp.privateKey, sigAlg: ALG.rsaSha1 }).query;
    expect(parseRedirectMessage(sha1, { ...trusted, allowSha1: true }).signed).toBe(true);
    expectRefused(sha1, /SigAlg .* not allowed/);
  });

  it('SigAlg swapped for another algorithm than the one signed with, or unknown, or HMAC', () => {
    expectRefused(replaceParam(signed.query, 'SigAlg', encodeURIComponent(ALG.rsaSha512)), /does not verify/);
    expectRefused(replaceParam(signed.query, 'SigAlg', encodeURIComponent('urn:evil')), /not allowed/);
    const hmac = redirectQuery({ message, key: keys.idp.certPem, sigAlg: ALG.hmacSha256 }).query;
    expectRefused(hmac, /not allowed/);
  });

  it('a missing Signature or SigAlg when a signature is required', () => {
    expectRefused(signed.query.replace(/&Signature=[^&]*/, ''), /not signed/);
    expectRefused(signed.query.replace(/&SigAlg=[^&]*/, ''), /not signed/);
    expectRefused(redirectQuery({ message, relayState: '/console' }).query, /not signed/);
  });

  it('an XML ds:Signature inside the message does not count as the binding signature', () => {
    const xmlSigned = build({ sign: 'response' });
    expectRefused(redirectQuery({ message: xmlSigned, param: 'SAMLResponse' }).query, /not signed/);
  });

  for (const name of ['SAMLRequest', 'RelayState', 'SigAlg', 'Signature']) {
    it(`a duplicated ${name} parameter`, () => {
      expectRefused(
        `${signed.query}&${name}=${param(signed.query, name) ? encodeURIComponent(param(signed.query, name)) : 'x'}`,
        /more than once/,
      );
    });
  }

  it('SAMLRequest and SAMLResponse together', () => {
    expectRefused(
      `${signed.query}&SAMLResponse=${encodeURIComponent(param(signed.query, 'SAMLRequest'))}`,
      /exactly one/,
    );
  });

  it('a garbage signature against an EC key fails cleanly', () => {
    const ec: ParseRedirectOptions = { keys: [keys.idpEc.publicKey] };
    const ecSigned = redirectQuery({ message, key: keys.idpEc.privateKey, sigAlg: ALG.ecdsaSha256 });
    const garbage = replaceParam(
      ecSigned.query,
      'Signature',
      encodeURIComponent(Buffer.alloc(7, 1).toString('base64')),
    );
    let error: unknown;
    try {
      parseRedirectMessage(garbage, ec);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RedirectBindingError);
  });

  it('a deflate bomb is refused at the inflation cap', () => {
    const bomb = deflateRawSync(Buffer.alloc(20 * 1024 * 1024, 0x20)).toString('base64');
    const query = `SAMLRequest=${encodeURIComponent(bomb)}`;
    expect(query.length).toBeLessThan(64 * 1024);
    expectRefused(query, /exceeds/, {});
  });

  it('an oversized query and an oversized RelayState', () => {
    expectRefused(`${signed.query}&x=${'a'.repeat(70 * 1024)}`, /exceeds/);
    const longRelay = redirectQuery({
      message,
      relayState: `/${'a'.repeat(100)}`,
      key: keys.idp.privateKey,
    }).query;
    expectRefused(longRelay, /RelayState exceeds/);
  });

  it('a message that is not strict base64 or not DEFLATE data', () => {
    expectRefused('SAMLRequest=%2A%2A%2A%2A', /base64/, {});
    expectRefused(
      `SAMLRequest=${encodeURIComponent(Buffer.from('not deflate').toString('base64'))}`,
      /inflate/,
      {},
    );
  });
});
