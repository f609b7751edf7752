/**
 * Shared by the fuzz test files (short runs) and bench/fuzz.ts (long runs with fresh seeds): a fuzz
 * property is a fast-check arbitrary plus a check that throws a FuzzViolation when the code under
 * test breaks its contract. Every call into the code under test is timed in process CPU time (not
 * wall time, which other processes on a shared machine inflate); one call costing more than
 * PER_INPUT_LIMIT_MS is a violation too — a guard against super-linear inputs, not a speed goal.
 */
import fc from 'fast-check';

/** CPU ms per call into the code under test. Generous on purpose: calls take milliseconds; this only catches blow-ups. */
export const PER_INPUT_LIMIT_MS = 1000;

export class FuzzViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzViolation';
  }
}

export function violation(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FuzzViolation(message);
}

/**
 * Runs one call into the code under test (one document, one policy, one request) and records how
 * long it took; the oracle's own work is not timed.
 */
export type Timer = <R>(call: () => R) => R;

export interface FuzzProperty<T = unknown> {
  name: string;
  /** Inputs per run in the test suite (kept small: all fuzz files together stay under 30 s). */
  suiteRuns: number;
  arbitrary: fc.Arbitrary<T>;
  /**
   * Throws FuzzViolation (or anything else: also a failure) when the contract is broken. Calls into
   * the code under test go through `timed` (awaited results included).
   */
  check: (input: T, timed: Timer) => void | Promise<void>;
}

/** Identity helper that keeps the input type of a property checked. */
export function fuzzProperty<T>(p: FuzzProperty<T>): FuzzProperty {
  return p as unknown as FuzzProperty;
}

export interface FuzzStats {
  runs: number;
  /** The most process CPU time one call into the code under test cost (what the limit applies to). */
  maxMs: number;
  /** The most wall-clock time one call into the code under test cost (inflated by machine load). */
  maxWallMs: number;
}

/** The fast-check property of `p`, recording runs and the slowest input in `stats`. */
export function timedProperty(p: FuzzProperty, stats: FuzzStats): fc.IAsyncProperty<[unknown]> {
  return fc.asyncProperty(p.arbitrary, async (input) => {
    let ms = 0;
    let wallMs = 0;
    const timed: Timer = (call) => {
      const start = process.cpuUsage();
      const wallStart = performance.now();
      const stop = () => {
        const used = process.cpuUsage(start);
        ms = Math.max(ms, (used.user + used.system) / 1000);
        wallMs = Math.max(wallMs, performance.now() - wallStart);
      };
      const result = call();
      if (result instanceof Promise) return result.finally(stop) as typeof result;
      stop();
      return result;
    };
    try {
      await p.check(input, timed);
    } finally {
      stats.runs++;
      stats.maxMs = Math.max(stats.maxMs, ms);
      stats.maxWallMs = Math.max(stats.maxWallMs, wallMs);
    }
    violation(
      ms <= PER_INPUT_LIMIT_MS,
      `one call took ${ms.toFixed(0)} ms of CPU (limit ${PER_INPUT_LIMIT_MS} ms)`,
    );
  });
}

/** Runs `p` for `numRuns` inputs from `seed`; the report names the seed and the shrunk counterexample. */
export async function runFuzz(
  p: FuzzProperty,
  options: { numRuns: number; seed?: number },
): Promise<{ stats: FuzzStats; failure?: string; seed: number }> {
  const stats: FuzzStats = { runs: 0, maxMs: 0, maxWallMs: 0 };
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const details = await fc.check(timedProperty(p, stats), { numRuns: options.numRuns, seed });
  if (!details.failed) return { stats, seed };
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return { stats, seed, failure: `${error}\n${fc.defaultReportMessage(details) ?? ''}` };
}
