/**
 * `ramgate keygen`: the SP key and certificate the gateway signs AuthnRequests with, decrypts
 * EncryptedAssertions with, and publishes in its SP metadata (`--sp-key`/`--sp-cert`, or the
 * config's `gateway.sp`). A new RSA-2048 key (0600) and a self-signed SHA-256 certificate; files
 * that exist are never overwritten unless --force.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { secondsOption } from './cli-io.js';
import { opensslSelfSigned } from './openssl.js';

/** A host name or label: nothing that could add fields to openssl's -subj. */
const COMMON_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;
const FILE_PREFIX = /^[A-Za-z0-9._-]{1,64}$/;

export interface KeygenOptions {
  outDir: string;
  name: string;
  commonName: string;
  days: number;
  force: boolean;
}

export interface KeygenResult {
  keyFile: string;
  certFile: string;
  fingerprint256: string;
  validTo: string;
}

function exists(file: string): Error {
  return new Error(
    `${file} exists; ramgate keygen does not overwrite it. Choose another --out-dir or --name, or pass --force to replace it.`,
  );
}

export function generateSpKeyPair(o: KeygenOptions): KeygenResult {
  if (!COMMON_NAME.test(o.commonName))
    throw new Error(
      `--common-name must be a host name (letters, digits, dots, hyphens), not ${o.commonName}.`,
    );
  if (!FILE_PREFIX.test(o.name)) throw new Error(`--name must be 1 to 64 of [A-Za-z0-9._-], not ${o.name}.`);
  if (o.days < 1) throw new Error('--days must be at least 1.');
  const keyFile = join(o.outDir, `${o.name}.key.pem`);
  const certFile = join(o.outDir, `${o.name}.cert.pem`);
  const existing = o.force ? undefined : [keyFile, certFile].find((file) => existsSync(file));
  if (existing) throw exists(existing);
  mkdirSync(o.outDir, { recursive: true });
  const work = mkdtempSync(join(o.outDir, '.ramgate-keygen-'));
  try {
    opensslSelfSigned({
      commonName: o.commonName,
      days: o.days,
      keyFile: join(work, 'key.pem'),
      certFile: join(work, 'cert.pem'),
    });
    const keyPem = readFileSync(join(work, 'key.pem'));
    const certPem = readFileSync(join(work, 'cert.pem'));
    const flag = o.force ? 'w' : 'wx';
    try {
      writeFileSync(keyFile, keyPem, { mode: 0o600, flag });
      writeFileSync(certFile, certPem, { mode: 0o644, flag });
    } catch (error) {
      // Another process made one of them since the check above.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(keyFile);
      throw error;
    }
    const cert = new X509Certificate(certPem);
    return { keyFile, certFile, fingerprint256: cert.fingerprint256, validTo: cert.validTo };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function keygenCommand(): Command {
  return new Command('keygen')
    .description(
      'make the SP key and self-signed certificate (sp.key.pem, sp.cert.pem) for --sp-key/--sp-cert',
    )
    .option('--out-dir <dir>', 'where to write them', '.')
    .option('--name <prefix>', 'file names: <prefix>.key.pem and <prefix>.cert.pem', 'sp')
    .option('--common-name <host>', "the certificate's CN, e.g. the gateway's host name", 'ramgate-sp')
    .addOption(
      new Option('--days <n>', 'validity of the certificate in days')
        .default(3650)
        .argParser(secondsOption('--days', 'days')),
    )
    .option('--force', 'replace files that exist')
    .action((flags: Omit<KeygenOptions, 'force'> & { force?: boolean }) => {
      const result = generateSpKeyPair({ ...flags, force: flags.force === true });
      const show = (path: string) => relative('.', path) || path;
      process.stderr.write(
        `Wrote ${show(result.keyFile)} (private key, mode 0600) and ${show(result.certFile)} ` +
          `(certificate, valid until ${result.validTo}).\n` +
          `SHA-256 fingerprint: ${result.fingerprint256}\n` +
          `Use them with --sp-key ${show(result.keyFile)} --sp-cert ${show(result.certFile)}, or in the config: ` +
          `gateway: { sp: { keyFile: ${show(result.keyFile)}, certFile: ${show(result.certFile)} } }\n`,
      );
    });
}
