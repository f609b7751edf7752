import { timingSafeEqual } from 'node:crypto';

/** Compare two secrets (tokens, signatures, passwords) without leaking where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
