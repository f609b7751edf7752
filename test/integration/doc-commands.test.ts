/**
 * Every command in README.md and docs/*.md runs in a test (issue 16). Each shell block is one of:
 * - `sh run [exit=N]`: run here as written (cwd: the repository; `npx ramgate` is this checkout's
 *   bin/ramgate.js; the docs' demo address 127.0.0.1:8080 is a demo gateway on a free port), exit code
 *   checked, and every line of the `text output` block after it found in the output;
 * - `sh recipe…`: run by test/integration/oss-practice-recipe.test.ts;
 * - an environment file (`NAME=value` lines): every name is one the gateway reads;
 * - the README's credential commands: run in a temporary HOME with a signed-in profile's cache;
 * - otherwise each command is in ELSEWHERE (run by another test) or CANNOT_RUN_HERE (why not), and a
 *   `ramgate` command's options are checked against that command's real `--help`.
 * A new command that is none of these fails the test. YAML snippets go through the gateway's loaders.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { parseConfig } from '../../src/core/config/index.js';
import { compileRoleMapping } from '../../src/core/mapping/rules.js';
import { writeCachedLogin } from '../support/cached-login.js';
import { REPO } from '../support/fresh-clone.js';

const run = promisify(execFile);
const BIN = join(REPO, 'bin', 'ramgate.js');
const FIXTURES = join(REPO, '..', 'shared', 'fixtures', 'idp-responses');
if (!existsSync(FIXTURES))
  console.warn(`doc-commands: blocks that read ${FIXTURES} are SKIPPED (folder absent)`);
const SHELLS = new Set(['sh', 'bash', 'shell', 'console', 'powershell', 'ps1']);

/** Commands another test runs as written. */
const ELSEWHERE: Record<string, string> = {
  'npm ci && npm start -- --demo': 'test/integration/fresh-start.test.ts runs it literally in a fresh copy',
  'npm ci && npm test': '.ci/run (the CI runs it on a fresh clone; this suite is what it runs)',
  'npx ramgate keygen --common-name signin.example.com': 'test/integration/readme-examples.test.ts runs it',
};

/** Commands run below as written, in a temporary HOME holding the cached login of profile `sso`. */
const WITH_SIGNED_IN_PROFILE = [
  'npx ramgate credential-process --profile sso',
  'npx ramgate credentials-server --profile sso',
];

/** Commands that cannot run here, and why (their ramgate options are still checked below). */
const CANNOT_RUN_HERE: Record<string, string> = {
  'npx ramgate serve --config ramgate.yaml --base-url https://signin.example.com --port 8080 --store redis --redis redis://10.0.0.5:6379 --sp-key sp.key.pem --sp-cert sp.cert.pem --audit-log /var/log/ramgate/audit.jsonl --trust-proxy 10.0.0.2':
    'a production host: Redis at 10.0.0.5 (no test leaves loopback); readme-examples serves the config example',
  'ramgate serve --config /etc/ramgate/ramgate.yaml --base-url https://signin.example.com --host 0.0.0.0 --port 443 --tls-cert /etc/ramgate/tls/fullchain.pem --tls-key /etc/ramgate/tls/privkey.pem --http-port 80':
    'binds 0.0.0.0:443 and :80 with /etc/ramgate files; tls-listener.test.ts serves TLS on loopback',
  'npx ramgate login --gateway https://signin.example.com --provider 1234567890123456:okta --profile sso':
    'a browser sign-in at a production IdP; cli-login-simplesamlphp.test.ts signs in through a real IdP',
  'npx ramgate login --gateway https://signin.example.com --saml-response response.xml --role Admin --output env':
    'needs a fresh IdP-signed response for a production gateway; cli-gateway.test.ts runs --saml-response',
  'npx ramgate login --gateway http://127.0.0.1:8080 --provider 1234567890123456:demo-idp --profile demo':
    'a browser sign-in; cli-login-demo.test.ts runs this demo login with --no-browser, the test opening the URL',
  'npx ramgate credential-process --profile sso':
    'needs a signed-in profile; cli-usability.test.ts runs it from a cache',
  'npx ramgate credentials-server --profile sso':
    'needs a signed-in profile; cli-login-demo.test.ts serves one',
  'npx ramgate diagnose response.xml --config ramgate.yaml':
    "placeholders for the user's files; diagnose-more.test.ts runs --config on the genuine fixtures",
  'npx ramgate diagnose response.xml --metadata idp.xml --provider-arn acs:ram::<acct>:saml-provider/<name> --mapping rules.yaml':
    'placeholders; diagnose-mapping.test.ts runs --provider-arn/--mapping on a genuine response',
  'Set-AdfsProperties -EnableIdpInitiatedSignonPage $true': 'PowerShell on the AD FS server',
};

interface Block {
  file: string;
  lang: string;
  info: string;
  body: string;
}

function blocksOf(file: string): Block[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  return [...text.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({
    file,
    lang: m[1] ?? '',
    info: (m[2] ?? '').trim(),
    body: m[3] ?? '',
  }));
}

const FILES = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const BLOCKS = FILES.flatMap(blocksOf);
const shellBlocks = BLOCKS.filter((b) => SHELLS.has(b.lang));

/** The commands of a block: continuation lines joined, comments and blank lines dropped. */
function commandsOf(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) =>
      l
        .replace(/(^|\s+)#.*$/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
}

const isEnvFile = (b: Block) => commandsOf(b.body).every((l) => /^[A-Z][A-Z0-9_]*=\S/.test(l));
const isRun = (b: Block) => /^run\b/.test(b.info);
const isRecipe = (b: Block) => /^recipe\b/.test(b.info);
/** Blocks of a multi-line program (`node -e "…"`) are one command. */
const isProgram = (b: Block) => /^node -e "/m.test(b.body);

describe('every command in README.md and docs/', () => {
  it('is run here, run by a named test, or explained; a new one must be one of these', () => {
    const unlisted: string[] = [];
    const seen = new Set<string>();
    for (const b of shellBlocks) {
      if (isRun(b) || isEnvFile(b) || isProgram(b)) continue;
      if (isRecipe(b)) {
        expect(b.file, 'recipe blocks are those of oss-practice-recipe.test.ts').toBe(
          'docs/oss-sts-practice.md',
        );
        continue;
      }
      for (const c of commandsOf(b.body)) {
        seen.add(c);
        if (!(c in ELSEWHERE) && !(c in CANNOT_RUN_HERE) && !WITH_SIGNED_IN_PROFILE.includes(c))
          unlisted.push(`${b.file}: ${c}`);
      }
    }
    expect(unlisted, 'commands that no test runs and no entry explains').toEqual([]);
    const stale = [
      ...Object.keys(ELSEWHERE),
      ...Object.keys(CANNOT_RUN_HERE),
      ...WITH_SIGNED_IN_PROFILE,
    ].filter((c) => !seen.has(c));
    expect(stale, 'entries for commands the docs no longer have').toEqual([]);
    expect(existsSync(join(REPO, 'test/integration/oss-practice-recipe.test.ts'))).toBe(true);
    expect(existsSync(join(REPO, 'test/integration/fresh-start.test.ts'))).toBe(true);
  });

  it("the ramgate commands that cannot run here name a real command and only that command's options", async () => {
    const help = new Map<string, string>();
    for (const c of Object.keys(CANNOT_RUN_HERE).filter((c) => /^(npx )?ramgate /.test(c))) {
      const [name, ...args] = c.replace(/^npx /, '').split(/\s+/).slice(1);
      if (!name) throw new Error(`no ramgate command in ${c}`);
      if (!help.has(name)) help.set(name, (await run(process.execPath, [BIN, name, '--help'])).stdout);
      expect(help.get(name), `${c}: no such command`).toContain(`Usage: ramgate ${name}`);
      for (const option of args.filter((a) => a.startsWith('--')))
        expect(help.get(name), `ramgate ${name} has ${option}`).toContain(`${option} `);
    }
  });

  it('environment files name only variables the gateway reads', () => {
    const envBlocks = shellBlocks.filter(isEnvFile);
    expect(envBlocks.length).toBeGreaterThanOrEqual(1);
    const sources = readdirSync(join(REPO, 'src'), { recursive: true })
      .filter((f) => String(f).endsWith('.ts'))
      .map((f) => readFileSync(join(REPO, 'src', String(f)), 'utf8'))
      .join('\n');
    for (const b of envBlocks)
      for (const line of commandsOf(b.body)) {
        const name = line.split('=')[0] as string;
        expect(sources, `${b.file}: ${name} is read by the gateway`).toContain(name);
      }
  });
});

describe('the runnable blocks, as written', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ demo: true, port: 0, logger: pino({ level: 'silent' }) });
  });
  afterAll(() => gateway?.close());

  const runnable = [...shellBlocks.filter(isRun), ...shellBlocks.filter(isProgram)];
  it('there are some', () => expect(runnable.length).toBeGreaterThanOrEqual(2));

  for (const b of runnable) {
    const title = `${b.file}: ${commandsOf(b.body)[0]?.slice(0, 70)}`;
    const needsFixtures = b.body.includes('../shared/fixtures/');
    it.skipIf(needsFixtures && !existsSync(FIXTURES))(title, { timeout: 60_000 }, async () => {
      const address = new URL(gateway.url).host;
      const script = b.body.replaceAll('127.0.0.1:8080', address);
      const shim = `npx() { if [ "$1" = ramgate ]; then shift; node ${BIN} "$@"; else command npx "$@"; fi; }\n`;
      let result: { code: number; out: string };
      try {
        const { stdout, stderr } = await run('bash', ['-c', shim + script], { cwd: REPO, timeout: 50_000 });
        result = { code: 0, out: stdout + stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        if (typeof e.code !== 'number') throw error;
        result = { code: e.code, out: (e.stdout ?? '') + (e.stderr ?? '') };
      }
      expect(result.code, result.out).toBe(Number(/exit=(\d+)/.exec(b.info)?.[1] ?? 0));
      const all = BLOCKS;
      const next = all[all.indexOf(b) + 1];
      if (next?.lang === 'text' && next.info === 'output')
        for (const line of next.body.split('\n').filter(Boolean)) expect(result.out).toContain(line);
      if (isProgram(b)) expect(result.out).toContain('1234567890123456');
    });
  }
});

describe('the YAML snippets of docs/, through the gateway loaders', () => {
  const yamlBlocks = BLOCKS.filter((b) => b.lang === 'yaml' && b.file.startsWith('docs/'));
  it('there are some', () => expect(yamlBlocks.length).toBeGreaterThanOrEqual(10));
  for (const b of yamlBlocks) {
    it(`${b.file}: ${b.body.split('\n')[0]}`, () => {
      const doc = parse(b.body) as Record<string, unknown>;
      if ('ssoSettings' in doc) {
        const config = { accounts: [{ id: '1234567890123456', ssoSettings: doc.ssoSettings }] };
        expect(() => parseConfig(JSON.stringify(config), { format: 'json' })).not.toThrow();
      } else {
        const rules = 'mapping' in doc ? doc.mapping : doc;
        expect(() => compileRoleMapping(rules, '1234567890123456')).not.toThrow();
      }
    });
  }
});

describe('the credential commands of the README, from a signed-in profile', () => {
  let home: string;
  let expiration: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'ramgate-doc-home-'));
    expiration = writeCachedLogin(home, 'sso', 'STS.doc').expiration;
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const argv = (command: string) => [BIN, ...command.split(' ').slice(2)];

  it(WITH_SIGNED_IN_PROFILE[0] as string, async () => {
    const { stdout } = await run(process.execPath, argv(WITH_SIGNED_IN_PROFILE[0] as string), {
      env: { ...process.env, HOME: home },
    });
    expect(JSON.parse(stdout)).toEqual({
      mode: 'StsToken',
      access_key_id: 'STS.doc',
      access_key_secret: 'secret',
      sts_token: 'token',
      expiration,
    });
  });

  it(WITH_SIGNED_IN_PROFILE[1] as string, async () => {
    const child = spawn(process.execPath, argv(WITH_SIGNED_IN_PROFILE[1] as string), {
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const uri = await new Promise<string>((resolve, reject) => {
        let out = '';
        const collect = (chunk: Buffer) => {
          out += chunk.toString();
          const found = /export ALIBABA_CLOUD_CREDENTIALS_URI=(\S+)/.exec(out)?.[1];
          if (found) resolve(found);
        };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);
        child.once('exit', (code) => reject(new Error(`credentials-server exited ${code}: ${out}`)));
      });
      expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(await (await fetch(uri)).json()).toMatchObject({
        Code: 'Success',
        AccessKeyId: 'STS.doc',
        Expiration: expiration,
      });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
