/**
 * The xmlsec1 command line as an independent XML-DSig verifier (test-infrastructure.md):
 * only the given certificate's key is used (KeyInfo ignored), SAML Response/Assertion ID attributes
 * are registered, and `nodeXpath` picks the ds:Signature (default: the first one in the document).
 * It says nothing about which element a signature covers: wrapping is the SP's job.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SAML_ID_ATTRS = [
  '--id-attr:ID',
  'urn:oasis:names:tc:SAML:2.0:protocol:Response',
  '--id-attr:ID',
  'urn:oasis:names:tc:SAML:2.0:assertion:Assertion',
];

/** `certPem` is an X.509 certificate, or (for keys made in tests) a `PUBLIC KEY` PEM. */
export async function xmlsec1Verify(xml: string, certPem: string, nodeXpath?: string): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'xmlsec1-'));
  try {
    const docFile = join(dir, 'doc.xml');
    const certFile = join(dir, 'cert.pem');
    await writeFile(docFile, xml);
    await writeFile(certFile, certPem);
    const keyFlag = certPem.includes('BEGIN PUBLIC KEY') ? '--pubkey-pem' : '--pubkey-cert-pem';
    const args = ['--verify', ...SAML_ID_ATTRS, keyFlag, certFile, '--enabled-key-data', 'key-name'];
    if (nodeXpath !== undefined) args.push('--node-xpath', nodeXpath);
    args.push(docFile);
    return await new Promise<boolean>((resolve, reject) => {
      execFile('xmlsec1', args, { timeout: 20_000 }, (error) => {
        if (!error) return resolve(true);
        // A non-zero exit is a verdict (the signature did not verify); anything else is a broken tool.
        if (typeof error.code === 'number') return resolve(false);
        reject(error);
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
