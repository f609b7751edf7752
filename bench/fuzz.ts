/**
 * The fuzz properties of test/fuzz for a longer time with fresh seeds: round-robin over every
 * property in batches, until N minutes have passed. Prints, per property, the inputs run, the most
 * CPU and wall time one call into the code under test cost, and every failure with its seed and shrunk counterexample (keep
 * those as regression tests). Exit code 1 when a property failed.
 *
 *   npm run bench:fuzz [-- --minutes N]      (default 3)
 *   npx tsx bench/fuzz.ts --minutes 10
 */
import { runFuzz, type FuzzProperty, type FuzzStats } from '../test/fuzz/harness.js';
import { METADATA_PROPERTIES } from '../test/fuzz/metadata-properties.js';
import { POLICY_PROPERTIES } from '../test/fuzz/policy-properties.js';
import { RESPONSE_PROPERTIES } from '../test/fuzz/response-properties.js';
import { XML_PARSER_PROPERTIES } from '../test/fuzz/xml-parser-properties.js';

const minutesArg = process.argv.indexOf('--minutes');
const MINUTES = minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 3;
if (!(MINUTES > 0)) throw new Error('--minutes takes a positive number');

const PROPERTIES: readonly FuzzProperty[] = [
  ...METADATA_PROPERTIES,
  ...RESPONSE_PROPERTIES,
  ...POLICY_PROPERTIES,
  ...XML_PARSER_PROPERTIES,
];

interface Tally extends FuzzStats {
  seconds: number;
  failures: Array<{ seed: number; report: string }>;
}

const tallies = new Map<FuzzProperty, Tally>(
  PROPERTIES.map((p) => [p, { runs: 0, maxMs: 0, maxWallMs: 0, seconds: 0, failures: [] }]),
);
const deadline = Date.now() + MINUTES * 60_000;
console.log(`fuzzing ${PROPERTIES.length} properties for ${MINUTES} min (fresh seeds, batches of suiteRuns)`);

while (Date.now() < deadline) {
  for (const property of PROPERTIES) {
    if (Date.now() >= deadline) break;
    const tally = tallies.get(property) as Tally;
    const started = performance.now();
    const { stats, failure, seed } = await runFuzz(property, { numRuns: property.suiteRuns });
    tally.seconds += (performance.now() - started) / 1000;
    tally.runs += stats.runs;
    tally.maxMs = Math.max(tally.maxMs, stats.maxMs);
    tally.maxWallMs = Math.max(tally.maxWallMs, stats.maxWallMs);
    if (failure) {
      tally.failures.push({ seed, report: failure });
      console.log(`FAILED ${property.name} (seed ${seed}):\n${failure}\n`);
    }
  }
}

const rows = PROPERTIES.map((p) => {
  const t = tallies.get(p) as Tally;
  return {
    property: p.name.length > 70 ? `${p.name.slice(0, 67)}...` : p.name,
    runs: t.runs,
    'runs/s': Math.round(t.runs / Math.max(t.seconds, 1e-9)),
    'max CPU ms/call': Number(t.maxMs.toFixed(1)),
    'max wall ms/call': Number(t.maxWallMs.toFixed(1)),
    failures: t.failures.length,
  };
});
console.table(rows);
const failed = [...tallies.values()].flatMap((t) => t.failures);
for (const [p, t] of tallies) for (const f of t.failures) console.log(`seed ${f.seed}: ${p.name}`);
console.log(failed.length === 0 ? 'no property failed' : `${failed.length} failing batch(es); seeds above`);
process.exitCode = failed.length === 0 ? 0 : 1;
