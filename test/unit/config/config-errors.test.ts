/**
 * A broken config file reports every problem at once (issue 16, point 11): schema problems
 * together, and the Alibaba rules and files checked on a scratch directory together, in one format
 * `file:line: path.to.field: problem`, in file order; a missing metadata file and an expired
 * validUntil say so in plain words. Nothing is written to the real store when the file is refused.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkConfig, loadConfigFile } from '../../../src/core/config/index.js';
import { ApiError } from '../../../src/core/errors.js';
import { expiredMetadataProblem } from '../../../src/saml/metadata-validity.js';
import { validateIdpMetadata } from '../../../src/saml/metadata.js';
import { TestIdp } from '../../support/test-idp.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ramgate-config-errors-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const NOW = new Date('2026-12-07T12:00:00Z');
const check = { validateIdpMetadata, metadataProblem: (xml: string) => expiredMetadataProblem(xml, NOW) };

async function problemsOf(file: string): Promise<string> {
  try {
    await checkConfig(await loadConfigFile(join(dir, file), { collect: true }), check);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('InvalidParameter.Config');
    return (e as ApiError).message;
  }
  throw new Error('expected the config to be refused');
}

function withValidUntil(xml: string, validUntil: string): string {
  return xml.replace(/<(md:)?EntityDescriptor /, (m) => `${m}validUntil="${validUntil}" `);
}

describe('config problems, all at once', () => {
  it('lists every rule and file problem of the file with its line and full path, in file order', async () => {
    const idp = new TestIdp();
    await writeFile(join(dir, 'good.xml'), idp.metadata());
    await writeFile(join(dir, 'expired.xml'), withValidUntil(idp.metadata(), '2025-01-01T00:00:00Z'));
    await writeFile(
      join(dir, 'ramgate.yaml'),
      [
        'accounts:', //                                         1
        "  - id: '1234567890123456'", //                        2
        '    samlProviders:', //                                3
        '      - name: okta', //                                4
        '        metadataFile: metadata/okta.xml', //           5  missing file
        '      - name: old', //                                 6
        '        metadataFile: expired.xml', //                 7  expired validUntil
        '      - name: fine', //                                8
        '        metadataFile: good.xml', //                    9
        '    roles:', //                                        10
        '      - name: Admin', //                               11
        '        trustedSamlProviders: [fine]', //              12
        '      - name: bad_name', //                            13 Alibaba role name rule
        '        trustedSamlProviders: [fine]', //              14
        '        maxSessionDuration: 100', //                   15 below 3600
        '',
      ].join('\n'),
    );
    const message = await problemsOf('ramgate.yaml');
    const lines = message.split('\n');
    expect(lines[0]).toBe('The config ' + join(dir, 'ramgate.yaml') + ' is not valid (3 problems):');
    const name = join(dir, 'ramgate.yaml');
    expect(lines[1]).toBe(
      `  - ${name}:5: accounts[0].samlProviders[0].metadataFile: no such file: ${join(dir, 'metadata/okta.xml')} ` +
        "(metadataFile is relative to the config file; download the IdP's metadata there)",
    );
    expect(lines[2]).toBe(
      `  - ${name}:7: accounts[0].samlProviders[1].metadataFile: the metadata expired at 2025-01-01T00:00:00.000Z (its validUntil); ` +
        "download the IdP's current metadata (the IdP's keys may have changed since)",
    );
    expect(lines[3]).toMatch(
      new RegExp(
        `^  - ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:13: accounts\\[0\\]\\.roles\\[1\\]\\.name: InvalidParameter\\.RoleName: `,
      ),
    );
    expect(lines).toHaveLength(4);
  });

  it('schema problems come together too, each with its line', async () => {
    await writeFile(
      join(dir, 'schema.yaml'),
      [
        'accounts:',
        "  - id: 'abc'", // 2
        '    users:',
        '      - name: a',
        '        groups: [ghosts]', // 5
        '    roles:',
        '      - name: r', // 7: neither trustPolicy nor trustedSamlProviders
        '',
      ].join('\n'),
    );
    const message = await problemsOf('schema.yaml');
    const name = join(dir, 'schema.yaml');
    expect(message).toContain('is not valid (');
    expect(message).toContain(`  - ${name}:2: accounts[0].id: must be 1 to 32 decimal digits`);
    expect(message).toMatch(
      new RegExp(
        `${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: accounts\\[0\\]\\.roles\\[0\\]: give exactly one of`,
      ),
    );
  });

  it('schema problems and rule problems come in one list, with the indices of the file', async () => {
    const idp = new TestIdp();
    await writeFile(join(dir, 'good.xml'), idp.metadata());
    await writeFile(
      join(dir, 'mixed.yaml'),
      [
        'accounts:', //                                         1
        "  - id: '1234567890123456'", //                        2
        '    samlProviders:', //                                3
        '      - name: fine', //                                4
        '        metadataFile: good.xml', //                    5
        '    roles:', //                                        6
        '      - name: NoTrust', //                             7  schema: no trust given
        '      - name: bad_name', //                            8  rule: Alibaba role name
        '        trustedSamlProviders: [fine]', //              9
        '      - name: Short', //                               10
        '        trustedSamlProviders: [fine]', //              11
        '        maxSessionDuration: 100', //                   12 rule: below 3600
        "  - id: 'x'", //                                       13 schema: not digits
        '    roles:', //                                        14
        '      - name: bad_too', //                             15 not checked: its account is out
        '        trustPolicy: {}', //                           16
        '',
      ].join('\n'),
    );
    const name = join(dir, 'mixed.yaml');
    const lines = (await problemsOf('mixed.yaml')).split('\n');
    expect(lines[0]).toBe(`The config ${name} is not valid (4 problems):`);
    expect(lines[1]).toContain(`${name}:7: accounts[0].roles[0]: give exactly one of`);
    expect(lines[2]).toContain(`${name}:8: accounts[0].roles[1].name: InvalidParameter.RoleName: `);
    expect(lines[3]).toContain(
      `${name}:12: accounts[0].roles[2].maxSessionDuration: InvalidParameter.MaxSessionDuration: `,
    );
    expect(lines[4]).toContain(`${name}:13: accounts[1].id: must be 1 to 32 decimal digits`);
    expect(lines).toHaveLength(5);
  });

  it('a schema problem outside any list leaves nothing else to check and is reported alone', async () => {
    await writeFile(
      join(dir, 'top.yaml'),
      "gateway: 7\naccounts:\n  - id: '1'\n    roles:\n      - name: bad_name\n        trustPolicy: {}\n",
    );
    const message = await problemsOf('top.yaml');
    expect(message).toMatch(/is not valid \(1 problem\):\n {2}- .*top\.yaml:1: gateway: /);
  });

  it('a YAML syntax error names its line in the same format', async () => {
    await writeFile(join(dir, 'syntax.yaml'), "accounts:\n  - id: '1'\n    alias: [unclosed\n");
    const message = await problemsOf('syntax.yaml');
    expect(message).toMatch(/is not valid \(1 problem\):\n {2}- .*syntax\.yaml:\d+: cannot parse as YAML: /);
  });

  it('metadata that is still valid, or has no validUntil, is no problem', () => {
    const xml = new TestIdp().metadata();
    expect(expiredMetadataProblem(xml, NOW)).toBeUndefined();
    expect(expiredMetadataProblem(withValidUntil(xml, '2027-01-01T00:00:00Z'), NOW)).toBeUndefined();
    expect(expiredMetadataProblem(withValidUntil(xml, '2026-12-07T11:59:59Z'), NOW)).toMatch(/expired at/);
  });
});
