/**
 * Federated CLI login against a demo gateway (built-in demo IdP, driven with fetch): profile,
 * env and JSON outputs, role choice, the one-time code's rules, failures that write nothing, and
 * the credential helpers read by the official @alicloud/credentials and STS SDK.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { aliyunConfigPath } from '../../src/cli/aliyun-config.js';
import {
  freshCredentials,
  loginCachePath,
  startCredentialsServer,
} from '../../src/cli/credential-process.js';
import { runLogin } from '../../src/cli/login.js';
import { startGateway } from '../../src/cli/start.js';
import { DEMO_ACCOUNT } from '../../src/cli/demo.js';
import { createLogger } from '../../src/http/logger.js';
import {
  callerIdentityWith,
  demoIdpBrowser,
  hiddenInputs,
  noBrowser,
  profileCredential,
  ramgate,
  testIo,
  uriCredential,
  demoCliSession,
} from './cli-harness.js';

const run = promisify(execFile);
const ALICE = { username: 'alice', password: 'alice' };
const BOB = { username: 'bob', password: 'bob' };
const ROLE_ARN = (name: string) => `acs:ram::${DEMO_ACCOUNT}:role/${name}`;

const { session, options } = demoCliSession('ramgate-cli-home-');

async function readConfig() {
  return JSON.parse(await readFile(aliyunConfigPath(), 'utf8')) as {
    current: string;
    profiles: Array<Record<string, unknown>>;
    [key: string]: unknown;
  };
}

describe('ramgate login through the demo IdP', () => {
  it('writes an StsToken profile (0600) that the official credentials client and STS SDK accept', async () => {
    await writeFile(
      join(await mkdtempIn(session.home, '.aliyun'), 'config.json'),
      JSON.stringify({
        current: 'work',
        profiles: [
          {
            name: 'work',
            mode: 'AK',
            access_key_id: 'LTAIx',
            access_key_secret: 's',
            region_id: 'cn-beijing',
          },
        ],
        meta_path: '',
        extra_key: { kept: true },
      }),
    );
    const io = testIo(demoIdpBrowser(BOB));
    const result = await runLogin(options(), io);
    expect(io.stderr()).toContain('Open this URL in a browser to sign in');
    expect(io.stderr()).toContain('Waiting for the sign-in');
    expect(io.opened).toHaveLength(0); // --no-browser: the test plays the person who opens the URL
    expect(result.RoleArn).toBe(ROLE_ARN('ReadOnly'));

    const config = await readConfig();
    expect(config.current).toBe('work');
    expect(config.extra_key).toEqual({ kept: true });
    expect(config.profiles.map((p) => p.name)).toEqual(['work', 'demo']);
    expect(config.profiles[0]).toMatchObject({ mode: 'AK', region_id: 'cn-beijing' });
    expect(config.profiles[1]).toMatchObject({
      mode: 'StsToken',
      access_key_id: result.Credentials.AccessKeyId,
      sts_token: result.Credentials.SecurityToken,
      region_id: 'cn-hangzhou',
    });
    expect((await stat(aliyunConfigPath())).mode & 0o777).toBe(0o600);
    expect((await stat(loginCachePath('demo'))).mode & 0o777).toBe(0o600);

    const identity = await callerIdentityWith(profileCredential('demo'), session.gateway.url);
    expect(identity?.identityType).toBe('AssumedRoleUser');
    expect(identity?.arn).toBe(`acs:ram::${DEMO_ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`);
  });

  it('lets the person choose among several roles on the picker, or takes --role', async () => {
    const picked = await runLogin(options({ output: 'json' }), testIo(demoIdpBrowser(ALICE, 1)));
    expect(picked.RoleName).toBe('ReadOnly');
    const named = testIo(demoIdpBrowser(ALICE));
    const admin = await runLogin(options({ output: 'json', role: 'admin' }), named);
    expect(admin.RoleName).toBe('Admin');
    expect(JSON.parse(named.stdout())).toMatchObject({
      AccountId: DEMO_ACCOUNT,
      RoleArn: ROLE_ARN('Admin'),
      AssumedRoleUser: { Arn: `acs:ram::${DEMO_ACCOUNT}:assumed-role/Admin/alice@demo.onaliyun.com` },
      Credentials: { AccessKeyId: expect.stringMatching(/^STS\./) },
    });
    await expect(stat(aliyunConfigPath())).rejects.toThrow(/ENOENT/); // JSON output writes no file
  });

  it('prints export lines with --output env that a shell can evaluate', async () => {
    const io = testIo(demoIdpBrowser(BOB));
    const result = await runLogin(options({ output: 'env' }), io);
    const { stdout } = await run('sh', [
      '-c',
      `${io.stdout()} echo "$ALIBABA_CLOUD_ACCESS_KEY_ID|$ALIBABA_CLOUD_ACCESS_KEY_SECRET|$ALIBABA_CLOUD_SECURITY_TOKEN"`,
    ]);
    const c = result.Credentials;
    expect(stdout.trim()).toBe(`${c.AccessKeyId}|${c.AccessKeySecret}|${c.SecurityToken}`);
  });

  it('times out with a clear message, writes nothing and frees the loopback port', async () => {
    const io = testIo(noBrowser);
    await expect(runLogin(options({ timeoutMs: 300 }), io)).rejects.toThrow(
      /Timed out after 0 s .* nothing was written/,
    );
    const callback = new URL(
      new URL(io.stderr().match(/http:\/\/\S+/)?.[0] ?? '').searchParams.get('cli_redirect') ?? '',
    );
    await expect(fetch(callback)).rejects.toThrow();
    await expect(stat(join(session.home, '.aliyun'))).rejects.toThrow(/ENOENT/);
  });

  it('stops at once on Ctrl-C (abort) and writes nothing', async () => {
    const controller = new AbortController();
    const io = testIo(async () => controller.abort(new Error('Cancelled: nothing was written.')), {
      signal: controller.signal,
    });
    await expect(runLogin(options({ noBrowser: false }), io)).rejects.toThrow(/Cancelled/);
    await expect(stat(join(session.home, '.aliyun'))).rejects.toThrow(/ENOENT/);
  });

  it('reports a gateway refusal (unknown provider) in the terminal, before any browser opens', async () => {
    const io = testIo(noBrowser);
    await expect(runLogin(options({ provider: 'nope', noBrowser: false }), io)).rejects.toThrow(
      /The gateway refused: EntityNotExist\.SAMLProvider: No SAML provider "nope" in account \d+\. \(RequestId /,
    );
    expect(io.opened).toHaveLength(0);
  });
});

/** An IdP-initiated response of the demo IdP, as a CI job would have obtained it elsewhere. */
async function demoSamlResponse(user: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${session.gateway.url}/demo-idp/login`, {
    method: 'POST',
    body: new URLSearchParams({ sp: 'role', request: '', relay: '', ...user }),
  });
  const value = hiddenInputs(await res.text()).get('SAMLResponse');
  if (!value) throw new Error('the demo IdP issued no SAMLResponse');
  return value;
}

describe('ramgate login --saml-response (non-interactive)', () => {
  it('exchanges a response file through AssumeRoleWithSAML, with --role and --duration', async () => {
    const file = join(session.home, 'response.b64');
    await writeFile(file, (await demoSamlResponse(ALICE)).replace(/(.{76})/g, '$1\n'));
    const result = await runLogin(
      options({ samlResponse: file, role: 'Admin', duration: 7200 }),
      testIo(noBrowser),
    );
    expect(result.AssumedRoleUser.Arn).toBe(
      `acs:ram::${DEMO_ACCOUNT}:assumed-role/Admin/alice@demo.onaliyun.com`,
    );
    const lifetime = Date.parse(result.Credentials.Expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(7100_000);
    expect(lifetime).toBeLessThanOrEqual(7200_000);
    const identity = await callerIdentityWith(profileCredential('demo'), session.gateway.url);
    expect(identity?.arn).toBe(result.AssumedRoleUser.Arn);

    const replay = runLogin(options({ samlResponse: file, role: 'Admin' }), testIo(noBrowser));
    await expect(replay).rejects.toThrow(
      /The gateway refused: AuthenticationFail\.SAMLAssertion\.Invalid: .*/,
    );
  });

  it('asks which role when several are offered, and says which exist when nobody can answer', async () => {
    const file = join(session.home, 'response.xml');
    await writeFile(file, Buffer.from(await demoSamlResponse(ALICE), 'base64'));
    const unanswered = runLogin(options({ samlResponse: file, output: 'json' }), testIo(noBrowser));
    await expect(unanswered).rejects.toThrow(
      `The SAMLResponse offers several roles; choose one with --role: Admin (${ROLE_ARN('Admin')}), ReadOnly (${ROLE_ARN('ReadOnly')}).`,
    );
    const chosen = await runLogin(
      options({ samlResponse: file, output: 'json' }),
      testIo(noBrowser, { choose: (roles) => roles.findIndex((r) => r.roleName === 'ReadOnly') }),
    );
    expect(chosen.RoleName).toBe('ReadOnly');
    const other = runLogin(options({ samlResponse: file, role: 'Auditor' }), testIo(noBrowser));
    await expect(other).rejects.toThrow(/does not offer the role "Auditor"; it offers: Admin/);
  });

  it('refuses bad input before calling the gateway, and nothing is written', async () => {
    const file = join(session.home, 'bad.txt');
    await writeFile(file, 'not a SAMLResponse: {}');
    await expect(runLogin(options({ samlResponse: file }), testIo(noBrowser))).rejects.toThrow(
      /neither base64 nor XML/,
    );
    await writeFile(file, Buffer.from('<a><b></a>').toString('base64'));
    await expect(runLogin(options({ samlResponse: file }), testIo(noBrowser))).rejects.toThrow(
      /The SAMLResponse cannot be read/,
    );
    await expect(
      runLogin(options({ samlResponse: join(session.home, 'missing') }), testIo(noBrowser)),
    ).rejects.toThrow(/ENOENT/);
    await expect(stat(join(session.home, '.aliyun'))).rejects.toThrow(/ENOENT/);
  });

  it('reports an expired response with the gateway code', async () => {
    let shift = -3600_000;
    const shifted = await startGateway({
      demo: true,
      logger: createLogger({ level: 'silent' }),
      now: () => Date.now() + shift,
    });
    try {
      const res = await fetch(`${shifted.url}/demo-idp/login`, {
        method: 'POST',
        body: new URLSearchParams({ sp: 'role', request: '', relay: '', ...BOB }),
      });
      const file = join(session.home, 'old.b64');
      await writeFile(file, hiddenInputs(await res.text()).get('SAMLResponse') ?? '');
      shift = 0; // the response was issued an hour ago
      const login = runLogin(options({ gateway: shifted.url, samlResponse: file }), testIo(noBrowser));
      await expect(login).rejects.toThrow(
        /The gateway refused: AuthenticationFail\.SAMLAssertion\.Expired: /,
      );
    } finally {
      await shifted.close();
    }
  });
});

describe('the ramgate command', () => {
  const common = ['--gateway', '', '--provider', `${DEMO_ACCOUNT}:demo-idp`, '--no-browser'];
  const args = (...extra: string[]) => [...common.map((a) => a || session.gateway.url), ...extra];

  it('ramgate login --output env prints the URL on stderr and the exports on stdout', async () => {
    const run = ramgate(session.home, ['login', ...args('--output', 'env', '--role', 'ReadOnly')]);
    await demoIdpBrowser(ALICE)(await run.url);
    const { code, stdout, stderr } = await run.exit;
    expect(code).toBe(0);
    expect(stdout).toMatch(/^export ALIBABA_CLOUD_ACCESS_KEY_ID='STS\.[^']+'\n/);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(stderr).toContain(
      `Signed in as acs:ram::${DEMO_ACCOUNT}:assumed-role/ReadOnly/alice@demo.onaliyun.com`,
    );
  });

  it('Ctrl-C while waiting ends the login, frees the port and writes nothing', async () => {
    const run = ramgate(session.home, ['login', ...args()]);
    const callback = new URL((await run.url).replace(/^.*?\?/, 'http://x/?')).searchParams.get(
      'cli_redirect',
    );
    run.child.kill('SIGINT');
    const { code, stderr } = await run.exit;
    expect(code).toBe(1);
    expect(stderr).toContain('Cancelled: nothing was written.');
    await expect(fetch(callback ?? '')).rejects.toThrow();
    await expect(stat(join(session.home, '.aliyun'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses unknown output kinds before doing anything', async () => {
    const bad = await ramgate(session.home, ['login', ...args('--output', 'yaml')]).exit;
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("argument 'yaml' is invalid. Allowed choices are profile, env, json.");
  });
});

describe('credential helpers', () => {
  it('credential-process serves the cache, and signs in again only near expiry', async () => {
    await runLogin(options(), testIo(demoIdpBrowser(BOB)));
    const first = JSON.parse(await readFile(loginCachePath('demo'), 'utf8'));
    const fromCache = await freshCredentials({ profile: 'demo' }, testIo(noBrowser));
    expect(fromCache.Credentials).toEqual(first.result.Credentials);

    const io = testIo(demoIdpBrowser(BOB));
    const refreshed = await freshCredentials({ profile: 'demo', refreshBeforeSeconds: 10 * 3600 }, io);
    expect(io.stderr()).toMatch(/expire at .* signing in again/);
    expect(refreshed.Credentials.AccessKeyId).not.toBe(first.result.Credentials.AccessKeyId);
    const cached = JSON.parse(await readFile(loginCachePath('demo'), 'utf8'));
    expect(cached.result.Credentials.AccessKeyId).toBe(refreshed.Credentials.AccessKeyId);
  });

  it('credential-process without a cached login says how to log in', async () => {
    await expect(freshCredentials({ profile: 'never' }, testIo(noBrowser))).rejects.toThrow(
      /No cached login for profile "never": run ramgate login/,
    );
  });

  it('the official credentials client runs `ramgate credential-process` as an External profile', async () => {
    await runLogin(options(), testIo(demoIdpBrowser(BOB)));
    const entry = join(import.meta.dirname, 'cli-entry.ts');
    const config = await readConfig();
    config.profiles.push({
      name: 'external',
      mode: 'External',
      process_command: `${process.execPath} --import tsx ${entry} credential-process --profile demo`,
    });
    await writeFile(aliyunConfigPath(), JSON.stringify(config));
    const identity = await callerIdentityWith(profileCredential('external'), session.gateway.url);
    expect(identity?.arn).toBe(`acs:ram::${DEMO_ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`);
  });

  it('a CredentialsURI endpoint serves the credentials to the official client; other hosts are refused', async () => {
    await runLogin(options(), testIo(demoIdpBrowser(BOB)));
    const server = await startCredentialsServer({ profile: 'demo' }, testIo(noBrowser));
    try {
      const body = await (await fetch(server.url)).json();
      expect(body).toMatchObject({ Code: 'Success', AccessKeyId: expect.stringMatching(/^STS\./) });
      expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const identity = await callerIdentityWith(uriCredential(server.url), session.gateway.url);
      expect(identity?.arn).toBe(`acs:ram::${DEMO_ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`);
      expect(await statusWithHost(server.url, 'evil.example')).toBe(403);
      expect(await statusWithHost(server.url, new URL(server.url).host)).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** fetch cannot set Host: node:http can (as a DNS-rebinding page's request would carry it). */
function statusWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('error', reject);
  });
}

async function mkdtempIn(base: string, name: string): Promise<string> {
  const dir = join(base, name);
  await mkdir(dir, { recursive: true });
  return dir;
}
