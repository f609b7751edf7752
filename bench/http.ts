/**
 * HTTP load on a gateway process on loopback: AssumeRoleWithSAML requests per second and latency
 * (p50/p99) at full load and at fixed rates, on the memory store and on Redis; Redis round trips per
 * login and memory per 10,000 live console sessions (bench/store-costs.ts).
 * Targets (one core of the reference machine of perf-baseline.md): ≥ 2,000 req/s, p99 < 10 ms at
 * 1,000 req/s, ≤ 3 Redis round trips per login.
 * - The server runs alone on one core. This machine's speed against the reference one is read by two
 *   yardsticks, RSA verify (bench/reference-machine.ts) and xmldom + xml-crypto (bench/reference-xml.ts),
 *   on that core right before and after each phase (bench/yardstick.ts); each phase's "ref≈" figures
 *   are scaled by its own readings, and full load runs in slices so that each slice has its own.
 * - Load: bench/load-drivers.ts (wrk for full load, a C open-loop sender for fixed rates). Fixed rates
 *   are 1,000/s and the rates that load a core here as 1,000/s loads the reference one, each in
 *   windows that follow a window at the same rate on the peer, so that a stall of the shared host
 *   shows as such.
 * - The peer is a bare node:http server that only reads the form and answers (bench/http-floor.ts):
 *   the least any Node gateway pays per request.
 * - Requests: bench/signed-forms.ts (each its own signed assertion).
 * Figures only, never a pass/fail. Run: npm run bench:http (BENCH_MAX_SECONDS=10 of full load with
 * wrk, or BENCH_REQUESTS=15000 with autocannon; BENCH_STORES=memory or redis to run one store).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { createStore } from '../src/core/store/index.js';
import { startRedis } from '../test/support/redis.js';
import { WRK, autocannonLoad, buildNativePacer, pacedRun, wrkLoad, type LoadResult } from './load-drivers.js';
import { REFERENCE_RSA_VERIFY_PER_SECOND } from './reference-machine.js';
import { REFERENCE_XML_CRYPTO_PER_SECOND } from './reference-xml.js';
import { ACCOUNT, BASE_URL, idpMetadata, signedForms } from './signed-forms.js';
import { collectGarbage, roundTripsPerLogin, sessionMemory } from './store-costs.js';

/** Full load: requests in all with autocannon, or seconds in all with wrk; split into SLICES. */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 15_000);
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 10);
/** Slices of the full-load phase, each between two readings of the machine's speed. */
const SLICES = Number(process.env.BENCH_SLICES ?? 5);
const SLICE_SECONDS = Math.max(1, Math.round(MAX_SECONDS / SLICES));
/** Bodies one wrk slice is handed (unused ones go to the next), and the rate bodies are signed for. */
const WRK_MAX_RATE = 4000;
const WRK_PLANNED_RATE = 2500;
/** Each fixed rate runs in WINDOWS windows of RATE_SECONDS, each after one at the same rate on the floor. */
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 3);
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 3);
const WARM_UP = Math.min(1000, REQUESTS);
/**
 * Then full load, unmeasured: the first seconds of full load after an idle spell ran up to 2× slower
 * than the later ones, slice after slice (the JIT, and the shared host giving an idle core back).
 */
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 4);
const STORES = (process.env.BENCH_STORES ?? 'memory,redis').split(',');
/**
 * Every reading of the machine's speed in this run (bench/yardstick.ts, on the server's core), by the
 * RSA yardstick and by the xml-crypto one (bench/reference-xml.ts). Each phase is scaled by the
 * readings taken right before and after it; the paced rates use the running medians.
 */
const slowdowns: number[] = [];
const xmlSlowdowns: number[] = [];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 1;
const medianSlowdown = () => median(slowdowns);
const LABEL_WIDTH = 62;

/** The paced phases: the target's 1,000/s as such, and as it loads the reference core by each yardstick. */
function fixedRates(): Array<{ rate: number; why: string }> {
  return [
    { rate: 1000, why: '' },
    { rate: Math.round(1000 / medianSlowdown()), why: ' (1,000/s there by RSA)' },
    { rate: Math.round(1000 / median(xmlSlowdowns)), why: ' (1,000/s there by xml-crypto)' },
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

type Speed = { rsa: number; xml: number };

/** bench/yardstick.ts on the server's core: the machine's speed where and when the gateway ran. */
const yardstick = (() => {
  const pinned = SERVER_CORE === undefined ? [] : ['taskset', '-c', String(SERVER_CORE)];
  const script = join(import.meta.dirname, 'yardstick.ts');
  const [command = process.execPath, ...args] = [...pinned, process.execPath, '--import', 'tsx', script];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async read(seconds: number): Promise<Speed> {
      child.stdin.write(`${seconds}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error('bench/yardstick.ts exited');
      const speed = JSON.parse(value) as Speed;
      slowdowns.push(speed.rsa);
      xmlSlowdowns.push(speed.xml);
      return speed;
    },
    stop: () => child.kill('SIGTERM'),
  };
})();

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

type Phase = { perRequestMs: number; perCore: number; refByRsa: number; refByXml: number };

/** One phase's line; `speed` is the mean of the readings taken right before and after it. */
function report(label: string, r: LoadResult, cpu: number, speed: Speed): Phase {
  const rate = r.requests.total / r.duration;
  const perRequestMs = (cpu * 1000) / Math.max(r.requests.total, 1);
  const perCore = 1000 / perRequestMs;
  const phase = { perRequestMs, perCore, refByRsa: perCore * speed.rsa, refByXml: perCore * speed.xml };
  console.log(
    `${label.padEnd(LABEL_WIDTH)} ${thousands(rate).padStart(6)} req/s  p50 ${ms(r.latency.p50)} ms  p99 ${ms(r.latency.p99)} ms` +
      `  non-2xx ${r.non2xx}  errors ${r.errors}  server CPU ${perRequestMs.toFixed(3)} ms/req` +
      ` = ${thousands(perCore)} req/s per core (ref≈ ${thousands(phase.refByRsa)} by RSA,` +
      ` ${thousands(phase.refByXml)} by xml-crypto; machine ${speed.rsa.toFixed(2)}× / ${speed.xml.toFixed(2)}× slower)`,
  );
  return phase;
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

async function measured(
  label: string,
  pid: number,
  run: () => Promise<LoadResult>,
  url?: string,
  speedBefore?: Speed,
): Promise<Phase & { p99: number; speedAfter: Speed }> {
  const before = speedBefore ?? (await yardstick.read(0.3));
  const histogram = url ? await serverHistogram(url) : undefined;
  const cpuBefore = cpuSeconds(pid);
  const result = await run();
  const cpu = cpuSeconds(pid) - cpuBefore;
  const after = await yardstick.read(0.3);
  const phase = report(label, result, cpu, {
    rsa: (before.rsa + after.rsa) / 2,
    xml: (before.xml + after.xml) / 2,
  });
  const histogramAfter = url ? await serverHistogram(url) : undefined;
  if (histogram && histogramAfter) {
    console.log(
      `${''.padEnd(LABEL_WIDTH)} server-side p99 ${serverP99(histogram, histogramAfter)} ms (the gateway's own histogram)`,
    );
  }
  return { ...phase, p99: result.latency.p99, speedAfter: after };
}

/**
 * Full load in SLICES, each scaled by the readings on either side of it (the one after a slice is
 * the one before the next): the estimates for the reference machine, slice by slice, and their median.
 */
async function measuredMax(
  label: string,
  pid: number,
  run: (slice: number) => Promise<LoadResult>,
  url: string,
) {
  const phases: Phase[] = [];
  let speed: Speed | undefined;
  for (let i = 0; i < SLICES; i++) {
    const phase = await measured(`${label}, max (${i + 1}/${SLICES})`, pid, () => run(i), url, speed);
    speed = phase.speedAfter;
    phases.push(phase);
  }
  const summary = (pick: (p: Phase) => number) => {
    const values = phases.map(pick);
    return `${thousands(median(values))} (slices ${values.map(thousands).join(', ')})`;
  };
  console.log(
    `${''.padEnd(LABEL_WIDTH)} median of ${SLICES} slices: ${summary((p) => p.perCore)} req/s per core here`,
  );
  console.log(`${''.padEnd(LABEL_WIDTH)} ref≈ by RSA ${summary((p) => p.refByRsa)}`);
  console.log(`${''.padEnd(LABEL_WIDTH)} ref≈ by xml-crypto ${summary((p) => p.refByXml)}`);
  return median(phases.map((p) => p.perRequestMs));
}

/** The peer: the same requests against bench/http-floor.ts; returns its CPU ms per request. */
async function measureFloor(floor: { url: string; child: ChildProcess }, bodies: Buffer[]): Promise<number> {
  const { url, child } = floor;
  await probe(url, bodies[0]);
  await autocannonLoad(url, bodies.slice(0, WARM_UP));
  // The floor keeps no replay cache: the same bodies may go again.
  const sample = bodies.slice(0, Math.min(REQUESTS, bodies.length));
  const run = WRK
    ? async () => wrkLoad(url, [...sample, ...sample], SLICE_SECONDS * 2, dir, sample.length * 2)
    : () => autocannonLoad(url, [...sample]);
  return (await measured('peer: bare node:http floor, max', child.pid ?? 0, run)).perRequestMs;
}

/**
 * The p99 at `rate` in WINDOWS windows, each right after a window at the same rate on the bare
 * node:http floor: on a shared host a stall of the machine shows in both, a slow gateway in one.
 */
async function pacedWindows(
  label: string,
  pid: number,
  url: string,
  bodies: Buffer[],
  rate: number,
  floor: { url: string; bodies: Buffer[] },
): Promise<void> {
  const gateway: number[] = [];
  const peer: number[] = [];
  for (let w = 1; w <= WINDOWS; w++) {
    const onFloor = await pacedRun(floor.url, floor.bodies.slice(0, rate * RATE_SECONDS), rate, dir, pacer);
    peer.push(onFloor.latency.p99);
    const run = () => pacedRun(url, bodies.splice(0, rate * RATE_SECONDS), rate, dir, pacer);
    gateway.push((await measured(`${label} (${w}/${WINDOWS})`, pid, run, url)).p99);
  }
  const list = (values: number[]) => values.map((v) => ms(v)).join(', ');
  console.log(
    `${''.padEnd(LABEL_WIDTH)} p99 by window ${list(gateway)} ms (median ${ms(median(gateway))}); ` +
      `the bare node:http floor, just before each: ${list(peer)} ms`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'ramgate-bench-http-'));
const pacer = buildNativePacer(dir);
let floorChild: ChildProcess | undefined;
const redisServer = await startRedis();
try {
  writeFileSync(join(dir, 'idp.xml'), idpMetadata());
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
  const pacedRequests = 3 * 1000 * RATE_SECONDS * WINDOWS; // three rates, none above 1,000/s
  const fullLoad = WRK ? WRK_PLANNED_RATE * SLICE_SECONDS * SLICES + WRK_MAX_RATE * SLICE_SECONDS : REQUESTS;
  const warmUp = WARM_UP + (WRK ? WRK_PLANNED_RATE * WARM_SECONDS : 0);
  const perStore = 1 + warmUp + fullLoad + pacedRequests + 200;
  const initial = await yardstick.read(1.5);
  console.log(
    `machine: RSA-2048 verify (node, a KeyObject) ${thousands(REFERENCE_RSA_VERIFY_PER_SECOND / initial.rsa)}/CPU-s here, ` +
      `${thousands(REFERENCE_RSA_VERIFY_PER_SECOND)}/s on the reference machine → ${initial.rsa.toFixed(2)}× slower now; ` +
      `"ref≈" figures are scaled by readings taken on the server's core right before and after each phase`,
  );
  console.log(
    SERVER_CORE === undefined
      ? 'servers not pinned (no taskset, or one core)'
      : `servers pinned to core ${SERVER_CORE}, this process (the load) to the others`,
  );
  console.log(
    WRK
      ? `full load: wrk, ${SLICES} slices of ${SLICE_SECONDS} s`
      : `full load: autocannon (wrk not installed: its rate is capped by the sender), ${SLICES} slices`,
  );
  console.log(
    `fixed rates: ${pacer ? 'bench/paced-load.c' : 'bench/paced-load.ts (no C compiler)'}, ` +
      `${WINDOWS} windows of ${RATE_SECONDS} s each, each after one on the floor`,
  );
  console.log(
    `machine: xmldom + xml-crypto verify ${Math.round(REFERENCE_XML_CRYPTO_PER_SECOND / initial.xml)}/CPU-s here, ${REFERENCE_XML_CRYPTO_PER_SECOND}/s on the reference machine → ${initial.xml.toFixed(2)}× slower by this yardstick`,
  );
  console.log(`signing ${thousands(perStore)} SAMLResponses …`);
  const started = performance.now();
  const responses = signedForms(perStore);
  console.log(`… ${Math.round((performance.now() - started) / 1000)} s\n`);

  const floor = await startServer('http-floor.ts', '1500');
  floorChild = floor.child;
  const floorMs = await measureFloor(floor, responses);
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
      await autocannonLoad(url, mine.splice(0, WARM_UP)); // warm-up (JIT, caches)
      if (WRK) wrkLoad(url, mine, WARM_SECONDS, dir, WRK_MAX_RATE * WARM_SECONDS);
      const pid = child.pid ?? 0;
      const label = `AssumeRoleWithSAML, ${store}`;
      const slice = Math.ceil(REQUESTS / SLICES);
      const run = WRK
        ? async () => wrkLoad(url, mine, SLICE_SECONDS, dir, WRK_MAX_RATE * SLICE_SECONDS)
        : () => autocannonLoad(url, mine.splice(0, slice));
      const ms = await measuredMax(label, pid, run, url);
      console.log(
        `${''.padEnd(LABEL_WIDTH)} = ${(ms / floorMs).toFixed(1)}× the CPU of the bare node:http floor`,
      );
      for (const { rate, why } of RATE_SECONDS > 0 ? fixedRates() : []) {
        const floorSide = { url: floor.url, bodies: responses };
        await pacedWindows(`${label}, ${thousands(rate)}/s${why}`, pid, url, mine, rate, floorSide);
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
      ` by xml-crypto ${range(xmlSlowdowns)}; each phase is scaled by its own readings`,
  );
  redis.disconnect();
  await memory.close();
  await redisStore.close();
} finally {
  floorChild?.kill('SIGTERM');
  yardstick.stop();
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
