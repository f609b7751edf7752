/**
 * Alibaba's `AccessDeniedDetail.EncodedDiagnosticMessage`: what was evaluated when a call was
 * refused (action, resource, principal, deciding policy and statement), sealed so that only the
 * gateway (RAM's DecodeDiagnosticMessage, for a caller allowed it) can read it. Sealed with a key
 * derived from the current SecurityToken key (HKDF, its own label: never the token key itself).
 */
import { hkdfSync } from 'node:crypto';
import { decryptCompact, encryptCompact, parseCompact } from '../sts/jwe.js';
import type { TokenKey, TokenKeyring } from '../sts/keyring.js';

export interface DiagnosticInfo {
  AuthAction: string;
  Resource: string;
  Principal: string;
  Decision: 'ImplicitDeny' | 'ExplicitDeny';
  /** Identity policies or the session policy. */
  DecidedBy: 'identity' | 'session';
  Policy?: string;
  Statement?: number;
  /** Epoch ms. */
  EvaluatedAt: number;
}

const LABEL = Buffer.from('ramgate access-denied diagnostic v1');
const derived = new WeakMap<TokenKey, Buffer>();

function diagnosticKey(key: TokenKey): Buffer {
  let sub = derived.get(key);
  if (!sub) {
    sub = Buffer.from(hkdfSync('sha256', key.secret, Buffer.alloc(0), LABEL, 32));
    derived.set(key, sub);
  }
  return sub;
}

export function encodeDiagnostic(keyring: TokenKeyring, info: DiagnosticInfo): string {
  const key = keyring.current;
  return encryptCompact(Buffer.from(JSON.stringify(info)), diagnosticKey(key), key.kid);
}

/** The evaluation a message describes, or undefined when it is not one this gateway sealed. */
export function decodeDiagnostic(keyring: TokenKeyring, message: string): DiagnosticInfo | undefined {
  if (message.length > 16_384) return undefined;
  const parts = parseCompact(message);
  const key = parts && keyring.find(parts.header.kid);
  const plaintext = parts && key ? decryptCompact(parts, diagnosticKey(key)) : undefined;
  return plaintext ? (JSON.parse(plaintext.toString('utf8')) as DiagnosticInfo) : undefined;
}
