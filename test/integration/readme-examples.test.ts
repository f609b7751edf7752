/**
 * The README's examples run as written (issue 16): its `ramgate keygen` line makes the SP key and
 * certificate its config example names, and `ramgate serve --config` accepts that example, listens,
 * and publishes the certificate in the SP metadata. The banner names the port it listens on.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestIdp } from '../support/test-idp.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ramgate.js');
const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ramgate-readme-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function readme(): Promise<string> {
  return readFile(join(ROOT, 'README.md'), 'utf8');
}

/** The fenced block of `lang` that follows `heading` in the README. */
function blockAfter(text: string, heading: string, lang: string): string {
  const from = text.indexOf(heading);
  expect(from, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text.slice(from));
  if (!block?.[1]) throw new Error(`no ${lang} block after ${heading}`);
  return block[1];
}

/** A README command line `npx ramgate …` as arguments (without a trailing comment). */
function readmeCommand(text: string, prefix: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`README has no line starting with ${prefix}`);
  return line
    .replace(/\s+#.*$/, '')
    .split(/\s+/)
    .slice(2); // drop "npx ramgate"
}

/** `ramgate serve …` until it prints its banner; resolves with the banner and a stop function. */
async function serve(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: dir,
    env: { ...process.env, RAMGATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) setTimeout(() => resolve(out), 100);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}${out}`)));
  });
  return {
    banner,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

describe('README examples', () => {
  it('ramgate keygen (as in the README) makes the SP key (0600) and certificate, and will not overwrite them', async () => {
    const args = readmeCommand(await readme(), 'npx ramgate keygen');
    const made = await run(process.execPath, [BIN, ...args], { cwd: dir });
    expect(made.stderr).toContain('Wrote sp.key.pem (private key, mode 0600) and sp.cert.pem');
    expect((await stat(join(dir, 'sp.key.pem'))).mode & 0o777).toBe(0o600);
    const cert = await readFile(join(dir, 'sp.cert.pem'), 'utf8');
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const again = run(process.execPath, [BIN, ...args], { cwd: dir });
    await expect(again).rejects.toMatchObject({
      stderr: expect.stringContaining('sp.key.pem exists; ramgate keygen does not overwrite it.'),
    });
    expect(await readFile(join(dir, 'sp.cert.pem'), 'utf8')).toBe(cert);
  });

  it('the config example is accepted by ramgate serve, which publishes the keygen certificate', async () => {
    const text = await readme();
    await writeFile(join(dir, 'ramgate.yaml'), blockAfter(text, '### The config file', 'yaml'));
    await mkdir(join(dir, 'metadata'));
    await writeFile(join(dir, 'metadata', 'okta.xml'), new TestIdp().metadata());
    await run(process.execPath, [BIN, ...readmeCommand(text, 'npx ramgate keygen')], { cwd: dir });
    const server = await serve(['--config', 'ramgate.yaml', '--port', '0']);
    try {
      const listening = /ramgate is listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(server.banner);
      expect(listening?.[2]).not.toBe('0');
      expect(server.banner).toContain('Public base URL: https://signin.example.com');
      const metadata = await (await fetch(`${listening?.[1]}/saml-role/sp-metadata.xml`)).text();
      const cert = await readFile(join(dir, 'sp.cert.pem'), 'utf8');
      const body = cert.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
      expect(metadata.replace(/\s+/g, '')).toContain(body);
      expect(metadata).toContain('https://signin.example.com/saml-role/sso');
    } finally {
      await server.stop();
    }
  });
});

describe('the start banner', () => {
  it('prints the port it listens on, not the config baseUrl port, and says which URL is public', async () => {
    await writeFile(
      join(dir, 'gw.yaml'),
      "gateway:\n  baseUrl: http://127.0.0.1:8095\naccounts:\n  - id: '2000000000000001'\n",
    );
    const server = await serve(['--config', 'gw.yaml', '--port', '0', '--demo']);
    try {
      const port = /ramgate is listening on http:\/\/127\.0\.0\.1:(\d+)\n/.exec(server.banner)?.[1];
      expect(port).toBeDefined();
      expect(port).not.toBe('8095');
      expect(server.banner).toContain('Public base URL: http://127.0.0.1:8095');
      expect(server.banner).toContain(
        'Demo CLI: ramgate login --gateway http://127.0.0.1:8095 --provider 1234567890123456:demo-idp',
      );
      expect(server.banner).toContain(`does not reach http://127.0.0.1:${port}, drop the base URL`);
    } finally {
      await server.stop();
    }
  });

  it('in demo mode without a base URL, the demo link is the listening address and works', async () => {
    const server = await serve(['--demo', '--port', '0']);
    try {
      const url = /Demo: open (http:\/\/127\.0\.0\.1:\d+)\/ /.exec(server.banner)?.[1];
      expect(server.banner).not.toContain('Public base URL');
      const home = await fetch(`${url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('demo');
    } finally {
      await server.stop();
    }
  });
});

/** Every `npx ramgate …` command of the README's sh blocks (continuation lines joined, comments dropped). */
function readmeCommands(text: string): string[][] {
  const commands: string[][] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = (block[1] ?? '').replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const at = line.indexOf('npx ramgate ');
      if (at < 0) continue;
      commands.push(
        line
          .slice(at)
          .replace(/\s+#.*$/, '')
          .trim()
          .split(/\s+/)
          .slice(2),
      );
    }
  }
  return commands;
}

describe('every ramgate command in the README', () => {
  it('names a command that exists and only options it has', async () => {
    const commands = readmeCommands(await readme());
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const help = new Map<string, string>();
    for (const [name, ...args] of commands) {
      if (!name) throw new Error('an empty ramgate command in the README');
      if (!help.has(name)) help.set(name, (await run(process.execPath, [BIN, name, '--help'])).stdout);
      for (const option of args.filter((a) => a.startsWith('--')))
        expect(help.get(name), `ramgate ${name} has ${option}`).toContain(`${option.split('=')[0]} `);
    }
    expect([...help.keys()].sort()).toEqual(
      ['credential-process', 'credentials-server', 'diagnose', 'keygen', 'login', 'serve'].sort(),
    );
  });
});
