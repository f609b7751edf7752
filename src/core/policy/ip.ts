/**
 * IPv4 and IPv6 addresses and CIDR blocks for IpAddress / NotIpAddress. Addresses are kept as
 * four 32-bit words (IPv4 in the last word, flagged v4) so a CIDR test is a few integer masks.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are treated as the IPv4 address they carry, so a
 * client cannot step around an IPv4 rule by writing its address in IPv6 form.
 */
export interface IpAddr {
  readonly v4: boolean;
  readonly words: readonly [number, number, number, number];
}

export interface Cidr {
  readonly v4: boolean;
  readonly words: readonly [number, number, number, number];
  readonly masks: readonly [number, number, number, number];
}

const IPV4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

/** Hextets of one side of "::" (the right side may end in a dotted IPv4 address); false when malformed. */
function pushHextets(part: string, allowV4Tail: boolean, out: number[]): boolean {
  if (part === '') return true;
  const groups = part.split(':');
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as string;
    if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIpv4(g);
      if (v4 === undefined) return false;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else if (HEXTET.test(g)) {
      out.push(parseInt(g, 16));
    } else {
      return false;
    }
  }
  return true;
}

function parseIpv6Hextets(text: string): number[] | undefined {
  const gap = text.indexOf('::');
  if (gap < 0) {
    const all: number[] = [];
    return pushHextets(text, true, all) && all.length === 8 ? all : undefined;
  }
  if (text.indexOf('::', gap + 1) >= 0) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  if (!pushHextets(text.slice(0, gap), false, head) || !pushHextets(text.slice(gap + 2), true, tail))
    return undefined;
  if (head.length + tail.length > 7) return undefined;
  while (head.length + tail.length < 8) head.push(0);
  return head.concat(tail);
}

function word(h: readonly number[], i: number): number {
  return (((h[i] ?? 0) << 16) | (h[i + 1] ?? 0)) >>> 0;
}

export function parseIp(text: string): IpAddr | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { v4: true, words: [0, 0, 0, v4] };
  if (!text.includes(':') || text.length > 45) return undefined;
  const h = parseIpv6Hextets(text);
  if (!h) return undefined;
  const words = [word(h, 0), word(h, 2), word(h, 4), word(h, 6)] as const;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff)
    return { v4: true, words: [0, 0, 0, words[3]] };
  return { v4: false, words };
}

function maskWord(prefixBits: number, wordIndex: number): number {
  const bits = Math.max(0, Math.min(32, prefixBits - wordIndex * 32));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** `a.b.c.d`, `a.b.c.d/n`, `x:…:y` or `x:…:y/n`; host bits beyond the prefix are ignored. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addr = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return undefined;
  const writtenV6 = (slash < 0 ? text : text.slice(0, slash)).includes(':');
  const maxBits = writtenV6 ? 128 : 32;
  let bits = maxBits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > maxBits) return undefined;
    bits = Number(p);
  }
  // A mapped IPv6 block (::ffff:a.b.c.d/n, n ≥ 96) is the IPv4 block /(n-96).
  if (addr.v4 && writtenV6) {
    if (bits < 96) return undefined;
    bits -= 96;
  }
  const total = addr.v4 ? 96 + bits : bits;
  const masks = [maskWord(total, 0), maskWord(total, 1), maskWord(total, 2), maskWord(total, 3)] as const;
  const w = addr.words;
  const words = [
    (w[0] & masks[0]) >>> 0,
    (w[1] & masks[1]) >>> 0,
    (w[2] & masks[2]) >>> 0,
    (w[3] & masks[3]) >>> 0,
  ] as const;
  return { v4: addr.v4, words, masks };
}

export function cidrContains(cidr: Cidr, ip: IpAddr): boolean {
  if (cidr.v4 !== ip.v4) return false;
  const w = ip.words;
  const m = cidr.masks;
  const c = cidr.words;
  return (
    (w[3] & m[3]) >>> 0 === c[3] &&
    (w[2] & m[2]) >>> 0 === c[2] &&
    (w[1] & m[1]) >>> 0 === c[1] &&
    (w[0] & m[0]) >>> 0 === c[0]
  );
}
