/**
 * HTTP load on a gateway process on loopback: AssumeRoleWithSAML requests per second and latency
 * (p50/p99) at full load and at a fixed 1,000 req/s, on the memory store and on Redis; Redis
 * round trips per login (INFO commandstats deltas); memory per 10,000 live console sessions.
 * Targets (one core of the reference machine of perf-baseline.md): ≥ 2,000 req/s, p99 < 10 ms at
 * 1,000 req/s, ≤ 3 Redis round trips per login. This machine's speed against that one is measured in
 * the same run by two yardsticks, RSA verify (bench/reference-machine.ts) and xmldom + xml-crypto
 * (bench/reference-xml.ts), and the scaled estimates of both are printed beside the figures, with
 * the p99 also taken at the rate that loads a core here as 1,000 req/s loads the reference one.
 * Full load comes from autocannon (16 connections); fixed rates from an open-loop, evenly paced
 * sender (bench/paced-load.ts: autocannon's overallRate bursts each second's quota).
 * The peer measured in the same run is a bare node:http server that only reads the form and answers
 * (bench/http-floor.ts): the least any Node gateway pays per request.
 * Figures only, never a pass/fail. Run: npm run bench:http (BENCH_REQUESTS=15000 by default;
 * BENCH_STORES=memory or redis to run one store).
 *
 * Every request carries its own signed assertion (unique ID: the replay cache must not refuse
 * them); they are made before the run by re-signing one test-IdP template (src of truth for the
 * XML: test/support/test-idp.ts), since xml-crypto's signer is far slower than the gateway.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DOMParser } from '@xmldom/xmldom';
import { Redis } from 'ioredis';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { createStore, type Store } from '../src/core/store/index.js';
import { mintCredentials } from '../src/core/sts/credentials.js';
import { TokenKeyring, newTokenKey } from '../src/core/sts/keyring.js';
import { newOpaqueId, saveSession, type ConsoleSession } from '../src/sso/sessions.js';
import { testKeys } from '../test/support/keys.js';
import { startRedis } from '../test/support/redis.js';
import { TestIdp } from '../test/support/test-idp.js';
import { pacedLoad } from './paced-load.js';
import { describeMachine, measureMachineSpeed } from './reference-machine.js';
import { measureXmlWorkloadSpeed, REFERENCE_XML_CRYPTO_PER_SECOND } from './reference-xml.js';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  duration: number;
}
type CannonRequest = { method: string; path: string; headers: Record<string, string>; body?: Buffer };
type Cannon = (options: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const ACCOUNT = '1234567890123456';
const BASE_URL = 'http://bench.ramgate.test';
const ROLE = `acs:ram::${ACCOUNT}:role/readonly`;
const PROVIDER = `acs:ram::${ACCOUNT}:saml-provider/test-idp`;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 15_000);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 4);
const WARM_UP = Math.min(1000, REQUESTS);
const STORES = (process.env.BENCH_STORES ?? 'memory,redis').split(',');
const machine = measureMachineSpeed(3);
const xmlWorkload = measureXmlWorkloadSpeed(2);
/**
 * Every reading of the machine's speed in this run, by the RSA yardstick and by the xml-crypto one
 * (bench/reference-xml.ts); estimates use their medians (the speed drifts).
 */
const slowdowns = [machine.slowdown];
const xmlSlowdowns = [xmlWorkload.slowdown];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 1;
const medianSlowdown = () => median(slowdowns);
/** Fixed-rate phases beside 1,000/s: 1,000/s of the reference machine by each yardstick, and this load. */
const HIGH_LOAD = 0.75;
const LABEL_WIDTH = 62;
/** Capacity assumed when sizing the set of signed responses (per core, here). */
const PLANNED_CAPACITY = 2000;

/** The paced phases: the target's 1,000/s as such, as it loads the reference core by each yardstick, and 75 %. */
function fixedRates(capacity: number): Array<{ rate: number; why: string }> {
  return [
    { rate: 1000, why: '' },
    { rate: Math.round(1000 / medianSlowdown()), why: ' (1,000/s there by RSA)' },
    { rate: Math.round(1000 / median(xmlSlowdowns)), why: ' (1,000/s there by xml-crypto)' },
    { rate: Math.round(HIGH_LOAD * capacity), why: ` (${HIGH_LOAD * 100}% load)` },
  ];
}

/**
 * With taskset (Linux) and 2+ cores, the server runs alone on the last core and this process (the
 * senders) on the others, so neither's scheduling shows up in the other's figures.
 */
const SERVER_CORE = ((): number | undefined => {
  const cores = availableParallelism();
  if (cores < 2 || spawnSync('taskset', ['-V']).status !== 0) return undefined;
  spawnSync('taskset', ['-a', '-p', '-c', `0-${cores - 2}`, String(process.pid)]);
  return cores - 1;
})();

const keys = testKeys();
const idp = new TestIdp({
  sp: { entityId: 'urn:alibaba:cloudcomputing', acsUrl: `${BASE_URL}/saml-role/sso` },
});

/** `n` signed SAMLResponses (base64) with fresh IDs, re-signed from one template. */
function signedResponses(n: number, key: KeyObject): string[] {
  const assertionId = `_${'a'.repeat(32)}`;
  const responseId = `_${'b'.repeat(32)}`;
  const { xml } = idp.response({
    assertionId,
    responseId,
    roles: [`${ROLE},${PROVIDER}`],
    notOnOrAfter: Date.now() + 30 * 60_000,
    subjectNotOnOrAfter: Date.now() + 30 * 60_000,
  });
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  // xml-crypto types its input as the DOM lib's Element; @xmldom's is the same shape at run time.
  const byLocalName = (name: string) =>
    doc.getElementsByTagNameNS('*', name)[0] as unknown as globalThis.Element;
  const c14n = new ExclusiveCanonicalization();
  const signedInfo = c14n.process(byLocalName('SignedInfo'), {});
  const digest = byLocalName('DigestValue').textContent ?? '';
  const signatureValue = byLocalName('SignatureValue').textContent ?? '';
  const signature = byLocalName('Signature');
  signature.parentNode?.removeChild(signature);
  const assertion = c14n.process(byLocalName('Assertion'), {});
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `_${randomBytes(16).toString('hex')}`;
    const newDigest = createHash('sha256').update(assertion.replaceAll(assertionId, id)).digest('base64');
    const info = signedInfo.replace(`#${assertionId}`, `#${id}`).replace(digest, newDigest);
    const value = sign('sha256', Buffer.from(info), key).toString('base64');
    const signed = xml
      .replaceAll(assertionId, id)
      .replace(responseId, `_${randomBytes(16).toString('hex')}`)
      .replace(digest, newDigest)
      .replace(signatureValue, value);
    out.push(Buffer.from(signed).toString('base64'));
  }
  return out;
}

function body(samlResponse: string): string {
  return new URLSearchParams({
    Action: 'AssumeRoleWithSAML',
    Version: '2015-04-01',
    Format: 'JSON',
    SAMLAssertion: samlResponse,
    SAMLProviderArn: PROVIDER,
    RoleArn: ROLE,
    DurationSeconds: '900',
  }).toString();
}

/** Starts bench/<script> (it prints {"url": …} once it listens). */
async function startServer(
  script: string,
  ...scriptArgs: string[]
): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server process.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...nodeArgs, '--import', 'tsx', join(import.meta.dirname, script), ...scriptArgs];
  // "On one core": the server gets the last core to itself, the load generators the others.
  const pinned = SERVER_CORE === undefined ? [] : ['taskset', '-c', String(SERVER_CORE)];
  const [command = process.execPath, ...rest] = [...pinned, process.execPath, ...args];
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      // BENCH_SERVER_LOG=<file> keeps what the server prints (e.g. with BENCH_NODE_ARGS=--trace-gc).
      if (process.env.BENCH_SERVER_LOG) appendFileSync(process.env.BENCH_SERVER_LOG, chunk);
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code})`)));
  });
  return { url, child };
}

async function load(url: string, bodies: Buffer[], options: Record<string, unknown>): Promise<CannonResult> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: 16,
    amount: bodies.length,
    requests: [
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (req: CannonRequest) => ({ ...req, body: bodies[next++ % bodies.length] }),
      },
    ],
    ...options,
  });
  return result;
}

/** Fixed-rate, open-loop load (bench/paced-load.ts), reported like an autocannon run. */
async function paced(url: string, bodies: Buffer[], rate: number): Promise<CannonResult> {
  const r = await pacedLoad(url, bodies, rate);
  return {
    requests: { average: r.ok / r.seconds, total: r.sent },
    latency: { p50: r.p50, p99: r.p99, average: NaN },
    non2xx: r.errors,
    errors: 0,
    duration: r.seconds,
  };
}

/** One request first: a refused body would make every figure meaningless. Returns the answer's length. */
async function probe(url: string, form: Buffer | undefined): Promise<number> {
  const res = await fetch(`${url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form?.toString('latin1') ?? '',
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`the server refused a benchmark request: ${text}`);
  return text.length;
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/**
 * Wall-clock figures depend on what else the machine runs; CPU per request of the server less so.
 * The machine's speed is measured again just before each phase (it drifts on a shared host).
 */
const thousands = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function report(label: string, r: CannonResult, cpu: number): number {
  const rate = r.requests.total / r.duration;
  const perRequestMs = (cpu * 1000) / Math.max(r.requests.total, 1);
  const perCore = 1000 / perRequestMs;
  console.log(
    `${label.padEnd(LABEL_WIDTH)} ${thousands(rate).padStart(6)} req/s  p50 ${ms(r.latency.p50)} ms  p99 ${ms(r.latency.p99)} ms` +
      `  non-2xx ${r.non2xx}  errors ${r.errors}  server CPU ${perRequestMs.toFixed(3)} ms/req` +
      ` = ${thousands(perCore)} req/s per core (ref≈ ${thousands(perCore * medianSlowdown())} by RSA,` +
      ` ${thousands(perCore * median(xmlSlowdowns))} by xml-crypto)`,
  );
  return perRequestMs;
}

/** The gateway's own histogram of RPC request time (2xx), cumulative counts by upper bound (s). */
async function serverHistogram(url: string): Promise<Map<number, number> | undefined> {
  const res = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!res || res.status !== 200) return undefined;
  const buckets = new Map<number, number>();
  const line = /^ramgate_http_request_seconds_bucket\{le="([^"]+)",route="rpc",status="2xx"\} (\d+)$/gm;
  for (const [, le, count] of (await res.text()).matchAll(line))
    buckets.set(le === '+Inf' ? Infinity : Number(le), Number(count));
  return buckets;
}

/** The smallest bucket bound holding 99 % of the requests between two readings, in ms. */
function serverP99(before: Map<number, number>, after: Map<number, number>): string {
  const deltas = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const);
  const total = deltas.find(([le]) => le === Infinity)?.[1] ?? 0;
  const bound = deltas.find(([, n]) => n >= 0.99 * total)?.[0];
  return bound === undefined || total === 0 ? '?' : bound === Infinity ? '> 1,000' : `≤ ${bound * 1000}`;
}

async function measured(label: string, pid: number, run: () => Promise<CannonResult>, url?: string) {
  slowdowns.push(measureMachineSpeed(0.5).slowdown);
  xmlSlowdowns.push(measureXmlWorkloadSpeed(0.5).slowdown);
  const histogram = url ? await serverHistogram(url) : undefined;
  const before = cpuSeconds(pid);
  const result = await run();
  const perRequestMs = report(label, result, cpuSeconds(pid) - before);
  const after = url ? await serverHistogram(url) : undefined;
  if (histogram && after) {
    console.log(
      `${''.padEnd(LABEL_WIDTH)} server-side p99 ${serverP99(histogram, after)} ms (the gateway's own histogram)`,
    );
  }
  return perRequestMs;
}

/**
 * Round trips per login: the commands clients sent, seen through MONITOR (commands a Lua script
 * runs inside Redis are not round trips and are left out), by name and key family.
 */
async function roundTripsPerLogin(url: string, redisUrl: string, bodies: Buffer[]): Promise<void> {
  const redis = new Redis(redisUrl);
  const monitor = await redis.monitor();
  const seen = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const key = /^evalsha$/i.test(args[0] ?? '') ? args[3] : args[1];
    const family = (key ?? '')
      .replace(/{[^}]*}/, '{…}')
      .split(':')
      .slice(0, 4)
      .join(':');
    const name = `${(args[0] ?? '').toLowerCase()} ${family}`.trim();
    seen.set(name, (seen.get(name) ?? 0) + 1);
  });
  let ok = 0;
  for (const form of bodies) {
    const res = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString('latin1'),
    });
    if (res.status === 200) ok++;
    await res.arrayBuffer();
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // the last MONITOR lines
  monitor.disconnect();
  redis.disconnect();
  const total = [...seen.values()].reduce((sum, n) => sum + n, 0);
  const detail = [...seen].map(([name, n]) => `${name} ${(n / Math.max(ok, 1)).toFixed(2)}`).join(', ');
  console.log(
    `Redis round trips per login            ${(total / Math.max(ok, 1)).toFixed(2)}  (${ok} logins: ${detail})`,
  );
}

/** The peer: the same requests against bench/http-floor.ts; returns its CPU ms per request. */
async function measureFloor(bodies: Buffer[]): Promise<number> {
  const { url, child } = await startServer('http-floor.ts', '1500');
  try {
    await probe(url, bodies[0]);
    await load(url, bodies.slice(0, WARM_UP), {});
    const sample = bodies.slice(0, Math.min(REQUESTS, bodies.length));
    return await measured('peer: bare node:http floor, max', child.pid ?? 0, () => load(url, sample, {}));
  } finally {
    child.kill('SIGTERM');
  }
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** 10,000 console sessions (with real minted credentials) in a store; returns the bytes they take. */
async function sessionMemory(store: Store, measure: () => Promise<number>): Promise<number> {
  const ring = new TokenKeyring([newTokenKey(Date.now())]);
  const before = await measure();
  const now = Date.now();
  for (let i = 0; i < 10_000; i++) {
    const { credentials } = mintCredentials(
      ring,
      {
        acct: ACCOUNT,
        kind: 'AssumedRoleUser',
        role: 'readonly',
        roleId: '300000000000000001',
        session: `user${i}@example.com`,
        via: 'sts:AssumeRoleWithSAML',
        source: PROVIDER,
      },
      3600,
      now,
    );
    const session: ConsoleSession = {
      id: newOpaqueId(),
      kind: 'role',
      accountId: ACCOUNT,
      arn: `acs:ram::${ACCOUNT}:assumed-role/readonly/user${i}@example.com`,
      roleName: 'readonly',
      sessionName: `user${i}@example.com`,
      provider: PROVIDER,
      credentials,
      expiresAt: now + 3_600_000,
      csrf: newOpaqueId(),
    };
    await saveSession(store.ephemeral, session, now);
  }
  return (await measure()) - before;
}

const dir = mkdtempSync(join(tmpdir(), 'ramgate-bench-http-'));
const redisServer = await startRedis();
try {
  writeFileSync(join(dir, 'idp.xml'), idp.metadata());
  const configFile = join(dir, 'ramgate.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      accounts: [
        {
          id: ACCOUNT,
          samlProviders: [{ name: 'test-idp', metadataFile: 'idp.xml' }],
          roles: [{ name: 'readonly', trustedSamlProviders: ['test-idp'], policies: ['ReadOnlyAccess'] }],
        },
      ],
    }),
  );
  // One set serves both stores: each gateway process has its own replay cache (memory, fresh Redis).
  const pacedRequests =
    fixedRates(PLANNED_CAPACITY).reduce((sum, r) => sum + Math.max(r.rate, 1000), 0) * RATE_SECONDS;
  const perStore = 1 + WARM_UP + REQUESTS + pacedRequests + 200;
  console.log(describeMachine(machine));
  console.log(
    SERVER_CORE === undefined
      ? 'servers not pinned (no taskset, or one core)'
      : `servers pinned to core ${SERVER_CORE}, this process (the load) to the others`,
  );
  console.log(
    `machine: xmldom + xml-crypto verify ${Math.round(xmlWorkload.perSecond)}/CPU-s here, ${REFERENCE_XML_CRYPTO_PER_SECOND}/s on the reference machine → ${xmlWorkload.slowdown.toFixed(2)}× slower by this yardstick`,
  );
  console.log(`signing ${thousands(perStore)} SAMLResponses …`);
  const started = performance.now();
  // Buffers live outside the JS heap: the sender's own GC pauses would otherwise count as latency.
  const responses = signedResponses(perStore, keys.idp.privateKey).map((r) => Buffer.from(body(r)));
  console.log(`… ${Math.round((performance.now() - started) / 1000)} s\n`);

  const floorMs = await measureFloor(responses);
  for (const [store, redisUrl] of [
    ['memory', undefined],
    ['redis', redisServer.url],
  ] as const) {
    if (!STORES.includes(store)) continue;
    const mine = [...responses];
    const { url, child } = await startServer(
      'http-server.ts',
      configFile,
      BASE_URL,
      ...(redisUrl ? [redisUrl] : []),
    );
    try {
      await probe(url, mine.shift());
      await load(url, mine.splice(0, WARM_UP), {}); // warm-up (JIT, caches)
      const pid = child.pid ?? 0;
      const label = `AssumeRoleWithSAML, ${store}`;
      const ms = await measured(`${label}, max`, pid, () => load(url, mine.splice(0, REQUESTS), {}), url);
      console.log(
        `${''.padEnd(LABEL_WIDTH)} = ${(ms / floorMs).toFixed(1)}× the CPU of the bare node:http floor`,
      );
      const capacity = 1000 / ms;
      for (const { rate, why } of RATE_SECONDS > 0 ? fixedRates(capacity) : []) {
        await measured(
          `${label}, ${thousands(rate)}/s${why}`,
          pid,
          () => paced(url, mine.splice(0, rate * RATE_SECONDS), rate),
          url,
        );
      }
      if (redisUrl) await roundTripsPerLogin(url, redisUrl, mine.splice(0, 200));
    } finally {
      child.kill('SIGTERM');
    }
  }

  const memory = await createStore({ kind: 'memory' });
  const heap = async () => {
    collectGarbage();
    return process.memoryUsage().heapUsed;
  };
  const inHeap = await sessionMemory(memory, heap);
  const redisStore = await createStore({ kind: 'redis', url: redisServer.url });
  const redis = new Redis(redisServer.url);
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
  const inRedis = await sessionMemory(redisStore, used);
  const mb = (bytes: number) =>
    `${(bytes / 1024 / 1024).toFixed(1)} MB (${Math.round(bytes / 10_000)} B each)`;
  console.log(`\n10,000 console sessions, memory store  ${mb(inHeap)} of heap`);
  console.log(`10,000 console sessions, Redis         ${mb(inRedis)} of used_memory`);
  const range = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${sorted[0]?.toFixed(2)}–${sorted.at(-1)?.toFixed(2)}× (median ${median(values).toFixed(2)}×)`;
  };
  console.log(
    `\nmachine speed, ${slowdowns.length} readings each, slower than the reference by RSA ${range(slowdowns)},` +
      ` by xml-crypto ${range(xmlSlowdowns)}; ref≈ figures use the running medians`,
  );
  redis.disconnect();
  await memory.close();
  await redisStore.close();
} finally {
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
