/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 6 digits, 30-second
 * steps, as virtual MFA apps compute them; seeds in RFC 4648 base32.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../constant-time.js';

export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(c);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new seed: 40 random bytes, 64 base32 characters (the length IMS's seeds have). */
export function newTotpSeed(): string {
  return base32Encode(randomBytes(40));
}

/** The step a time falls in. */
export function totpStep(date: Date): number {
  return Math.floor(date.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/** The code of one step (RFC 4226 dynamic truncation). */
export function totpCode(seed: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', seed).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 15;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0');
}

/** The step within ±1 of `now` whose code `code` is, or undefined (each candidate compared in constant time). */
export function matchingStep(seedBase32: string, code: string, now: Date): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const seed = base32Decode(seedBase32);
  const current = totpStep(now);
  let found: number | undefined;
  for (const step of [current - 1, current, current + 1])
    if (constantTimeEqual(totpCode(seed, step), code) && found === undefined) found = step;
  return found;
}

/**
 * Two consecutive codes (binding a device): code2 of a step t + 1 within ±1 step of now and code1
 * of the step before it. Returns t + 1, or undefined.
 */
export function consecutiveSteps(
  seedBase32: string,
  code1: string,
  code2: string,
  now: Date,
): number | undefined {
  const second = matchingStep(seedBase32, code2, now);
  if (second === undefined || !/^[0-9]{6}$/.test(code1)) return undefined;
  const ok = constantTimeEqual(totpCode(base32Decode(seedBase32), second - 1), code1);
  return ok ? second : undefined;
}
