import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../../src/core/policy/ip.js';

/** Our parsed address written out in full, for Node's own parser to compare byte by byte. */
function written(text: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  const w = ip.words;
  const hextets = [w[0] >>> 16, w[0] & 0xffff, w[1] >>> 16, w[1] & 0xffff, w[2] >>> 16, w[2] & 0xffff];
  if (ip.v4) {
    const v = w[3];
    const dotted = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
    return isIP(text) === 4
      ? { address: dotted, family: 'ipv4' }
      : { address: `::ffff:${dotted}`, family: 'ipv6' };
  }
  return {
    address: [...hextets, w[3] >>> 16, w[3] & 0xffff].map((h) => h.toString(16)).join(':'),
    family: 'ipv6',
  };
}

const TOKENS = ['0', '1', 'a', 'F', 'g', 'ffff', '12345', ':', '::', '.', '255', '256', '01', '192'];
/** 1–9 groups, perhaps one "::" somewhere and a dotted tail: around the edges of the group count. */
const groupsArb = fc
  .tuple(
    fc.array(fc.constantFrom('0', '1', 'ab', 'ffff', '0000', '12345'), { minLength: 1, maxLength: 9 }),
    fc.nat(9),
    fc.boolean(),
    fc.option(fc.ipV4(), { nil: undefined }),
  )
  .map(([groups, at, gap, v4]) => {
    const parts: string[] = [...groups, ...(v4 ? [v4] : [])];
    if (gap) parts.splice(Math.min(at, parts.length), 0, '');
    const text = parts.join(':');
    return text.startsWith(':') ? `:${text}` : text.endsWith(':') ? `${text}:` : text;
  });
const textArb = fc.oneof(
  groupsArb,
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4().map((v4) => `::ffff:${v4}`),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }).map((t) => t.join('')),
);

describe('parseIp agrees with Node (libuv inet_pton)', () => {
  it('on which texts are addresses, and on the address they denote', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const ours = written(text);
        expect([text, ours !== undefined]).toEqual([text, isIP(text) !== 0]);
        if (!ours) return;
        const list = new BlockList();
        list.addAddress(text, isIP(text) === 4 ? 'ipv4' : 'ipv6');
        expect([text, list.check(ours.address, ours.family)]).toEqual([text, true]);
      }),
      { numRuns: 3000 },
    );
  });
});
