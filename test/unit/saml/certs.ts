/** Throwaway RSA keys with self-signed certificates, made by openssl in a temp dir (tests only). */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestKeyPair {
  privateKey: KeyObject;
  privateKeyPem: string;
  certPem: string;
  /** Base64 DER body of the certificate, as metadata carries it. */
  certBody: string;
}

export function makeKeyPair(cn = 'test-idp', days = 365): TestKeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'ramgate-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        String(days),
        '-subj',
        `/CN=${cn}`,
      ],
      { stdio: 'ignore' },
    );
    const privateKeyPem = readFileSync(keyFile, 'utf8');
    const certPem = readFileSync(certFile, 'utf8');
    const certBody = certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    return { privateKey: createPrivateKey(privateKeyPem), privateKeyPem, certPem, certBody };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
