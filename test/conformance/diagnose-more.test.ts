/**
 * `ramgate diagnose` on the genuine IdP fixtures, the parts added for issue 16 (point 12): the
 * checks that do not depend on a failure still run (marked), a signature that does not verify is
 * explained by fingerprints (KeyInfo certificate against the configured keys), one headline, an
 * IssueInstant in the future is noted, and --config takes provider, audience and ACS from the config.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, '../shared/fixtures/idp-responses');
const present = existsSync(join(FIXTURES, 'INDEX.txt'));
const f = (name: string, file: string) => join(FIXTURES, name, file);

function diagnose(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/ramgate.js'), 'diagnose', ...args], (error, out, err) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, out, err }),
    );
  });
}

const OKTA_SP = ['--audience', '"123"', '--acs', 'http://localhost:8080/v1/_saml_callback'];
const OKTA_AT = ['--at', '2016-07-25T23:20:30Z'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ramgate-diagnose-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.skipIf(!present)('ramgate diagnose: everything wrong at once, explained', () => {
  it('a signature that does not verify: fingerprints of the KeyInfo certificate against the configured key, and the rest checked', async () => {
    const r = await diagnose([
      f('okta-1', 'response.xml'),
      '--cert',
      f('adfs-1', 'idp-cert.pem'),
      ...OKTA_SP,
      ...OKTA_AT,
    ]);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^REJECTED at signature-value \(AuthenticationFail\.SAMLAssertion\.Invalid\): /);
    expect(r.out).toMatch(/^hint {10}configured key 1: SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    const keyInfo = lines.filter((l) => l.startsWith('hint          KeyInfo certificate'));
    expect(keyInfo).toHaveLength(1); // both signatures carry the same certificate: named once
    expect(keyInfo[0]).toMatch(
      /CN=dev-116807.* is not configured: the IdP probably rolled over its signing certificate/,
    );
    expect(r.out).toMatch(/^ {2}ok {2}\*audience +\[""123""\] includes the SP entityID$/m);
    expect(r.out).toMatch(/^ {2}ok {2}\*not-on-or-after /m);
    expect(r.out).toContain('  * checked as if signature-value had passed (to show what else is wrong)');
    expect(r.out).not.toContain('not run');
  });

  it('with the right key, the KeyInfo certificate is recognised as configured (tampering, not rollover)', async () => {
    const text = (await import('node:fs')).readFileSync(f('okta-1', 'response.xml'), 'utf8');
    const tampered = join(dir, 'okta-1-signature.xml');
    // Change one character of the Response's SignatureValue: digests still match, the value does not.
    await writeFile(
      tampered,
      text.replace(
        /(<ds:SignatureValue>)(.)/,
        (_m, tag: string, c: string) => `${tag}${c === 'A' ? 'B' : 'A'}`,
      ),
    );
    const r = await diagnose([tampered, '--cert', f('okta-1', 'idp-cert.pem'), ...OKTA_SP, ...OKTA_AT]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^REJECTED at signature-value/);
    expect(r.out).toMatch(
      /KeyInfo certificate: .* is a configured key: the signed content was changed after signing/,
    );
  });

  it('runs every check that does not depend on the failed one: Destination and Audience both reported', async () => {
    const r = await diagnose([
      f('okta-1', 'response.xml'),
      '--cert',
      f('okta-1', 'idp-cert.pem'),
      ...OKTA_AT,
    ]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toMatch(/^REJECTED at destination .* \(and 1 more failed check below\)$/);
    expect(r.out).toMatch(
      /^ {2}FAIL\*audience +no Audience of \[""123""\] is the SP entityID "urn:alibaba:cloudcomputing"$/m,
    );
    expect(r.out).toContain('  * checked as if destination, audience had passed');
  });

  it('the same on another IdP (AD FS), with --json', async () => {
    const r = await diagnose([f('adfs-1', 'response.xml'), '--cert', f('adfs-1', 'idp-cert.pem'), '--json']);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out) as {
      outcome: string;
      furtherChecks?: { relaxed: string[]; checks: Array<{ name: string; ok: boolean }> };
    };
    expect(body.outcome).toBe('rejected');
    expect(body.furtherChecks?.relaxed.length).toBeGreaterThan(0);
    expect(body.furtherChecks?.checks.some((c) => c.name === 'audience')).toBe(true);
  });

  it('one headline: a response that verifies but gives no login says NO LOGIN first (exit 1)', async () => {
    const r = await diagnose([
      f('okta-1', 'response.xml'),
      ...['--cert', f('okta-1', 'idp-cert.pem'), ...OKTA_SP, ...OKTA_AT],
      ...['--provider-arn', 'acs:ram::1234567890123456:saml-provider/okta'],
    ]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toBe(
      'NO LOGIN: the response verifies (all 28 checks passed), but no role is offered through acs:ram::1234567890123456:saml-provider/okta: the assertion has no https://www.aliyun.com/SAML-Role/Attributes/Role value and the provider has no mapping rules.',
    );
    expect(r.out).not.toContain('ACCEPTED');
  });

  it('notes an IssueInstant in the future', async () => {
    const r = await diagnose([
      f('okta-1', 'response.xml'),
      '--cert',
      f('okta-1', 'idp-cert.pem'),
      ...OKTA_SP,
      '--at',
      '2016-07-25T23:19:00Z',
    ]);
    expect(r.code).toBe(0); // 74 s ahead: within the 180 s skew, accepted, but worth knowing
    expect(r.out).toMatch(
      /^note {10}the Response IssueInstant 2016-07-25T23:20:14\.859Z is 75 s in the future: the IdP's clock is ahead/m,
    );
  });

  it('--config takes the provider (by Issuer), audience, ACS and SHA-1 setting from the gateway config', async () => {
    await writeFile(
      join(dir, 'ramgate.yaml'),
      [
        'gateway:',
        '  baseUrl: https://signin.example.com',
        'accounts:',
        "  - id: '1234567890123456'",
        '    samlProviders:',
        '      - name: onelogin',
        `        metadataFile: ${f('onelogin-1', 'idp-metadata.xml')}`,
        '        authnSignAlgo: rsa-sha1',
        '',
      ].join('\n'),
    );
    const r = await diagnose([
      f('onelogin-1', 'response.b64'),
      '--config',
      join(dir, 'ramgate.yaml'),
      '--at',
      '2016-01-05T17:53:30Z',
    ]);
    expect(r.err).toContain(
      `diagnose: using SAML provider 1234567890123456:onelogin from ${join(dir, 'ramgate.yaml')}`,
    );
    expect(r.out).toMatch(/^ {2}ok {3}signature-value /m); // SHA-1 allowed by the provider's authnSignAlgo
    expect(r.out).toMatch(
      /^ {2}FAIL destination .*is not the ACS URL "https:\/\/signin\.example\.com\/saml-role\/sso"/m,
    );
    expect(r.out).toMatch(/^ {2}FAIL\*audience .*"urn:alibaba:cloudcomputing"/m);
    const unknown = await diagnose([f('okta-1', 'response.xml'), '--config', join(dir, 'ramgate.yaml')]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      "no provider in the config has the response's Issuer http://www.okta.com/exk659aytfMeNI49v0h7",
    );
  });
});
