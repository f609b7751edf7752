/** RFC 7636 S256: base64url(SHA-256(code_verifier)). Shared by the CLI and the gateway. */
import { createHash } from 'node:crypto';

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
