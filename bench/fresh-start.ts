/**
 * Issue 16 point 13: from a fresh clone, how long `npm ci` takes and then how long the README's run
 * command takes to print "ramgate is listening" (goal: within 5 s after `npm ci`). For comparison the
 * same gateway through `node bin/ramgate.js` and through `npx ramgate`, whose first use in a clone
 * installs the clone into npx's cache and runs its `prepare` (a full rebuild).
 *
 *   npm run bench:fresh-start [-- --runs 5]
 *
 * npm runs offline (from the npm cache that this checkout's own `npm ci` filled). The npx cache entry
 * the `npx ramgate` runs make for the temporary clone is removed at the end. Never fails on speed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  copyTrackedFiles,
  npxEntriesFor,
  offlineNpmEnv,
  readmeFirstCommands,
  runUntilListening,
} from '../test/support/fresh-clone.js';
import { freePort } from '../test/support/redis.js';
import { runsOption } from './runs-option.js';

const RUNS = runsOption(5);

async function timeToListening(command: string, cwd: string): Promise<number> {
  const port = await freePort();
  const gateway = await runUntilListening(command, cwd, offlineNpmEnv({ RAMGATE_PORT: String(port) }));
  await gateway.stop();
  return gateway.ms;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** Prints a row and returns its median; `floor` (the bare node start of the same run) gives the ratio. */
function summary(label: string, times: number[], floor?: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const ratio = floor ? `  ×${(median / floor).toFixed(2)} of node bin/ramgate.js` : '';
  console.log(
    `${label.padEnd(44)} median ${fmt(median)}  min ${fmt(sorted[0] as number)}  max ${fmt(sorted.at(-1) as number)}  (${times.length} runs)${ratio}`,
  );
  return median;
}

const clone = mkdtempSync(join(tmpdir(), 'ramgate-bench-fresh-'));
try {
  const [readmeRun] = readmeFirstCommands();
  const afterCi = (readmeRun as string).replace(/^npm ci && /, '');
  console.log(`fresh copy of ${copyTrackedFiles(clone)} tracked files in ${clone}`);
  console.log(`README run command: ${readmeRun}`);

  const ciStarted = performance.now();
  execFileSync('npm', ['ci'], { cwd: clone, env: offlineNpmEnv(), stdio: 'ignore' });
  console.log(
    `${'npm ci (offline, includes prepare = build)'.padEnd(44)} ${fmt(performance.now() - ciStarted)}`,
  );

  const times = async (command: string, runs: number) => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) out.push(await timeToListening(command, clone));
    return out;
  };
  const floor = summary(
    'node bin/ramgate.js serve --demo',
    await times('node bin/ramgate.js serve --demo', RUNS),
  );
  summary(`after npm ci: ${afterCi}`, await times(afterCi, RUNS), floor);
  const [npxFirst] = await times('npx ramgate serve --demo', 1);
  summary('npx ramgate serve --demo, first in the clone', [npxFirst as number], floor);
  summary(
    'npx ramgate serve --demo, after that',
    await times('npx ramgate serve --demo', Math.min(RUNS, 3)),
    floor,
  );
  console.log('Goal: the README run command listens within 5 s after npm ci.');
} finally {
  for (const entry of npxEntriesFor(clone)) rmSync(entry, { recursive: true, force: true });
  rmSync(clone, { recursive: true, force: true });
}
