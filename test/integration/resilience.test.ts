/**
 * Failure behaviour: Redis going away mid-run (fail closed with 503 ServiceUnavailable, nothing
 * half-written, recovery without a restart), and a memory-store gateway killed with SIGKILL while
 * it writes (a consistent data directory holding every acknowledged write).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import RPCClient from '@alicloud/pop-core';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/cli/start.js';
import { WebSession, demoIdpResponse } from '../support/gateway-client.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';

const ACCOUNT = '1234567890123456';
const ROOT = { accessKeyId: 'LTAIdemo0000000000000001', accessKeySecret: 'demoSecretDoNotUseInProduction' };
const CLI_ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup.length = 0;
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Redis with an fsynced append-only file in `dir`, so a restart on the same port keeps the directory. */
function durableRedis(dir: string, port?: number): Promise<RedisServer> {
  const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
  return startRedis(port === undefined ? args : [...args, '--port', String(port)]);
}

async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await sleep(100);
  }
}

function assumeRoleWithSaml(url: string, samlResponse: string) {
  return fetch(`${url}/`, {
    method: 'POST',
    body: new URLSearchParams({
      Action: 'AssumeRoleWithSAML',
      Version: '2015-04-01',
      Format: 'JSON',
      SAMLAssertion: samlResponse,
      SAMLProviderArn: `acs:ram::${ACCOUNT}:saml-provider/demo-idp`,
      RoleArn: `acs:ram::${ACCOUNT}:role/ReadOnly`,
    }),
  });
}

describe('Redis stopped mid-run', () => {
  it('fails logins and STS calls closed with 503 ServiceUnavailable, writes nothing, and recovers when Redis is back', async () => {
    const dataDir = tempDir('ramgate-redis-aof-');
    let redis = await durableRedis(dataDir);
    cleanup.push(() => redis.stop());
    const gateway = await startGateway({
      demo: true,
      store: { kind: 'redis', url: redis.url },
      logger: pino({ level: 'silent' }),
    });
    cleanup.push(() => gateway.close());
    const forAcs = await demoIdpResponse(gateway.url, 'bob', 'role');
    const forSts = await demoIdpResponse(gateway.url, 'bob', 'role');

    const signedInBefore = new WebSession();
    const before = await demoIdpResponse(gateway.url, 'bob', 'role');
    expect((await signedInBefore.request(before.acsUrl, { SAMLResponse: before.samlResponse })).status).toBe(
      303,
    );

    await redis.stop();
    const browser = new WebSession();
    const page = await browser.request(forAcs.acsUrl, { SAMLResponse: forAcs.samlResponse });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.html).toContain('ServiceUnavailable');
    expect(page.headers.get('set-cookie')).toBeNull();
    const api = await assumeRoleWithSaml(gateway.url, forSts.samlResponse);
    expect(api.status).toBe(503);
    const body = (await api.json()) as Record<string, unknown>;
    expect(body.Code).toBe('ServiceUnavailable');
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    // Pages past the rate limiter fail the same way: starting a login, opening the console.
    for (const path of [`/login?provider=${ACCOUNT}:demo-idp`, '/console']) {
      const failed = await signedInBefore.request(`${gateway.url}${path}`);
      expect(failed.status).toBe(503);
      expect(failed.html).toContain('ServiceUnavailable');
    }
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', store: 'redis' });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200); // alive, just not ready

    redis = await durableRedis(dataDir, redis.port);
    await until(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, 'not ready again');
    // Nothing was half-written during the outage: both assertions are still unused, and work now.
    const signedIn = await browser.request(forAcs.acsUrl, { SAMLResponse: forAcs.samlResponse });
    expect(signedIn.status).toBe(303);
    expect((await browser.request(`${gateway.url}/console`)).status).toBe(200);
    expect((await signedInBefore.request(`${gateway.url}/console`)).status).toBe(200);
    const minted = await assumeRoleWithSaml(gateway.url, forSts.samlResponse);
    expect(minted.status).toBe(200);
    expect(
      ((await minted.json()) as { Credentials?: { AccessKeyId?: string } }).Credentials?.AccessKeyId,
    ).toMatch(/^STS\./);
  });
});

/** `ramgate serve` from the sources as a child process; resolves once it listens. */
async function serveProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI_ENTRY, 'serve', '--port', String(port), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await until(
    async () => output.includes('is listening on'),
    `ramgate serve did not start (${output})`,
    30_000,
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

describe('memory store killed with SIGKILL during writes', () => {
  it('restarts from a consistent data directory that holds every acknowledged CreateUser', async () => {
    const dataDir = tempDir('ramgate-data-');
    const first = await serveProcess(['--demo', '--data-dir', dataDir]);
    const ram = new RPCClient({ endpoint: first.url, apiVersion: '2015-05-01', ...ROOT });
    const acknowledged: string[] = [];
    let stopped = false;
    const writer = async (lane: number) => {
      for (let n = 0; !stopped; n++) {
        const name = `crash-${lane}-${n}`;
        try {
          await ram.request('CreateUser', { UserName: name }, { method: 'POST', timeout: 5000 });
          acknowledged.push(name);
        } catch {
          return; // the process is gone
        }
      }
    };
    const lanes = [0, 1, 2, 3].map(writer);
    await until(async () => acknowledged.length >= 40, 'too few writes acknowledged');
    first.child.kill('SIGKILL');
    stopped = true;
    await Promise.all(lanes);
    await new Promise((resolve) =>
      first.child.exitCode !== null || first.child.signalCode
        ? resolve(null)
        : first.child.once('exit', resolve),
    );

    const file = JSON.parse(readFileSync(join(dataDir, 'directory.json'), 'utf8')) as unknown;
    expect(file).toBeTypeOf('object');
    const second = await serveProcess(['--demo', '--data-dir', dataDir]);
    const again = new RPCClient({ endpoint: second.url, apiVersion: '2015-05-01', ...ROOT });
    const listed = (await again.request('ListUsers', { MaxItems: '1000' }, { method: 'POST' })) as {
      Users: { User: Array<{ UserName: string }> };
    };
    const names = new Set(listed.Users.User.map((u) => u.UserName));
    const missing = acknowledged.filter((name) => !names.has(name));
    expect(missing).toEqual([]);
    // The restarted gateway writes on: the directory is usable, not just readable.
    await again.request('CreateUser', { UserName: 'after-restart' }, { method: 'POST' });
    second.child.kill('SIGTERM');
  });
});
