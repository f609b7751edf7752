import { randomFillSync } from 'node:crypto';

/**
 * Cryptographically random bytes served from a pool refilled in 8 KiB chunks: one small
 * randomBytes() call costs ~3 µs here, a third of the cost of minting a credential. Every byte is
 * handed out once (copied out before the pool is refilled).
 */
const pool = Buffer.alloc(8192);
let offset = pool.length;

export function randomChunk(length: number): Buffer {
  if (length > pool.length) return randomFillSync(Buffer.alloc(length));
  if (offset + length > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + length));
  pool.fill(0, offset, offset + length);
  offset += length;
  return out;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform alphanumeric string (rejection sampling: 256 is not a multiple of 62). */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomChunk(length + 8)) {
      if (byte < 248 && out.length < length) out += ALNUM[byte % 62];
    }
  }
  return out;
}
