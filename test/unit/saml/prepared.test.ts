/**
 * prepareResponse + verifyResponse(prepared) against verifyResponse(base64): the same outcome, failed
 * check, message, error code, check records and claims on accepted, malformed and hostile inputs, and
 * when the prepared work cannot be used (over prepare's cap, XML encoding).
 */
import { describe, expect, it } from 'vitest';
import type { VerifyOptions, VerifyResult } from '../../../src/saml/types.js';
import { prepareResponse, verifyResponse } from '../../../src/saml/verify.js';
import { testKeys } from '../../support/keys.js';
import { idp, NOW, options } from './verify-options.js';

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const withSpKey = (extra: Partial<VerifyOptions> = {}) =>
  options({ spDecryptionKeys: [testKeys().spEncryption.privateKey], ...extra });

/** Everything a caller can observe of a result, as plain data. */
const observed = (r: VerifyResult) =>
  JSON.parse(JSON.stringify(r.ok ? r : { ...r, code: r.error.code, error: r.error.message })) as unknown;

const valid = idp.response({ now: NOW, inResponseTo: null }).base64;
const deep = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" Version="2.0">${'<a>'.repeat(40)}${'</a>'.repeat(40)}</samlp:Response>`;
const INPUTS: [string, string][] = [
  ['an accepted response', valid],
  ['an accepted encrypted response', idp.response({ now: NOW, inResponseTo: null, encrypt: true }).base64],
  ['a response signed twice', idp.response({ now: NOW, inResponseTo: null, sign: 'both' }).base64],
  ['a tampered response', b64(Buffer.from(valid, 'base64').toString().replace('Success', 'Succes'))],
  ['an expired response', idp.response({ now: NOW - 3_600_000, inResponseTo: null }).base64],
  ['bad base64', `${valid.slice(0, -4)}!!!!`],
  ['base64 of invalid UTF-8', Buffer.from([0x3c, 0xff, 0x3e, 0x00]).toString('base64')],
  ['a DOCTYPE', b64('<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>')],
  ['a processing instruction', b64('<?pi x?><r/>')],
  ['malformed XML', b64('<samlp:Response xmlns:samlp="urn:x"><a></b></samlp:Response>')],
  ['an undeclared prefix', b64('<p:r/>')],
  ['nesting over the depth cap', b64(deep)],
  ['another root element', b64('<r/>')],
  ['empty input', ''],
];

describe('verifyResponse(prepareResponse(input)) = verifyResponse(input)', () => {
  it.each(INPUTS)('%s', async (_what, input) => {
    const direct = await verifyResponse(input, withSpKey());
    const prepared = prepareResponse(input);
    expect(observed(await verifyResponse(prepared, withSpKey()))).toEqual(observed(direct));
    // The same prepared response verifies the same way twice (nothing in it is used up or changed).
    expect(observed(await verifyResponse(prepared, withSpKey()))).toEqual(observed(direct));
  });

  it('hands out the unverified document only when the input decoded and parsed', () => {
    expect(prepareResponse(valid).document?.documentElement.localName).toBe('Response');
    for (const input of ['', `${valid.slice(0, -4)}!!!!`, b64('<a><b></a>'), b64(deep)]) {
      expect(prepareResponse(input).document).toBeNull();
    }
    expect(prepareResponse(valid, valid.length - 1).document).toBeNull();
  });

  it('when prepare stopped at its own smaller cap, verification does the work itself', async () => {
    const r = await verifyResponse(prepareResponse(valid, 100), withSpKey());
    expect(observed(r)).toEqual(observed(await verifyResponse(valid, withSpKey())));
    expect(r.ok).toBe(true);
  });

  it('with encoding xml the prepared decoding is not used: the input is the XML', async () => {
    const xml = Buffer.from(valid, 'base64').toString('utf8');
    const asXml = withSpKey({ encoding: 'xml' });
    expect(observed(await verifyResponse(prepareResponse(xml), asXml))).toEqual(
      observed(await verifyResponse(xml, asXml)),
    );
    const r = await verifyResponse(prepareResponse(valid), asXml);
    expect(observed(r)).toEqual(observed(await verifyResponse(valid, asXml)));
    expect(r.ok ? 'accepted' : r.check).toBe('xml-wellformed'); // base64 text is no XML document
  });
});
