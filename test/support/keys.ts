/**
 * Test keys and certificates, generated on demand by `scripts/gen-test-keys.sh` into
 * fixtures/generated/keys (gitignored). The script is idempotent and installs its output with an
 * atomic rename, so parallel vitest workers may all call `testKeys()`.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEST_KEYS_DIR = join(repoRoot, 'fixtures/generated/keys');
const GENERATOR = join(repoRoot, 'scripts/gen-test-keys.sh');

export interface TestKeyPair {
  /** File stem in TEST_KEYS_DIR, e.g. 'idp'. */
  name: string;
  keyPem: string;
  certPem: string;
  /** The certificate's base64 DER (what goes into ds:X509Certificate). */
  certBase64: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  cert: X509Certificate;
}

export interface TestKeys {
  /** The IdP's RSA-2048 signing key. */
  idp: TestKeyPair;
  /** The IdP's second key (certificate rollover). */
  idpNext: TestKeyPair;
  /** A stranger's RSA-2048 key whose certificate has the same subject as the IdP's. */
  attacker: TestKeyPair;
  spSigning: TestKeyPair;
  spEncryption: TestKeyPair;
  /** An EC P-256 IdP key. */
  idpEc: TestKeyPair;
}

const FILES: Record<keyof TestKeys, string> = {
  idp: 'idp',
  idpNext: 'idp-next',
  attacker: 'attacker',
  spSigning: 'sp-signing',
  spEncryption: 'sp-encryption',
  idpEc: 'idp-ec',
};

let cached: TestKeys | undefined;

function loadPair(dir: string, name: string): TestKeyPair {
  const keyPem = readFileSync(join(dir, `${name}.key.pem`), 'utf8');
  const certPem = readFileSync(join(dir, `${name}.cert.pem`), 'utf8');
  const cert = new X509Certificate(certPem);
  return {
    name,
    keyPem,
    certPem,
    certBase64: cert.raw.toString('base64'),
    privateKey: createPrivateKey(keyPem),
    publicKey: createPublicKey(certPem),
    cert,
  };
}

/** Generates the key set when missing (see the script), then loads it. Cached per process. */
export function testKeys(dir: string = TEST_KEYS_DIR): TestKeys {
  if (dir === TEST_KEYS_DIR && cached) return cached;
  const complete = Object.values(FILES).every(
    (n) => existsSync(join(dir, `${n}.key.pem`)) && existsSync(join(dir, `${n}.cert.pem`)),
  );
  if (!complete) execFileSync('bash', [GENERATOR, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const keys = Object.fromEntries(
    Object.entries(FILES).map(([field, name]) => [field, loadPair(dir, name)]),
  ) as unknown as TestKeys;
  if (dir === TEST_KEYS_DIR) cached = keys;
  return keys;
}
