/** The test CA of scripts/make-test-ca.sh: a CA and a server certificate for localhost / 127.0.0.1. */
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = resolve(import.meta.dirname, '..', '..', 'scripts', 'make-test-ca.sh');

export interface TestCa {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  caPem: string;
  /** Issues a new server key and certificate from the same CA (as a renewal would). */
  renew(): Promise<void>;
  /** SHA-256 fingerprint of the current server certificate (AB:CD:…, as TLS peers report it). */
  fingerprint(): string;
  /** base64 SHA-256 of the server key's SPKI: Chromium's --ignore-certificate-errors-spki-list. */
  spkiHash(): string;
}

export async function makeTestCa(dir: string, names: string[] = []): Promise<TestCa> {
  const run = () => promisify(execFile)('bash', [SCRIPT, dir, ...names]);
  await run();
  const certFile = join(dir, 'server.pem');
  const cert = () => new X509Certificate(readFileSync(certFile));
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    certFile,
    keyFile: join(dir, 'server.key'),
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    renew: async () => void (await run()),
    fingerprint: () => cert().fingerprint256,
    spkiHash: () =>
      createHash('sha256')
        .update(cert().publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64'),
  };
}
