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

const COLON = 0x3a;
const DOT = 0x2e;

/** Value of a hex digit, or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** Dotted quad `a.b.c.d` in text[from, to): four decimals 0–255 without leading zeros; -1 when malformed. */
function parseIpv4(text: string, from: number, to: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : DOT;
    if (c === DOT) {
      if (digits === 0 || parts === 4) return -1;
      value = (value << 8) | part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 0x30);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value >>> 0 : -1;
}

/**
 * The eight hextets of an IPv6 address: groups of 1–4 hex digits, at most one "::" standing for
 * at least one zero group, optionally ending in a dotted IPv4 address (two groups).
 */
function parseIpv6Hextets(text: string): number[] | undefined {
  const end = text.length;
  const out: number[] = [];
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return undefined;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (out.length >= 8) return undefined;
    let value = 0;
    let j = i;
    while (j < end && j - i < 5) {
      const d = hexDigit(text.charCodeAt(j));
      if (d < 0) break;
      value = value * 16 + d;
      j++;
    }
    if (j < end && text.charCodeAt(j) === DOT) {
      const v4 = parseIpv4(text, i, end);
      if (v4 < 0 || out.length > 6) return undefined;
      out.push(v4 >>> 16, v4 & 0xffff);
      break;
    }
    if (j === i || j - i > 4) return undefined;
    out.push(value);
    if (j === end) break;
    if (text.charCodeAt(j) !== COLON) return undefined;
    i = j + 1;
    if (text.charCodeAt(i) === COLON) {
      if (gap >= 0) return undefined;
      gap = out.length;
      i++;
    } else if (i === end) {
      return undefined;
    }
  }
  if (gap < 0) return out.length === 8 ? out : undefined;
  if (out.length > 7) return undefined;
  // The groups "::" stands for are zeros between the groups before and after it.
  const full = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < gap; i++) full[i] = out[i] as number;
  for (let i = gap; i < out.length; i++) full[i + 8 - out.length] = out[i] as number;
  return full;
}

function word(h: readonly number[], i: number): number {
  return (((h[i] ?? 0) << 16) | (h[i + 1] ?? 0)) >>> 0;
}

export function parseIp(text: string): IpAddr | undefined {
  const v4 = parseIpv4(text, 0, text.length);
  if (v4 >= 0) return { v4: true, words: [0, 0, 0, v4] };
  if (text.length > 45) return undefined;
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
