import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  decodeAsciiEscapes,
  mergeParameters,
  parseFormBody,
  parseParameterString,
} from '../../../src/http/rpc/params.js';
import { createActionRegistry } from '../../../src/http/rpc/registry.js';
import { percentEncode } from '../../../src/http/rpc/signatures.js';
import { codeOf } from './error-code.js';

const parse = (text: string) =>
  Object.fromEntries(parseParameterString(text, 'query string', DEFAULT_LIMITS));

describe('parameter strings', () => {
  it('decodes percent-encoding and + as space, keeps empty values, skips empty pairs', () => {
    expect(parse('A=1%2B1&B=a+b&C=&D&&E=%E2%9C%93')).toEqual({
      A: '1+1',
      B: 'a b',
      C: '',
      D: '',
      E: '\u2713',
    });
  });

  it.each([
    ['A=1&A=2', 'InvalidParameter'],
    ['=1', 'InvalidParameter'],
    ['A=%E0%A4', 'InvalidParameter'],
    ['A=%G1', 'InvalidParameter'],
    ['A=\u00e9', 'InvalidParameter'],
    ['A=a b', 'InvalidParameter'],
    [`${'N'.repeat(129)}=1`, 'InvalidParameter'],
    [Array.from({ length: 201 }, (_, i) => `P${i}=1`).join('&'), 'RequestTooLarge'],
  ])('refuses %s', (text, code) => {
    expect(codeOf(() => parse(text))).toBe(code);
  });

  it('reads back whatever URLSearchParams or RFC 3986 encoding wrote (property)', () => {
    const map = fc.dictionary(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      {
        maxKeys: 10,
        noNullPrototype: true,
      },
    );
    fc.assert(
      fc.property(map, (m) => {
        expect(parse(new URLSearchParams(m).toString())).toEqual(m);
        const rfc3986 = Object.entries(m).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`);
        expect(parse(rfc3986.join('&'))).toEqual(m);
      }),
    );
  });

  it('decodes ASCII escapes in slices exactly as decodeURIComponent does, and leaves the rest to it (property)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }).map((t) => encodeURIComponent(t)),
      fc.integer({ min: 0, max: 255 }).map((n) => `%${n.toString(16).padStart(2, '0')}`),
      fc.constantFrom('%', '%4', '%G1', '%%41', 'A', '+', '=', '%2b', '%2F', '%3D'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const fast = decodeAsciiEscapes(text);
        let reference: string | undefined;
        try {
          reference = decodeURIComponent(text);
        } catch {
          reference = undefined;
        }
        if (fast !== undefined) expect(fast).toBe(reference);
        // Undefined only where the general decoder is needed: a malformed or non-ASCII escape.
        else expect(/%(?![0-7][0-9A-Fa-f])/.test(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    const base64 = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)).toString('base64');
    expect(decodeAsciiEscapes(encodeURIComponent(base64))).toBe(base64);
  });

  it('merges query and form, refusing a name in both', () => {
    const query = parseParameterString('A=1', 'query string', DEFAULT_LIMITS);
    expect(
      Object.fromEntries(
        mergeParameters(query, parseParameterString('B=2', 'form body', DEFAULT_LIMITS), DEFAULT_LIMITS),
      ),
    ).toEqual({
      A: '1',
      B: '2',
    });
    expect(
      codeOf(() =>
        mergeParameters(query, parseParameterString('A=1', 'form body', DEFAULT_LIMITS), DEFAULT_LIMITS),
      ),
    ).toBe('InvalidParameter');
  });

  it('reads form bodies only as UTF-8 x-www-form-urlencoded', () => {
    const body = Buffer.from('A=1');
    expect(
      Object.fromEntries(
        parseFormBody(body, 'application/x-www-form-urlencoded; charset=UTF-8', DEFAULT_LIMITS),
      ),
    ).toEqual({ A: '1' });
    expect(parseFormBody(Buffer.alloc(0), undefined, DEFAULT_LIMITS).size).toBe(0);
    expect(codeOf(() => parseFormBody(body, 'text/plain', DEFAULT_LIMITS))).toBe('InvalidParameter');
    expect(codeOf(() => parseFormBody(body, undefined, DEFAULT_LIMITS))).toBe('InvalidParameter');
  });
});

describe('action registry', () => {
  const handler = async () => ({});
  const registry = createActionRegistry([
    { product: 'Ram', version: '2015-05-01', action: 'GetUser', anonymous: false, handler },
    { product: 'Ims', version: '2019-08-15', action: 'GetUser', anonymous: false, handler },
  ]);

  it('finds an action by version and name', () => {
    expect(registry.find('GetUser', '2019-08-15').product).toBe('Ims');
    expect(registry.find('GetUser', '2015-05-01').product).toBe('Ram');
  });

  it('tells an unknown action from a known action in another version', () => {
    expect(codeOf(() => registry.find('getuser', '2019-08-15'))).toBe('InvalidAction.NotFound');
    expect(codeOf(() => registry.find('GetUser', '2015-04-01'))).toBe('InvalidVersion.NotFound');
  });

  it('refuses to register the same action twice', () => {
    const twice = { product: 'X', version: '1', action: 'A', anonymous: true, handler };
    expect(() => createActionRegistry([twice, twice])).toThrow(/registered twice/);
  });
});
