/**
 * The production deployment of docs/deployment.md, for real: Debian's nginx terminating TLS (a
 * certificate of the repo's test CA) with the guide's own site file, in front of two gateway
 * instances sharing one redis-server and trusting nginx's address (--trust-proxy). Headless
 * Chromium signs in through nginx over https; acs:SourceIp and acs:SecureTransport conditions
 * allow and deny as written, with the client address nginx saw; forwarding headers forged by
 * clients (through nginx, or straight at an instance) are not believed.
 *
 * Every address is loopback: nginx and the instances on 127.0.0.1 (nginx connects from it, the
 * trusted proxy), clients from other 127.0.0.x addresses (`localAddress`) so that they differ.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import RPCClient from '@alicloud/pop-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { launchBrowser, saveScreenshot, type TestBrowser } from '../support/browser.js';
import { demoIdpResponse } from '../support/gateway-client.js';
import { startNginx, type Nginx } from '../support/nginx.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const SITE_FILE = resolve(import.meta.dirname, '..', '..', 'docs', 'deployment', 'nginx-ramgate.conf');
const DEMO_ACCOUNT = '1234567890123456';
const EDGE_ACCOUNT = '2222222222222222';
const CAROL = { accessKeyId: 'LTAIedge0000000000000001', accessKeySecret: 'edgeSecret0000000000000000001a' };
/** The address policies allow; every other client address is denied by them. */
const OFFICE = '127.0.0.5';
const ELSEWHERE = '127.0.0.6';
const NGINX_ADDRESS = '127.0.0.1';

/** A second account whose user carol may list users only from OFFICE and roles only over https. */
const CONFIG = `
accounts:
  - id: '${EDGE_ACCOUNT}'
    alias: edge
    policies:
      - name: OfficeAndTls
        document:
          Version: '1'
          Statement:
            - Effect: Allow
              Action: ram:ListUsers
              Resource: '*'
              Condition: { IpAddress: { 'acs:SourceIp': ['${OFFICE}/32'] } }
            - Effect: Allow
              Action: ram:ListRoles
              Resource: '*'
              Condition: { Bool: { 'acs:SecureTransport': 'true' } }
    users:
      - name: carol
        policies: [OfficeAndTls]
        accessKeys: [{ id: ${CAROL.accessKeyId}, secret: ${CAROL.accessKeySecret} }]
`;

let dir: string;
let ca: TestCa;
let redis: RedisServer;
let nginx: Nginx;
let browser: TestBrowser | undefined;
let httpsPort: number;
let httpPort: number;
let base: string;
const instances: RunningGateway[] = [];
const auditFile = (i: number) => join(dir, `audit-${i}.jsonl`);
const portOf = (i: number) => {
  const address = instances[i]?.server.address();
  if (!address || typeof address === 'string') throw new Error(`instance ${i} is not listening`);
  return address.port;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ramgate-nginx-'));
  ca = await makeTestCa(join(dir, 'ca'));
  redis = await startRedis();
  [httpsPort, httpPort] = [await freePort(), await freePort()];
  base = `https://localhost:${httpsPort}`;
  writeFileSync(join(dir, 'edge.yaml'), CONFIG);
  for (let i = 0; i < 2; i++) {
    instances.push(
      await startGateway({
        demo: true,
        demoKeyDir: dir,
        config: join(dir, 'edge.yaml'),
        baseUrl: base,
        store: { kind: 'redis', url: redis.url },
        auditLog: auditFile(i),
        logger: pino({ level: 'silent' }),
        rateLimitPerMinute: 40,
        edge: { trustProxy: [`${NGINX_ADDRESS}/32`] },
      }),
    );
  }
  nginx = await startNginx({
    dir: join(dir, 'nginx'),
    siteFile: SITE_FILE,
    readyPort: httpsPort,
    replacements: {
      'instance 1': `server 127.0.0.1:${portOf(0)} max_fails=3 fail_timeout=10s;`,
      'instance 2': `server 127.0.0.1:${portOf(1)} max_fails=3 fail_timeout=10s;`,
      'http port': `listen 127.0.0.1:${httpPort};`,
      'https port': `listen 127.0.0.1:${httpsPort} ssl;`,
      'server name': 'server_name localhost;',
      'https origin': `return 301 ${base}$request_uri;`,
      certificate: `ssl_certificate ${ca.certFile};`,
      key: `ssl_certificate_key ${ca.keyFile};`,
    },
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await nginx?.stop();
  for (const instance of instances) await instance.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Answer = { status: number; headers: IncomingHttpHeaders; body: string };

/** One request from `from` (a loopback address), over https to nginx or plain http to an instance. */
function send(
  url: string,
  options: { from: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const target = new URL(url);
  const tls = target.protocol === 'https:';
  return new Promise((resolveAnswer, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(
      target,
      {
        method: options.method ?? 'GET',
        localAddress: options.from,
        headers: {
          ...options.headers,
          ...(options.body ? { 'content-length': Buffer.byteLength(options.body) } : {}),
        },
        ...(tls ? { ca: ca.caPem, servername: 'localhost' } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** pop-core (the official RPC v1 client) as carol, from `from`, through nginx or straight at instance 0. */
async function carolCalls(
  action: 'ListUsers' | 'ListRoles',
  from: string,
  via: 'nginx' | 'direct',
  headers = {},
) {
  const endpoint = via === 'nginx' ? `https://127.0.0.1:${httpsPort}` : `http://127.0.0.1:${portOf(0)}`;
  const agent =
    via === 'nginx'
      ? new HttpsAgent({ ca: ca.caPem, localAddress: from })
      : new HttpAgent({ localAddress: from });
  const client = new RPCClient({ endpoint, apiVersion: '2015-05-01', ...CAROL });
  const options = { method: 'POST', timeout: 10_000, headers, agent };
  return client.request(action, {}, options).then(
    () => 'allowed',
    (e: { data?: { Code?: string }; code?: string }) => e.data?.Code ?? e.code ?? 'failed',
  );
}

describe('ramgate behind nginx (TLS terminated by nginx, two instances on Redis)', () => {
  it('runs the guide’s site file with only the marked lines changed', () => {
    const original = readFileSync(SITE_FILE, 'utf8').split('\n');
    const running = nginx.site.split('\n');
    expect(running).toHaveLength(original.length);
    const changed = original.filter((line, i) => line !== running[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((line) => line.includes('# test: '))).toBe(true);
    // The guide shows this very file (and the systemd unit) verbatim.
    const guide = readFileSync(resolve(SITE_FILE, '..', '..', 'deployment.md'), 'utf8');
    expect(guide).toContain(readFileSync(SITE_FILE, 'utf8').trimEnd());
    expect(guide).toContain(readFileSync(resolve(SITE_FILE, '..', 'ramgate.service'), 'utf8').trimEnd());
  });

  it('signs in with Chromium through nginx over https: role picker, console, sign-out', async () => {
    browser = await launchBrowser({
      // Trust exactly this server key (the test CA is not in Chromium's store).
      extraArgs: [`--ignore-certificate-errors-spki-list=${ca.spkiHash()}`],
    });
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 500) failures.push(`HTTP ${r.status()} ${r.url()}`);
    });
    const first = await page.goto(`${base}/login?provider=${DEMO_ACCOUNT}:demo-idp`);
    expect(first?.url().startsWith(`${base}/demo-idp/sso?`)).toBe(true);
    expect(await first?.headerValue('strict-transport-security')).toBe('max-age=31536000');
    await page.fill('#username', 'alice');
    await page.fill('#password', 'alice');
    await page.click('#sign-in');
    await page.waitForURL(`${base}/saml-role/sso`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Choose a role');
    expect(await page.locator('#role-picker input[name="role"]').count()).toBe(2);
    await saveScreenshot(page, 'deployment-nginx-role-picker');
    await page.locator('label', { hasText: `acs:ram::${DEMO_ACCOUNT}:role/ReadOnly` }).click();
    await page.click('#role-picker button[type="submit"]');
    await page.waitForURL(`${base}/console`);
    await expect(page.locator('#role-name').textContent()).resolves.toBe('ReadOnly');
    await saveScreenshot(page, 'deployment-nginx-console');
    // The session cookie is Secure (the gateway knows the client used https) and HttpOnly.
    const session = (await browser.context.cookies(base)).find((c) => c.name === 'ramgate_session');
    expect(session).toMatchObject({ secure: true, httpOnly: true });
    await page.click('#sign-out');
    await page.waitForURL(`${base}/signed-out`);
    await page.goto(`${base}/console`);
    expect(page.url()).toBe(`${base}/signin`);
    expect(await page.locator('#access-key-id').count()).toBe(0);
    expect(failures).toEqual([]);
    expect(nginx.accessLog()).toContain('POST /saml-role/sso');
  });

  it('keeps /metrics inside: nginx does not pass it on', async () => {
    const answer = await send(`https://127.0.0.1:${httpsPort}/metrics`, { from: OFFICE });
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('ramgate_');
    expect((await send(`https://127.0.0.1:${httpsPort}/healthz`, { from: OFFICE })).status).toBe(200);
  });

  it('redirects plain HTTP at nginx to the https origin', async () => {
    const answer = await send(`http://127.0.0.1:${httpPort}/console?tab=credentials`, { from: OFFICE });
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe(`${base}/console?tab=credentials`);
  });

  it('acs:SourceIp sees the client nginx saw; acs:SecureTransport is true through nginx', async () => {
    expect(await carolCalls('ListUsers', OFFICE, 'nginx')).toBe('allowed');
    expect(await carolCalls('ListRoles', OFFICE, 'nginx')).toBe('allowed');
    expect(await carolCalls('ListUsers', ELSEWHERE, 'nginx')).toBe('NoPermission');
    expect(await carolCalls('ListRoles', ELSEWHERE, 'nginx')).toBe('allowed');
    // The audit log records the client's address, not nginx's; nginx spread the calls over both instances.
    const eventsOf = (i: number) =>
      readFileSync(auditFile(i), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { event: string; sourceIp?: string; principal?: string })
        .filter((e) => e.event.startsWith('api.List') && e.principal?.includes(':user/carol'));
    expect(eventsOf(0).length).toBeGreaterThan(0);
    expect(eventsOf(1).length).toBeGreaterThan(0);
    const listUsers = [...eventsOf(0), ...eventsOf(1)].filter((e) => e.event === 'api.ListUsers');
    expect(listUsers.map((e) => e.sourceIp).sort()).toEqual([OFFICE, ELSEWHERE].sort());
  });

  it('does not believe forwarding headers a client wrote, through nginx or straight at an instance', async () => {
    const forged = {
      'x-forwarded-for': OFFICE,
      forwarded: `for=${OFFICE};proto=https`,
      'x-forwarded-proto': 'https',
    };
    // Through nginx: nginx appends the address it saw and drops Forwarded; the right-most untrusted hop wins.
    expect(await carolCalls('ListUsers', ELSEWHERE, 'nginx', forged)).toBe('NoPermission');
    // Straight at an instance from an untrusted peer: the headers are ignored, the request is plain http.
    expect(await carolCalls('ListUsers', '127.0.0.9', 'direct', forged)).toBe('NoPermission');
    expect(await carolCalls('ListRoles', '127.0.0.9', 'direct', forged)).toBe('NoPermission');
    // Even from the office address, the direct request is not https.
    expect(await carolCalls('ListUsers', OFFICE, 'direct')).toBe('allowed');
    expect(await carolCalls('ListRoles', OFFICE, 'direct')).toBe('NoPermission');
  });

  it('refuses a plain-HTTP sign-in before spending the assertion; the same assertion then works over https', async () => {
    const { samlResponse } = await demoIdpResponse(`http://127.0.0.1:${portOf(1)}`, 'bob', 'role');
    const body = new URLSearchParams({ SAMLResponse: samlResponse }).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const plain = await send(`http://127.0.0.1:${portOf(1)}/saml-role/sso`, {
      from: '127.0.0.9',
      method: 'POST',
      headers: { ...form, 'x-forwarded-proto': 'https' },
      body,
    });
    expect(plain.status).toBe(403);
    expect(plain.body).toContain('Forbidden.InsecureTransport');
    const viaNginx = await send(`https://127.0.0.1:${httpsPort}/saml-role/sso`, {
      from: OFFICE,
      method: 'POST',
      headers: { ...form, host: `localhost:${httpsPort}` },
      body,
    });
    expect(viaNginx.status).toBe(303);
    expect(viaNginx.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(String(viaNginx.headers['set-cookie'])).toMatch(/ramgate_session=[^;]+;.*secure/i);
  });

  it('counts rate limits per client address behind nginx, not per proxy', async () => {
    const from = '127.0.0.7';
    const codes: string[] = [];
    for (let i = 0; i < 42; i++) codes.push(await carolCalls('ListRoles', from, 'nginx'));
    expect(codes.filter((c) => c === 'allowed').length).toBeLessThanOrEqual(40);
    expect(codes.at(-1)).toBe('Throttling.User');
    // Another client behind the same proxy is not throttled.
    expect(await carolCalls('ListRoles', '127.0.0.8', 'nginx')).toBe('allowed');
  });

  it('answers a request line of 200 KB (an SDK AssumeRoleWithSAML) through nginx', async () => {
    const assertion = 'A'.repeat(200_000);
    const answer = await send(
      `https://127.0.0.1:${httpsPort}/?Action=AssumeRoleWithSAML&Version=2015-04-01&Format=JSON&SAMLAssertion=${assertion}` +
        `&SAMLProviderArn=acs:ram::${DEMO_ACCOUNT}:saml-provider/demo-idp&RoleArn=acs:ram::${DEMO_ACCOUNT}:role/ReadOnly`,
      { from: '127.0.0.10', method: 'POST' },
    );
    // nginx passed it on (no 414/400 from nginx): the gateway itself judged the assertion.
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      Code: expect.stringMatching(/^(InvalidParameter|AuthenticationFail)/),
    });
  });
});

describe('the guide’s systemd unit', () => {
  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))(
    'passes systemd-analyze verify without a warning',
    async () => {
      const units = join(dir, 'units');
      mkdirSync(units, { recursive: true });
      copyFileSync(resolve(SITE_FILE, '..', 'ramgate.service'), join(units, 'ramgate@.service'));
      const { stdout, stderr } = await promisify(execFile)('systemd-analyze', [
        'verify',
        join(units, 'ramgate@1.service'),
      ]);
      expect(`${stdout}${stderr}`.trim()).toBe('');
    },
  );
});
