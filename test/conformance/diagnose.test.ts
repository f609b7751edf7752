/**
 * `ramgate diagnose`, spawned as the built CLI (node bin/ramgate.js) on the genuine IdP fixtures.
 * Builds dist/ first when it is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const FIXTURES = join(ROOT, '../shared/fixtures/idp-responses');
const present = existsSync(join(FIXTURES, 'INDEX.txt'));
if (!present) console.warn(`diagnose: SKIPPED, no IdP fixtures at ${FIXTURES}`);

const f = (name: string, file: string) => join(FIXTURES, name, file);

function diagnose(args: string[], stdin?: string): { code: number; out: string; err: string } {
  const r = spawnSync('node', [join(ROOT, 'bin/ramgate.js'), 'diagnose', ...args], {
    encoding: 'utf8',
    ...(stdin !== undefined ? { input: stdin } : {}),
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const okta1 = () => [
  f('okta-1', 'response.xml'),
  '--cert',
  f('okta-1', 'idp-cert.pem'),
  '--audience',
  '"123"',
  '--acs',
  'http://localhost:8080/v1/_saml_callback',
  '--at',
  '2016-07-25T23:20:30Z',
];

describe.skipIf(!present)('ramgate diagnose (built CLI)', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli/diagnose.js'))) {
      try {
        execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
      } catch {
        // tsc emits even when another module has type errors; the spawned CLI shows what matters.
      }
    }
  }, 120_000);

  it('accepts okta-1 and prints every check with the values compared (exit 0)', () => {
    const r = diagnose(okta1());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ACCEPTED: all 28 checks passed/);
    expect(r.out).toMatch(/ok {3}audience +\[""123""\] includes the SP entityID/);
    expect(r.out).toContain('nameId        russellhaering');
  });

  it('--json prints {valid, checks, assertion}', () => {
    const r = diagnose([...okta1(), '--json']);
    const body = JSON.parse(r.out) as {
      valid: boolean;
      checks: Array<{ name: string; ok: boolean; detail: string }>;
      assertion: { issuer: string; nameId: string; attributes: Record<string, string[]> };
    };
    expect(body.valid).toBe(true);
    expect(body.checks).toHaveLength(28);
    expect(body.checks[0]).toMatchObject({ name: 'size', ok: true });
    expect(body.assertion).toMatchObject({
      issuer: 'http://www.okta.com/exk659aytfMeNI49v0h7',
      nameId: 'russellhaering',
      attributes: { username: ['russell.haering@scaleft.com'] },
    });
  });

  it('rejects a tampered response read from stdin, naming the check (exit 1)', () => {
    const xml = readFileSync(f('okta-1', 'response.xml'), 'utf8').replace(
      '>russellhaering<',
      '>russellhaerinx<',
    );
    const [, ...rest] = okta1();
    const r = diagnose(['-', ...rest, '--json'], xml);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out) as {
      valid: boolean;
      checks: Array<{ name: string; ok: boolean }>;
      assertion?: unknown;
    };
    expect(body.valid).toBe(false);
    expect(body.assertion).toBeUndefined();
    expect(body.checks.at(-1)).toMatchObject({ name: 'signature-digest', ok: false });
  });

  it('enforces --request-id and --allow-sha1, and verifies base64 input with --metadata', () => {
    expect(diagnose([...okta1(), '--request-id', '_other']).out).toMatch(/^REJECTED at in-response-to/);
    const sha1 = [f('onelogin-1', 'response.b64'), '--metadata', f('onelogin-1', 'idp-metadata.xml')];
    const at = [
      '--audience',
      'https://29ee6d2e.ngrok.io/saml/metadata',
      '--acs',
      'https://29ee6d2e.ngrok.io/saml/acs',
    ];
    const when = ['--at', '2016-01-05T17:53:30Z'];
    const without = diagnose([...sha1, ...at, ...when]);
    expect(without.code).toBe(1);
    expect(without.out).toMatch(/^REJECTED at signature-algorithm/);
    expect(diagnose([...sha1, ...at, ...when, '--allow-sha1']).code).toBe(0);
    expect(diagnose([...sha1, ...at, '--at', '2016-01-06T18:00:00Z', '--allow-sha1']).out).toMatch(
      /^REJECTED at not-on-or-after \(AuthenticationFail\.SAMLAssertion\.Expired\)/,
    );
  });

  it('decrypts with --sp-key', () => {
    const r = diagnose([
      f('okta-3', 'response.xml'),
      '--cert',
      f('okta-3', 'idp-cert.pem'),
      '--sp-key',
      f('okta-3', 'sp-encryption-key.pem'),
      '--allow-aes-cbc',
      '--audience',
      'https://saml.test.nope/session/sso/saml/spentityid/skv8dv26wh',
      '--acs',
      'https://saml.test.nope/session/sso/saml/acs/skv8dv26wh',
      '--at',
      '2017-09-06T22:13:30Z',
    ]);
    expect(r.out).toMatch(/ok {3}decryption +decrypted with rsa-oaep-mgf1p \+ aes256-cbc/);
    expect(r.code).toBe(0);
  });

  it('exits 2 on usage errors', () => {
    const xml = f('okta-1', 'response.xml');
    const cert = f('okta-1', 'idp-cert.pem');
    expect(diagnose([xml]).code).toBe(2);
    expect(diagnose([xml, '--cert', cert, '--cert', cert, '--cert', cert]).code).toBe(2);
    expect(diagnose([xml, '--cert', cert, '--at', 'yesterday']).code).toBe(2);
    expect(diagnose([xml, '--cert', cert, '--no-such-option']).code).toBe(2);
    expect(diagnose(['/nonexistent/file', '--cert', cert]).err).toMatch(/cannot read response/);
  });
});
