/**
 * The load generators bench/http.ts drives a server with, each reported as one LoadResult:
 * - full load: wrk (Debian's package) when installed, with bench/wrk-bodies.lua; autocannon else.
 *   autocannon is JavaScript and tops out near 1,000 requests/s of these 10 KB forms on one core,
 *   below what the gateway serves, while wrk keeps the server's core busy.
 * - fixed rates: bench/paced-load.c built with cc when there is one, bench/paced-load.ts else. Against a
 *   bare node:http server at 1,000/s the JavaScript sender alone showed p99 4–11 ms and p50 0.8 ms
 *   more than the C one: the size of the figure being measured.
 * Every request carries its own body (signed assertions are single-use); each driver consumes, from
 * the front of the array it is given, the bodies it sent.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pacedLoad } from './paced-load.js';

export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  duration: number;
}

type CannonRequest = { method: string; path: string; headers: Record<string, string>; body?: Buffer };
type Cannon = (options: Record<string, unknown>) => Promise<LoadResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const FORM = 'application/x-www-form-urlencoded';

/** autocannon, 16 connections, one request per body (bodies are consumed). */
export async function autocannonLoad(url: string, bodies: Buffer[]): Promise<LoadResult> {
  const mine = bodies.splice(0, bodies.length);
  let next = 0;
  return autocannon({
    url,
    connections: 16,
    amount: mine.length,
    requests: [
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': FORM },
        setupRequest: (req: CannonRequest) => ({ ...req, body: mine[next++ % mine.length] }),
      },
    ],
  });
}

export const WRK = spawnSync('wrk', ['--version']).error === undefined;

/**
 * `seconds` of full load from wrk (one thread, 16 connections), each request with the next of
 * `bodies`, at most `budget` of them handed over (more come back as non-2xx answers).
 */
export function wrkLoad(
  url: string,
  bodies: Buffer[],
  seconds: number,
  dir: string,
  budget: number,
): LoadResult {
  const file = join(dir, 'wrk-bodies.txt');
  writeFileSync(file, `${bodies.slice(0, budget).join('\n')}\n`);
  const script = join(import.meta.dirname, 'wrk-bodies.lua');
  const args = ['-t1', '-c16', `-d${seconds}s`, '--latency', '-s', script, url, '--', file];
  const { stdout } = spawnSync('wrk', args, { encoding: 'utf8' });
  const count = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? 0);
  const total = count(/(\d+) requests in/);
  const duration = Number(/requests in ([\d.]+)s/.exec(stdout)?.[1] ?? seconds);
  const errors = [...stdout.matchAll(/(?:connect|read|write|timeout) (\d+)/g)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
  // Every body that went out, answered or still in flight (as the script counted them).
  const sent = /bodies sent: (\d+)/.exec(stdout)?.[1];
  if (sent === undefined) throw new Error(`wrk printed no count of the bodies it sent: ${stdout}`);
  bodies.splice(0, Number(sent));
  return {
    requests: { average: total / duration, total },
    latency: { p50: wrkMs(stdout, '50%'), p99: wrkMs(stdout, '99%'), average: NaN },
    non2xx: count(/Non-2xx or 3xx responses: (\d+)/),
    errors,
    duration,
  };
}

/** A latency percentile of wrk's --latency table ("99%  12.34ms"), in ms. */
function wrkMs(stdout: string, percentile: string): number {
  const m = new RegExp(`${percentile}\\s+([\\d.]+)(us|ms|s)`).exec(stdout);
  if (!m) return NaN;
  const unit = m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1;
  return Number(m[1]) * unit;
}

/** Builds bench/paced-load.c into `dir`; undefined when there is no C compiler (the JS sender is used). */
export function buildNativePacer(dir: string): string | undefined {
  const binary = join(dir, 'paced-load');
  const source = join(import.meta.dirname, 'paced-load.c');
  const built = spawnSync('cc', ['-O2', '-o', binary, source], { stdio: 'ignore' });
  return built.status === 0 ? binary : undefined;
}

/** `bodies.length` requests at `rate` per second, open loop (latency from each request's due time). */
export async function pacedRun(
  url: string,
  bodies: Buffer[],
  rate: number,
  dir: string,
  pacer: string | undefined,
): Promise<LoadResult> {
  const mine = bodies.splice(0, bodies.length);
  const r = pacer ? nativePaced(url, mine, rate, dir, pacer) : await pacedLoad(url, mine, rate);
  return {
    requests: { average: r.ok / r.seconds, total: r.sent },
    latency: { p50: r.p50, p99: r.p99, average: NaN },
    non2xx: r.errors,
    errors: 0,
    duration: r.seconds,
  };
}

type PacedFigures = { sent: number; ok: number; errors: number; seconds: number; p50: number; p99: number };

function nativePaced(url: string, bodies: Buffer[], rate: number, dir: string, pacer: string): PacedFigures {
  const file = join(dir, 'paced-bodies.txt');
  writeFileSync(file, `${bodies.join('\n')}\n`);
  const port = new URL(url).port;
  const run = spawnSync(pacer, [port, String(rate), String(bodies.length), file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench/paced-load.c failed: ${run.stderr}`);
  if (run.stderr) process.stderr.write(run.stderr);
  return JSON.parse(run.stdout) as PacedFigures;
}
