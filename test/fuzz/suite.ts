import { describe, expect, it } from 'vitest';
import { runFuzz, type FuzzProperty } from './harness.js';

/**
 * One vitest case per property, `suiteRuns` inputs from a fresh seed. A failure message holds the
 * seed and the shrunk counterexample: keep it as a regression test next to the property.
 */
export function describeFuzz(title: string, properties: readonly FuzzProperty[]): void {
  describe(title, () => {
    for (const property of properties) {
      it(property.name, async () => {
        const { failure, stats } = await runFuzz(property, { numRuns: property.suiteRuns });
        expect(failure).toBeUndefined();
        expect(stats.runs).toBe(property.suiteRuns);
      });
    }
  });
}
