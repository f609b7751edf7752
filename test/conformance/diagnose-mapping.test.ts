/**
 * `ramgate diagnose --provider-arn … --mapping …` on a genuine AD FS response (at its own clock):
 * the mapping section lists the attribute names received, the rules applied, the roles offered or
 * why none, and the exit code says whether a login would succeed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { diagnoseCommand } from '../../src/cli/diagnose.js';

const ADFS = join(process.cwd(), '../shared/fixtures/idp-responses/adfs-1');
const present = existsSync(join(ADFS, 'response.xml'));
if (!present) console.warn(`diagnose --mapping: SKIPPED, no fixture at ${ADFS}`);
const PROVIDER = 'acs:ram::1234567890123456:saml-provider/ADFS';
const dir = mkdtempSync(join(tmpdir(), 'ramgate-diag-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function diagnose(...extra: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  const args = [
    join(ADFS, 'response.xml'),
    '--cert',
    join(ADFS, 'idp-cert.pem'),
    '--audience',
    'https://saml.test.nope/session/sso/saml/spentityid/dknhyszjl7',
    '--acs',
    'https://saml.test.nope/session/sso/saml/acs/dknhyszjl7',
    '--at',
    '2017-09-21T23:28:00Z',
    ...extra,
  ];
  await diagnoseCommand().parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  vi.restoreAllMocks();
  return { out, err, code };
}

describe.skipIf(!present)('ramgate diagnose --mapping', () => {
  it('explains why no role is offered (the group claim is missing) and exits 1', async () => {
    const rules = join(dir, 'adfs.yaml');
    writeFileSync(
      rules,
      'roles:\n  attribute: http://schemas.microsoft.com/ws/2008/06/identity/claims/groups\n  patterns: ["Aliyun-{account}-{role}"]\nsessionName: { nameId: true }\n',
    );
    const { out, code } = await diagnose('--provider-arn', PROVIDER, '--mapping', rules);
    // One headline: the response verifies, but no role means no login.
    expect(out).toMatch(/^NO LOGIN: the response verifies \(all \d+ checks passed\), but no role is offered/);
    expect(out).not.toContain('ACCEPTED');
    expect(out).toMatch(
      /received\s+http:\/\/schemas\.xmlsoap\.org\/ws\/2005\/05\/identity\/claims\/givenname/,
    );
    expect(out).toMatch(
      /rule\s+roles: attribute "http:\/\/schemas\.microsoft\.com\/ws\/2008\/06\/identity\/claims\/groups" was not received/,
    );
    expect(out).toMatch(/session\s+paul@spstest2\.com/);
    expect(out).toMatch(
      /NO LOGIN\s+No role is offered through acs:ram::1234567890123456:saml-provider\/ADFS/,
    );
    expect(code).toBe(1);
  });

  it('offers a role from an attribute the fixture does carry, inline JSON, --json', async () => {
    const rules = JSON.stringify({
      roles: {
        attribute: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
        map: { paul: 'Dev' },
      },
      sessionName: { nameId: true },
    });
    const { out, code } = await diagnose('--provider-arn', PROVIDER, '--mapping', rules, '--json');
    const body = JSON.parse(out) as {
      valid: boolean;
      mapping: { roles: Array<{ roleArn: string }>; sessionName: string };
    };
    expect(body.valid).toBe(true);
    expect(body.mapping.roles.map((r) => r.roleArn)).toEqual(['acs:ram::1234567890123456:role/Dev']);
    expect(body.mapping.sessionName).toBe('paul@spstest2.com');
    expect(code).toBe(0);
  });

  it('refuses bad rules and --mapping without --provider-arn as usage errors (exit 2)', async () => {
    const bad = await diagnose(
      '--provider-arn',
      PROVIDER,
      '--mapping',
      '{"roles":{"attribute":"g","patterns":["{role}"]}}',
    );
    expect(bad.err).toMatch(/MappingRules: roles\.patterns\[0\].*two literal characters/);
    expect(bad.code).toBe(2);
    const lone = await diagnose('--mapping', '{}');
    expect(lone.err).toMatch(/--mapping needs --provider-arn/);
    expect(lone.code).toBe(2);
  });
});
