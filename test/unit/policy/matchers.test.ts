import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../../src/core/policy/ip.js';
import { parseStrictJson } from '../../../src/core/policy/json.js';
import { toEpochMillis } from '../../../src/core/policy/values.js';
import { compileWildcard, wildcardMatch } from '../../../src/core/policy/wildcard.js';

describe('wildcard matcher', () => {
  it.each([
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['a*', 'a', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['*c', 'abcd', false],
    ['a*c', 'ac', true],
    ['a*c', 'abxc', true],
    ['a*c', 'abxcd', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'a\u{1F600}c', true],
    ['*a*b*', 'xxaxxbxx', true],
    ['*a*b*', 'xxbxxaxx', false],
    ['a**b', 'ab', true],
    ['*?', '', false],
    ['?*', 'x', true],
    ['a.c', 'abc', false],
    ['a[b]c', 'a[b]c', true],
    ['(x)+', '(x)+', true],
  ])('%j matches %j: %s', (pattern, input, expected) => {
    expect(compileWildcard(pattern)(input)).toBe(expected);
    expect(wildcardMatch(pattern, input)).toBe(expected);
  });

  it('agrees with an anchored regex on generated cases', () => {
    const alphabet = ['a', 'b', '*', '?'];
    const pick = (n: number, from: string[]) =>
      Array.from({ length: n }, () => from[Math.floor(Math.random() * from.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const pattern = pick(Math.floor(Math.random() * 6), alphabet);
      const input = pick(Math.floor(Math.random() * 8), ['a', 'b']);
      const regex = new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
      expect([pattern, input, compileWildcard(pattern)(input)]).toEqual([pattern, input, regex.test(input)]);
    }
  });

  it('stays linear-ish on a pattern built to make backtracking regexes explode', () => {
    const pattern = `${'a*'.repeat(200)}b`;
    const input = 'a'.repeat(3000);
    // 200 stars × 3000 characters: the greedy matcher finishes; a naive regex would not.
    expect(wildcardMatch(pattern, input)).toBe(false);
  });
});

describe('IP addresses and CIDR blocks', () => {
  it.each([
    ['1.2.3.4', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['1.2.3', false],
    ['01.2.3.4', false],
    ['0.0.0.0', true],
    ['1.2.3.4.', false],
    ['1..2.3', false],
    ['1.2.3.4.5', false],
    [' 1.2.3.4', false],
    ['::', true],
    ['::1', true],
    ['2001:db8::8a2e:370:7334', true],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', true],
    ['::ffff:192.0.2.1', true],
    ['64:ff9b::192.0.2.33', true],
    ['1::2::3', false],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4:5:6:7', false],
    ['12345::', false],
    ['fe80::1%eth0', false],
    ['g::1', false],
  ])('%j parses: %s', (text, ok) => {
    expect(parseIp(text) !== undefined).toBe(ok);
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(parseIp('::ffff:10.0.0.1')).toEqual(parseIp('10.0.0.1'));
    expect(parseIp('::ffff:a00:1')).toEqual(parseIp('10.0.0.1'));
  });

  it.each([
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '9.255.255.255', false],
    ['0.0.0.0/0', '200.1.1.1', true],
    ['192.168.1.0/31', '192.168.1.1', true],
    ['192.168.1.0/31', '192.168.1.2', false],
    ['2001:db8:1234::/48', '2001:db8:1234:ffff::1', true],
    ['2001:db8:1234::/48', '2001:db8:1235::1', false],
    ['2001:db8::/33', '2001:db8:7fff::1', true],
    ['2001:db8::/33', '2001:db8:8000::1', false],
    ['::/0', '::1', true],
    ['::1/128', '::1', true],
    ['::1/128', '::2', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    const block = parseCidr(cidr);
    const addr = parseIp(ip);
    expect(block && addr && cidrContains(block, addr)).toBe(expected);
  });

  it.each(['10.0.0.0/', '10.0.0.0/33', '10.0.0.0/08', '::/129', '::ffff:10.0.0.0/95', '10.0.0.0/8/8'])(
    'rejects the block %j',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});

describe('strict JSON', () => {
  it('reads what JSON.parse reads', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n\\"\\/"],"b":{},"c":[]}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });
  it('keeps "__proto__" as data', () => {
    const value = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it.each([
    '{"a":1,}',
    '[1,]',
    '{a:1}',
    "{'a':1}",
    '01',
    '1.',
    '.5',
    '+1',
    'NaN',
    '1e999',
    '{"a":1}{"b":2}',
    'tru',
    '"\\u12"',
  ])('rejects %j', (text) => {
    expect(() => parseStrictJson(text)).toThrow();
  });
});

describe('ISO 8601 dates', () => {
  it.each([
    ['2012-11-11T23:59:59Z', Date.UTC(2012, 10, 11, 23, 59, 59)],
    ['2012-11-11T23:59:59.250Z', Date.UTC(2012, 10, 11, 23, 59, 59, 250)],
    ['2012-11-12T07:59:59+08:00', Date.UTC(2012, 10, 11, 23, 59, 59)],
    ['2012-11-11T23:59-01:30', Date.UTC(2012, 10, 12, 1, 29)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('%s', (text, expected) => {
    expect(toEpochMillis(text)).toBe(expected);
  });
  it.each([
    '2023-02-29',
    '2012-13-01',
    '2012-11-11T24:00:00Z',
    '2012-11-11T23:59:59',
    '2012-11-11 23:59:59Z',
    '1352678399',
  ])('rejects %s', (text) => {
    expect(toEpochMillis(text)).toBeNaN();
  });
});
