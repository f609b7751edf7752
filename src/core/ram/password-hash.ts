/**
 * Console passwords at rest: scrypt (node:crypto, memory-hard) with a random 16-byte salt and the
 * cost parameters stored beside the hash, so a later change of the defaults still verifies old
 * hashes. Comparison is constant-time. A password is never stored, logged or returned as such.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export type PasswordHash = {
  Algorithm: 'scrypt';
  /** CPU/memory cost (a power of two), block size, parallelism. */
  N: number;
  r: number;
  p: number;
  Salt: string;
  Hash: string;
};

/**
 * N = 2^15, r = 8 → 32 MiB and ~50–100 ms per hash on one core: OWASP's scrypt floor is N = 2^17
 * at r = 8; ours is lower because sign-ins share two cores with everything else, and sign-in
 * attempts are rate limited and counted before a hash is computed.
 */
const DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** The largest cost a stored record may ask for (a tampered record must not exhaust memory). */
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }) {
  const options: ScryptOptions = {
    N: cost.N,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.N * cost.r + 1024 * 1024,
  };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULTS);
  return { Algorithm: 'scrypt', ...DEFAULTS, Salt: salt.toString('base64'), Hash: key.toString('base64') };
}

/** Whether `password` is the one `stored` was made from (false for a malformed record: fail closed). */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const { N, r, p } = stored;
  const sane =
    stored.Algorithm === 'scrypt' &&
    Number.isSafeInteger(N) &&
    N > 1 &&
    N <= MAX_N &&
    (N & (N - 1)) === 0 &&
    Number.isSafeInteger(r) &&
    r >= 1 &&
    r <= 32 &&
    Number.isSafeInteger(p) &&
    p >= 1 &&
    p <= 4;
  if (!sane) return false;
  const expected = Buffer.from(stored.Hash, 'base64');
  if (expected.length !== KEY_BYTES) return false;
  const key = await derive(password, Buffer.from(stored.Salt, 'base64'), { N, r, p });
  return timingSafeEqual(key, expected);
}
