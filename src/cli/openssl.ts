import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `openssl req -x509`: a new RSA-2048 key (unencrypted PEM) and a self-signed SHA-256 certificate for it. */
export function opensslSelfSigned(o: {
  commonName: string;
  days: number;
  keyFile: string;
  certFile: string;
}): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-nodes',
      '-days',
      String(o.days),
      '-sha256',
      '-newkey',
      'rsa:2048',
      '-subj',
      `/CN=${o.commonName}`,
      '-keyout',
      o.keyFile,
      '-out',
      o.certFile,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/**
 * A key and self-signed certificate from the `openssl` command (Node cannot issue certificates),
 * kept in `dir` when given so restarts reuse them; generated into a temporary folder otherwise.
 */
export function selfSignedPair(commonName: string, dir?: string): { keyPem: string; certPem: string } {
  const target = dir ?? mkdtempSync(join(tmpdir(), 'ramgate-key-'));
  const keyFile = join(target, 'key.pem');
  const certFile = join(target, 'cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    mkdirSync(target, { recursive: true, mode: 0o700 });
    const work = mkdtempSync(join(target, '.new-'));
    try {
      opensslSelfSigned({
        commonName,
        days: 3650,
        keyFile: join(work, 'key.pem'),
        certFile: join(work, 'cert.pem'),
      });
      renameSync(join(work, 'cert.pem'), certFile);
      renameSync(join(work, 'key.pem'), keyFile);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { keyPem: readFileSync(keyFile, 'utf8'), certPem: readFileSync(certFile, 'utf8') };
}
