/**
 * ramgate's native HTTPS listener, as `ramgate serve --tls-cert/--tls-key` runs it (the built CLI in
 * a child process): the official @alicloud/credentials ram_role_arn provider, which insists on
 * https, obtains role credentials from it (NODE_EXTRA_CA_CERTS names the test CA) and the official
 * STS client uses them; HSTS; the plain-HTTP listener only redirects; SIGHUP installs a renewed
 * certificate without a restart and a broken pair is refused; /metrics lives on the operator
 * listener behind a bearer token. The file watcher is tested on the listener itself.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { Agent } from 'node:https';
import RPCClient from '@alicloud/pop-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsListener } from '../../src/http/tls.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const ROOT_DIR = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT_DIR, 'bin', 'ramgate.js');
const CHILD = join(ROOT_DIR, 'test', 'support', 'ram-role-arn-child.mjs');
const ACCOUNT = '3333333333333333';
const DEPLOYER = { id: 'LTAItls00000000000000001', secret: 'tlsSecret000000000000000000001' };
const ROLE_ARN = `acs:ram::${ACCOUNT}:role/Deployer`;
const VIEWER = { accessKeyId: 'LTAItls00000000000000002', accessKeySecret: 'tlsSecret000000000000000000002' };
const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';

const CONFIG = `
accounts:
  - id: '${ACCOUNT}'
    alias: tls
    users:
      - name: deployer
        policies: [AliyunSTSAssumeRoleAccess]
        accessKeys: [{ id: ${DEPLOYER.id}, secret: ${DEPLOYER.secret} }]
      - name: viewer
        policies: [TlsOnly]
        accessKeys: [{ id: ${VIEWER.accessKeyId}, secret: ${VIEWER.accessKeySecret} }]
    policies:
      - name: TlsOnly
        document:
          Version: '1'
          Statement:
            - Effect: Allow
              Action: ram:ListRoles
              Resource: '*'
              Condition: { Bool: { 'acs:SecureTransport': 'true' } }
            - Effect: Allow
              Action: ram:ListUsers
              Resource: '*'
              Condition: { Bool: { 'acs:SecureTransport': 'false' } }
    roles:
      - name: Deployer
        trustPolicy:
          Version: '1'
          Statement: [{ Effect: Allow, Action: sts:AssumeRole, Principal: { RAM: ['acs:ram::${ACCOUNT}:root'] } }]
        policies: [ReadOnlyAccess]
`;

let dir: string;
let ca: TestCa;
let serve: ChildProcess;
let baseUrl: string;
let redirectPort: number;
let operatorUrl: string;
const logLines: string[] = [];

/** Waits for a stdout line of the gateway matching `pattern`. */
async function lineMatching(pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    for (const line of logLines) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    if (Date.now() > deadline || serve.exitCode !== null)
      throw new Error(`no line matching ${pattern}:\n${logLines.join('\n')}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ramgate-tls-'));
  ca = await makeTestCa(join(dir, 'ca'));
  writeFileSync(join(dir, 'ramgate.yaml'), CONFIG);
  serve = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--config',
      join(dir, 'ramgate.yaml'),
      '--port',
      '0',
      '--tls-cert',
      ca.certFile,
      '--tls-key',
      ca.keyFile,
    ],
    {
      // SIGHUP alone reloads here (the watcher is tested below), so the test sees which one acted.
      // The redirect and operator listeners come from RAMGATE_* variables, as under systemd.
      env: {
        ...process.env,
        RAMGATE_TLS_WATCH_SECONDS: '0',
        RAMGATE_OPERATOR_TOKEN: OPERATOR_TOKEN,
        RAMGATE_HTTP_PORT: '0',
        RAMGATE_OPERATOR_LISTEN: '127.0.0.1:0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let pending = '';
  const collect = (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    logLines.push(...lines);
  };
  serve.stdout?.on('data', collect);
  serve.stderr?.on('data', collect);
  baseUrl = (await lineMatching(/ramgate is listening on (https:\/\/\S+)/))[1] ?? '';
  redirectPort = Number((await lineMatching(/"port":(\d+),"to":"https:/))[1]);
  operatorUrl = (await lineMatching(/"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"operator listener/))[1] ?? '';
}, 30_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((done) => serve.once('exit', done));
    serve.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hostPort = () => new URL(baseUrl).host;

/** The fingerprint of the certificate a fresh TLS connection is served. */
function servedFingerprint(port = Number(new URL(baseUrl).port)): Promise<string> {
  return new Promise((done, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: ca.caPem, servername: 'localhost' }, () => {
      done(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

function runSdkChild(extraEnv: Record<string, string>): Promise<Record<string, unknown>> {
  return promisify(execFile)(
    process.execPath,
    [CHILD, hostPort(), DEPLOYER.id, DEPLOYER.secret, ROLE_ARN, 'sdk-session'],
    { env: { ...process.env, ...extraEnv }, timeout: 30_000 },
  ).then(
    ({ stdout }) => JSON.parse(stdout) as Record<string, unknown>,
    (error: { stderr?: string }) => ({ failed: String(error.stderr ?? error) }),
  );
}

/** fetch() with the test CA is not available in-process: TLS requests go through node:https via tls. */
async function getOverTls(path: string, headers: Record<string, string> = {}) {
  const { request } = await import('node:https');
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done, reject) => {
    const req = request(`${baseUrl}${path}`, { ca: ca.caPem, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ramgate serve --tls-cert --tls-key', () => {
  it('lets the official ram_role_arn provider obtain role credentials over https, used by the STS client', async () => {
    const result = await runSdkChild({ NODE_EXTRA_CA_CERTS: ca.caFile });
    expect(result).toEqual({
      type: 'ram_role_arn',
      accessKeyId: expect.stringMatching(/^STS\./),
      hasToken: true,
      arn: `acs:ram::${ACCOUNT}:assumed-role/Deployer/sdk-session`,
      identityType: 'AssumedRoleUser',
    });
    // Without the test CA the SDK refuses the certificate: the listener is really TLS, verified.
    const untrusted = await runSdkChild({ NODE_EXTRA_CA_CERTS: '' });
    expect(String(untrusted.failed)).toMatch(/certificate/i);
  });

  it('makes acs:SecureTransport true on the https listener', async () => {
    const client = new RPCClient({ endpoint: baseUrl, apiVersion: '2015-05-01', ...VIEWER });
    const call = (action: string) =>
      client.request(action, {}, { method: 'POST', agent: new Agent({ ca: ca.caPem }) }).then(
        () => 'allowed',
        (e: { data?: { Code?: string } }) => e.data?.Code ?? 'failed',
      );
    expect(await call('ListRoles')).toBe('allowed');
    expect(await call('ListUsers')).toBe('NoPermission');
  });

  it('sends HSTS on https answers', async () => {
    const health = await getOverTls('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('answers plain HTTP only with redirects to the https base URL (never to the Host header)', async () => {
    const answer = await new Promise<{ status: number; location?: string }>((done, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: redirectPort,
          path: '//evil.example/console?x=1',
          headers: { host: 'evil.example' },
        },
        (res) => {
          res.resume();
          done({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 301, location: `${baseUrl}//evil.example/console?x=1` });
    expect(new URL(answer.location ?? '').host).toBe(hostPort());
  });

  it('serves /metrics on the operator listener only, behind the bearer token', async () => {
    expect((await getOverTls('/metrics')).status).toBe(404);
    expect((await fetch(`${operatorUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${operatorUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${operatorUrl}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('ramgate_http_request_seconds');
    expect((await fetch(`${operatorUrl}/healthz`)).status).toBe(200);
  });

  it('installs a renewed certificate on SIGHUP without a restart, and refuses a broken pair', async () => {
    const before = await servedFingerprint();
    expect(before).toBe(ca.fingerprint());
    await ca.renew();
    expect(ca.fingerprint()).not.toBe(before);
    await sleep(300);
    expect(await servedFingerprint()).toBe(before); // no watcher here: nothing happens until SIGHUP
    serve.kill('SIGHUP');
    await lineMatching(/TLS certificate reloaded/);
    expect(await servedFingerprint()).toBe(ca.fingerprint());
    // A key that does not match the certificate: logged, and the working pair stays.
    const renewed = ca.fingerprint();
    copyFileSync(join(ca.dir, 'ca.key'), ca.keyFile);
    serve.kill('SIGHUP');
    await lineMatching(/TLS certificate not reloaded/);
    expect(await servedFingerprint()).toBe(renewed);
    expect(serve.exitCode).toBe(null);
    expect((await runSdkChild({ NODE_EXTRA_CA_CERTS: ca.caFile })).identityType).toBe('AssumedRoleUser');
  });
});

describe('createTlsListener', () => {
  it('reloads when the files change, without SIGHUP', async () => {
    const watched = await makeTestCa(join(dir, 'watched'));
    const listener = createTlsListener(
      { certFile: watched.certFile, keyFile: watched.keyFile },
      (_req, res) => res.end('ok'),
      pino({ level: 'silent' }),
      { watchIntervalMs: 100 },
    );
    await new Promise<void>((done) => listener.server.listen(0, '127.0.0.1', done));
    try {
      const port = (listener.server.address() as { port: number }).port;
      const first = watched.fingerprint();
      const fingerprint = () =>
        new Promise<string>((done, reject) => {
          const socket = connect(
            { host: '127.0.0.1', port, ca: watched.caPem, servername: 'localhost' },
            () => {
              done(socket.getPeerCertificate().fingerprint256);
              socket.end();
            },
          );
          socket.once('error', reject);
        });
      expect(await fingerprint()).toBe(first);
      await watched.renew();
      const deadline = Date.now() + 5_000;
      while ((await fingerprint()) === first && Date.now() < deadline) await sleep(100);
      expect(await fingerprint()).toBe(watched.fingerprint());
      expect(listener.fingerprint()).toBe(watched.fingerprint());
    } finally {
      listener.stopWatching();
      await new Promise<void>((done) => listener.server.close(() => done()));
    }
  });

  it('fails closed at start when the key does not match the certificate', async () => {
    const other = await makeTestCa(join(dir, 'other'));
    expect(() =>
      createTlsListener(
        { certFile: ca.certFile, keyFile: other.keyFile },
        (_req, res) => res.end(),
        pino({ level: 'silent' }),
      ),
    ).toThrow(/key values mismatch|private key/i);
  });
});
