/**
 * `ramgate serve` as a process: with --data-dir replay protection survives a restart (also after
 * SIGKILL) and a second process on the same data dir is refused, naming the holder's pid; rate
 * limits from the config file, flags and RAMGATE_* variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSession } from '../support/gateway-client.js';
import { freePort } from '../support/redis.js';
import { TestIdp } from '../support/test-idp.js';

const ACCOUNT = '1234567890123456';
const BIN = resolve(import.meta.dirname, '../../bin/ramgate.js');
let dir: string;
let port: number;
const running: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ramgate-data-dir-'));
  writeFileSync(join(dir, 'idp.xml'), new TestIdp().metadata());
  const config = {
    accounts: [
      {
        id: ACCOUNT,
        samlProviders: [{ name: 'test-idp', metadataFile: 'idp.xml' }],
        roles: [{ name: 'readonly', trustedSamlProviders: ['test-idp'], policies: ['ReadOnlyAccess'] }],
      },
    ],
  };
  writeFileSync(join(dir, 'ramgate.json'), JSON.stringify(config));
  port = await freePort();
});

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type Serve = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function serve(extra: string[] = [], env: Record<string, string> = {}): Serve {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--config', join(dir, 'ramgate.json'), '--port', String(port), ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAMGATE_DATA_DIR: '', ...env } },
  );
  running.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function listening(s: Serve): Promise<void> {
  for (let i = 0; i < 200 && !s.output().includes('ramgate is listening'); i++) {
    if (s.child.exitCode !== null) throw new Error(`serve exited: ${s.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!s.output().includes('ramgate is listening')) throw new Error(`serve did not start: ${s.output()}`);
}

function response(): string {
  const idp = new TestIdp({
    sp: { entityId: 'urn:alibaba:cloudcomputing', acsUrl: `http://127.0.0.1:${port}/saml-role/sso` },
  });
  return idp.response({
    roles: [`acs:ram::${ACCOUNT}:role/readonly,acs:ram::${ACCOUNT}:saml-provider/test-idp`],
  }).base64;
}

const post = (samlResponse: string) =>
  new WebSession().request(`http://127.0.0.1:${port}/saml-role/sso`, { SAMLResponse: samlResponse });

describe('serve --data-dir', () => {
  const data = () => join(dir, 'data');

  it('refuses a second process on the data dir, naming the holder', async () => {
    const first = serve(['--data-dir', data()]);
    await listening(first);
    const second = serve(['--data-dir', data(), '--port', '0']);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`in use by another ramgate process (pid ${first.child.pid})`);
    first.child.kill('SIGTERM');
    await first.exited;
  });

  it('keeps replay protection across a restart, also after SIGKILL', async () => {
    const samlResponse = response();
    const first = serve(['--data-dir', data()]);
    await listening(first);
    expect((await post(samlResponse)).status).toBe(303);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = serve(['--data-dir', data()]);
    await listening(second); // the lock of the killed process is stale: taken over
    const again = await post(samlResponse);
    expect(again.status).toBe(401);
    expect(again.html).toContain('<code>replay</code>');
    expect((await post(response())).status).toBe(303); // a fresh assertion still signs in
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('without --data-dir says at start that a restart forgets replays, and then does forget', async () => {
    const samlResponse = response();
    const first = serve();
    await listening(first);
    expect(first.output()).toMatch(/restart forgets replay records/);
    expect((await post(samlResponse)).status).toBe(303);
    first.child.kill('SIGTERM');
    await first.exited;
    const second = serve();
    await listening(second);
    expect((await post(samlResponse)).status).toBe(303);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});

describe('serve rate-limit settings', () => {
  const login = () =>
    fetch(`http://127.0.0.1:${port}/login?provider=${ACCOUNT}:test-idp`, { redirect: 'manual' });
  const statuses = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await login()).status);
    return out;
  };

  it('takes the config file, then RAMGATE_RATE_LIMIT_LOGIN over it, then --rate-limit-login over both', async () => {
    const config = JSON.parse(readFileSync(join(dir, 'ramgate.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'limits.json'),
      JSON.stringify({ ...config, gateway: { rateLimits: { login: 1 } } }),
    );
    const fromFile = serve(['--config', join(dir, 'limits.json')]);
    await listening(fromFile);
    expect(await statuses(2)).toEqual([302, 400]);
    fromFile.child.kill('SIGTERM');
    await fromFile.exited;

    const fromEnv = serve(['--config', join(dir, 'limits.json')], { RAMGATE_RATE_LIMIT_LOGIN: '2' });
    await listening(fromEnv);
    expect(await statuses(3)).toEqual([302, 302, 400]);
    fromEnv.child.kill('SIGTERM');
    await fromEnv.exited;

    const fromFlag = serve(['--config', join(dir, 'limits.json'), '--rate-limit-login', '3'], {
      RAMGATE_RATE_LIMIT_LOGIN: '2',
    });
    await listening(fromFlag);
    expect(await statuses(4)).toEqual([302, 302, 302, 400]);
    fromFlag.child.kill('SIGTERM');
    await fromFlag.exited;
  });

  it('refuses a rate limit that is not a whole number', async () => {
    const bad = serve(['--rate-limit-acs', 'lots']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toContain('--rate-limit-acs must be a whole number');
  });
});
