/**
 * The tests' own TOTP (RFC 6238, HMAC-SHA1, 30 s), written apart from src/core/ram/totp.ts so the
 * gateway's codes are checked against an independent computation (itself checked against the
 * RFC's test vectors in test/unit/ram/mfa-devices.test.ts).
 */
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function fromBase32(text: string): Buffer {
  const bits = [...text.toUpperCase()].map((c) => ALPHABET.indexOf(c).toString(2).padStart(5, '0')).join('');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The `digits`-digit code of `key` at Unix time `seconds`. */
export function totp(key: Buffer, seconds: number, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac.at(-1) as number) & 0x0f;
  const value = ((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).toString();
  return value.padStart(digits, '0');
}

/** The code of a base32 seed at a date. */
export const codeAt = (seed: string, date: Date) => totp(fromBase32(seed), date.getTime() / 1000);
