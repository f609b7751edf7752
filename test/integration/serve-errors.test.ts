/**
 * `ramgate serve` refusing to start, as an administrator sees it (issue 16, point 11): a broken
 * config lists all its problems with lines, a missing file or a busy port is explained, exit 1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ramgate.js');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ramgate-serve-errors-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function serve(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'serve', ...args],
      { cwd: dir, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

describe('ramgate serve refuses to start, and says why', () => {
  it('lists every problem of the config file with its line, in one format', async () => {
    await writeFile(
      join(dir, 'broken.yaml'),
      [
        'accounts:',
        "  - id: '1234567890123456'",
        '    alias: Bad_Alias',
        '    samlProviders:',
        '      - name: okta',
        '        metadataFile: metadata/okta.xml',
        '    users:',
        '      - name: alice',
        '        email: nope',
        '    roles:',
        '      - name: NoTrust',
        '',
      ].join('\n'),
    );
    const run = await serve(['--config', 'broken.yaml', '--port', '0']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([
      'The config broken.yaml is not valid (4 problems):',
      expect.stringMatching(/^ {2}- broken\.yaml:3: accounts\[0\]\.alias: InvalidParameter\.AccountAlias: /),
      `  - broken.yaml:6: accounts[0].samlProviders[0].metadataFile: no such file: ${join(dir, 'metadata', 'okta.xml')} (metadataFile is relative to the config file; download the IdP's metadata there)`,
      expect.stringMatching(
        /^ {2}- broken\.yaml:9: accounts\[0\]\.users\[0\]\.email: InvalidParameter\.Email: /,
      ),
      expect.stringMatching(/^ {2}- broken\.yaml:11: accounts\[0\]\.roles\[0\]: give exactly one of /),
    ]);
  });

  it('a config file that does not exist', async () => {
    const run = await serve(['--config', 'nope.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot read the config file: no such file: ${join(dir, 'nope.yaml')}`);
  });

  it('a port already in use', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = await serve(['--port', String(port)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `Cannot listen on 127.0.0.1:${port}: the port is already in use (another ramgate, or another program). Stop it, or choose another port with --port (RAMGATE_PORT).`,
      );
    } finally {
      busy.close();
    }
  });

  it('an SP key file that does not exist points to ramgate keygen', async () => {
    const run = await serve(['--port', '0', '--sp-key', 'sp.key.pem', '--sp-cert', 'sp.cert.pem']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `The SP key or certificate cannot be read: no such file: ${join(dir, 'sp.key.pem')}. Make them with: ramgate keygen`,
    );
  });
});
