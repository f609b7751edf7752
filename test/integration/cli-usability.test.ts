/**
 * The CLI as a new user meets it (issue 16): a login never overwrites a profile the user made
 * (AK, RamRoleArn, EcsRamRole) unless --force, and then keeps a backup; --role must be offered, in
 * the browser flow as with --saml-response; failures of the browser leg (a stopped gateway, a wrong
 * --provider, a refusal at the ACS) reach the terminal at once instead of waiting out --timeout;
 * credential-process loads only what serving its cache needs, and has a --timeout.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aliyunConfigPath } from '../../src/cli/aliyun-config.js';
import { DEMO_ACCOUNT } from '../../src/cli/demo.js';
import { runLogin } from '../../src/cli/login.js';
import { freePort } from '../support/redis.js';
import {
  demoIdpBrowser,
  demoIdpFailure,
  demoIdpToAcs,
  hiddenInputs,
  noBrowser,
  ramgate,
  testIo,
  demoCliSession,
} from './cli-harness.js';

const ALICE = { username: 'alice', password: 'alice' };
const BOB = { username: 'bob', password: 'bob' };
const AK_PROFILE = {
  name: 'default',
  mode: 'AK',
  access_key_id: 'LTAI5tLongTermKeyOfTheUser',
  access_key_secret: 'the-long-term-secret',
  region_id: 'cn-beijing',
};

const { session, options } = demoCliSession('ramgate-cli-usability-');

async function writeAliyunConfig(profiles: object[]): Promise<string> {
  await mkdir(join(session.home, '.aliyun'), { recursive: true });
  const text = JSON.stringify({ current: 'default', profiles, meta_path: '' });
  await writeFile(aliyunConfigPath(), text);
  return text;
}

async function samlResponseFile(user: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${session.gateway.url}/demo-idp/login`, {
    method: 'POST',
    body: new URLSearchParams({ sp: 'role', request: '', relay: '', ...user }),
  });
  const file = join(session.home, `${user.username}.b64`);
  await writeFile(file, hiddenInputs(await res.text()).get('SAMLResponse') ?? '');
  return file;
}

describe('1. a login never overwrites a profile the user made', () => {
  it('ramgate login (default profile) refuses an AK profile, names --profile, and writes nothing', async () => {
    const original = await writeAliyunConfig([AK_PROFILE]);
    const file = await samlResponseFile(BOB);
    const run = await ramgate(session.home, [
      'login',
      '--gateway',
      session.gateway.url,
      '--saml-response',
      file,
    ]).exit;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Profile "default" in ${aliyunConfigPath()} is an AK profile (credentials you configured); ramgate login does not overwrite it.`,
    );
    expect(run.stderr).toContain('--profile <name>');
    expect(run.stderr).toContain('--force');
    expect(await readFile(aliyunConfigPath(), 'utf8')).toBe(original);
    expect(await readdir(join(session.home, '.aliyun'))).toEqual(['config.json']); // no cache, no backup
  });

  it('refuses before the browser sign-in starts (no URL printed)', async () => {
    await writeAliyunConfig([AK_PROFILE]);
    const run = ramgate(session.home, [
      'login',
      '--gateway',
      session.gateway.url,
      '--provider',
      `${DEMO_ACCOUNT}:demo-idp`,
      '--no-browser',
    ]);
    const { code, stderr } = await run.exit;
    expect(code).toBe(1);
    expect(stderr).not.toContain('/cli/login');
    expect(stderr).toContain('is an AK profile');
  });

  it.each([
    ['RamRoleArn', { mode: 'RamRoleArn', ram_role_arn: `acs:ram::${DEMO_ACCOUNT}:role/Admin` }],
    ['EcsRamRole', { mode: 'EcsRamRole', ram_role_name: 'ecs-role' }],
  ])('refuses a %s profile too', async (mode, settings) => {
    const original = await writeAliyunConfig([{ name: 'demo', ...settings }]);
    await expect(runLogin(options(), testIo(noBrowser))).rejects.toThrow(
      new RegExp(`Profile "demo" in .* is an? ${mode} profile .*--profile <name>`),
    );
    expect(await readFile(aliyunConfigPath(), 'utf8')).toBe(original);
  });

  it('--force replaces it after keeping a timestamped 0600 backup of config.json', async () => {
    const original = await writeAliyunConfig([AK_PROFILE]);
    const file = await samlResponseFile(BOB);
    const run = await ramgate(session.home, [
      'login',
      '--gateway',
      session.gateway.url,
      '--saml-response',
      file,
      '--force',
    ]).exit;
    expect(run.code).toBe(0);
    const backups = (await readdir(join(session.home, '.aliyun'))).filter((f) => f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^config\.json\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.bak$/);
    const backup = join(session.home, '.aliyun', backups[0] as string);
    expect(run.stderr).toContain(`Kept a copy of the previous ${aliyunConfigPath()} at ${backup}.`);
    expect(await readFile(backup, 'utf8')).toBe(original);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
    const config = JSON.parse(await readFile(aliyunConfigPath(), 'utf8'));
    expect(config.profiles[0]).toMatchObject({ name: 'default', mode: 'StsToken', region_id: 'cn-beijing' });
  });
});

describe('3. --role that the IdP does not offer is refused', () => {
  it('in the browser flow: bob (ReadOnly only) with --role Admin fails in the terminal, nothing written', async () => {
    let failure: Awaited<ReturnType<typeof demoIdpFailure>> | undefined;
    const io = testIo(async (url) => void (failure = await demoIdpFailure(url, BOB)));
    await expect(runLogin(options({ role: 'Admin', noBrowser: false }), io)).rejects.toThrow(
      /The sign-in failed at the gateway: AuthenticationFail\.SAMLAssertion\.Invalid: You asked for the role "Admin", but the identity provider does not offer it to you; it offers: ReadOnly \(acs:ram::\d+:role\/ReadOnly\)/,
    );
    expect(failure?.status).toBe(401);
    expect(failure?.page).toContain('does not offer it to you');
    expect(failure?.listener).toContain('Sign-in failed');
    await expect(stat(join(session.home, '.aliyun'))).rejects.toThrow(/ENOENT/);
  });

  it('with --saml-response, the same', async () => {
    const file = await samlResponseFile(BOB);
    await expect(runLogin(options({ samlResponse: file, role: 'Admin' }), testIo(noBrowser))).rejects.toThrow(
      /does not offer the role "Admin"; it offers: ReadOnly/,
    );
  });

  it('a role that is offered is still taken (alice, --role Admin)', async () => {
    const result = await runLogin(options({ role: 'Admin', output: 'json' }), testIo(demoIdpBrowser(ALICE)));
    expect(result.RoleName).toBe('Admin');
  });

  it('GET /login?role= in the web flow refuses it too', async () => {
    const query = new URLSearchParams({ provider: `${DEMO_ACCOUNT}:demo-idp`, role: 'Admin' });
    const { acs } = await demoIdpToAcs(`${session.gateway.url}/login?${query}`, BOB);
    expect(acs.status).toBe(401);
    expect(await acs.text()).toContain('does not offer it to you');
  });
});

describe('5. failures of the browser leg reach the terminal at once', () => {
  it('a stopped gateway: the CLI says so before opening a browser and exits 1', async () => {
    const port = await freePort();
    const run = ramgate(session.home, [
      'login',
      '--gateway',
      `http://127.0.0.1:${port}`,
      '--provider',
      `${DEMO_ACCOUNT}:demo-idp`,
      '--no-browser',
      '--timeout',
      '600',
    ]);
    const { code, stderr } = await run.exit;
    expect(code).toBe(1);
    expect(stderr).toContain(
      `Cannot reach the gateway at http://127.0.0.1:${port} (ECONNREFUSED): is it running, and is --gateway right?`,
    );
    expect(stderr).not.toContain('/cli/login');
  });

  it('a wrong --provider: the gateway refusal, before opening a browser', async () => {
    const run = ramgate(session.home, [
      'login',
      '--gateway',
      session.gateway.url,
      '--provider',
      `${DEMO_ACCOUNT}:no-such-idp`,
      '--timeout',
      '600',
    ]);
    const { code, stderr } = await run.exit;
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /The gateway refused: EntityNotExist\.SAMLProvider: No SAML provider "\d+:no-such-idp"\. \(RequestId [0-9A-F-]+\)/,
    );
    expect(stderr).not.toContain('Opening your browser');
  });

  it('a refusal at the ACS goes back to the listener: the command prints it and exits 1', async () => {
    const run = ramgate(session.home, [
      'login',
      ...['--gateway', session.gateway.url, '--provider', `${DEMO_ACCOUNT}:demo-idp`, '--role', 'Admin'],
      ...['--no-browser', '--timeout', '600'],
    ]);
    const failure = await demoIdpFailure(await run.url, BOB);
    expect(failure.cliReturn).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?error=AuthenticationFail/);
    const { code, stderr } = await run.exit;
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /The sign-in failed at the gateway: AuthenticationFail\.SAMLAssertion\.Invalid: You asked for the role "Admin".* \(RequestId [0-9A-F-]+\)\. Nothing was written\./,
    );
    await expect(stat(join(session.home, '.aliyun'))).rejects.toThrow(/ENOENT/);
  });

  it('the listener takes a failure only with the state of the waiting login', async () => {
    const io = testIo(async (url) => {
      const start = new URL(url);
      const callback = start.searchParams.get('cli_redirect') ?? '';
      const forged = await fetch(`${callback}?error=X&error_description=forged&state=wrong`);
      expect(forged.status).toBe(400);
      const failure = await demoIdpFailure(url, BOB);
      expect(failure.listener).toContain('Sign-in failed');
    });
    await expect(runLogin(options({ role: 'Admin', noBrowser: false }), io)).rejects.toThrow(
      /does not offer it to you/,
    );
  });
});

/** `ramgate` as the aliyun CLI runs it: the built bin/ramgate.js, tracing which modules it loads. */
function builtRamgate(args: string[], trace?: string) {
  const root = join(import.meta.dirname, '..', '..');
  const hooks = pathToFileURL(join(root, 'test', 'support', 'module-trace-hooks.mjs')).href;
  const register = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(hooks)})`;
  // Not spawnSync: the gateway in this process must keep answering while the command runs.
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [...(trace ? ['--import', register] : []), join(root, 'bin', 'ramgate.js'), ...args],
      {
        env: { ...process.env, HOME: session.home, ...(trace ? { RAMGATE_MODULE_TRACE: trace } : {}) },
        encoding: 'utf8',
        timeout: 20_000,
      },
      (error, stdout, stderr) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

describe('6. credential-process: light, from cache, with a --timeout', () => {
  it('from the cache it loads only its own CLI modules (not the gateway, SAML, HTTP or SSO code)', async () => {
    await runLogin(options(), testIo(demoIdpBrowser(BOB)));
    const trace = join(session.home, 'modules.txt');
    const run = await builtRamgate(['credential-process', '--profile', 'demo'], trace);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      mode: 'StsToken',
      access_key_id: expect.stringMatching(/^STS\./),
    });
    const loaded = [...new Set((await readFile(trace, 'utf8')).split('\n').filter(Boolean))];
    const ours = loaded.filter((url) => url.includes('/dist/')).map((url) => url.replace(/^.*\/dist\//, ''));
    expect(ours.sort()).toEqual([
      'cli/aliyun-config.js',
      'cli/cli-io.js',
      'cli/credential-process.js',
      'cli/main.js',
    ]);
    const packages = loaded.filter((url) => url.includes('/node_modules/'));
    expect(packages.every((url) => url.includes('/node_modules/commander/'))).toBe(true);
  });

  it('--timeout bounds the sign-in it starts when there is no usable cache (the SDKs wait 60 s)', async () => {
    const run = await builtRamgate([
      'credential-process',
      ...['--profile', 'fresh', '--gateway', session.gateway.url, '--provider', `${DEMO_ACCOUNT}:demo-idp`],
      ...['--no-browser', '--timeout', '1'],
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Profile "fresh" has no credentials yet; signing in.');
    expect(run.stderr).toContain('Timed out after 1 s waiting for the browser sign-in; nothing was written.');
    expect(run.stdout).toBe('');
  });

  it('refuses a --timeout that is not a number of seconds', async () => {
    const run = await builtRamgate(['credential-process', '--timeout', 'soon']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--timeout must be a whole number of seconds, not soon.');
  });

  it('--version answers without loading any command', async () => {
    const trace = join(session.home, 'modules.txt');
    const run = await builtRamgate(['--version'], trace);
    expect(run.stdout.trim()).toBe('0.1.0');
    const ours = (await readFile(trace, 'utf8')).split('\n').filter((url) => url.includes('/dist/'));
    expect([...new Set(ours)].map((url) => url.replace(/^.*\/dist\//, ''))).toEqual(['cli/main.js']);
  });
});
