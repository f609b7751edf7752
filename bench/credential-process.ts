/**
 * `ramgate credential-process` from its cache, as the aliyun CLI and the SDKs run it before every
 * call in External mode: a fresh process each time (node bin/ramgate.js, the built dist/), a cached
 * login valid for hours, stdout read to the end. Goal (issue 16): at most 150 ms per run.
 *
 *   npm run bench:credential-process [-- --runs 30]
 *
 * Prints wall ms per run (min, median, p95, max) and, for scale, a bare `node -e 0`; never fails on speed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeCachedLogin } from '../test/support/cached-login.js';
import { runsOption } from './runs-option.js';

const RUNS = runsOption(30);
const BIN = resolve(import.meta.dirname, '..', 'bin', 'ramgate.js');

function timeRuns(args: string[], env: NodeJS.ProcessEnv): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

const medianOf = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)] ?? NaN;

/** A row; with `floor` (the bare process start of the same run) also the median's ratio to it. */
function summary(name: string, sorted: number[], floor?: number[]): string {
  const at = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(0);
  const ratio = floor ? `  ×${(medianOf(sorted) / medianOf(floor)).toFixed(2)} of node -e 0` : '';
  return `${name.padEnd(34)} min ${at(0)} ms  median ${at(0.5)} ms  p95 ${at(0.95)} ms  max ${at(1)} ms${ratio}`;
}

const home = mkdtempSync(join(tmpdir(), 'ramgate-bench-cp-'));
try {
  writeCachedLogin(home, 'bench', 'STS.bench');
  const env = { ...process.env, HOME: home };
  const out = execFileSync(process.execPath, [BIN, 'credential-process', '--profile', 'bench'], {
    env,
  }).toString();
  if (!out.includes('"access_key_id":"STS.bench"')) throw new Error(`unexpected output: ${out}`);
  console.log(`${RUNS} runs each, node ${process.version}`);
  const floor = timeRuns(['-e', '0'], env);
  console.log(summary('node -e 0 (process start)', floor));
  console.log(
    summary(
      'credential-process (from cache)',
      timeRuns([BIN, 'credential-process', '--profile', 'bench'], env),
      floor,
    ),
  );
  console.log(summary('ramgate --version', timeRuns([BIN, '--version'], env), floor));
  console.log('goal: credential-process median <= 150 ms');
} finally {
  rmSync(home, { recursive: true, force: true });
}
