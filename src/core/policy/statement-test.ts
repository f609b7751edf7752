/**
 * The per-request test of a compiled statement. Its lists are frozen for callers; V8 (Node 20) can
 * read elements of a frozen array several times slower than of a plain one (5–10× in isolation),
 * so the test reads plain copies that only this closure can reach, as immutable as the originals.
 */
import { conditionsHold, type CompiledCondition } from './conditions.js';
import type { PreparedRequest } from './request.js';
import type { PatternList } from './types.js';
import type { Matcher } from './wildcard.js';

/** Does any matcher accept the input? */
export function anyMatches(matchers: readonly Matcher[], input: string): boolean {
  for (let i = 0; i < matchers.length; i++) if ((matchers[i] as Matcher)(input)) return true;
  return false;
}

/** Action / NotAction or Resource / NotResource against one input. */
export function listMatches(list: PatternList, input: string): boolean {
  return anyMatches(list.matchers, input) !== list.negated;
}

/** Resource (absent in trust policies) and Condition; the Action is matched by the statement index. */
export function compileStatementTest(
  resources: PatternList | undefined,
  conditions: readonly CompiledCondition[],
): (request: PreparedRequest) => boolean {
  const tests = [...conditions];
  if (resources === undefined) return tests.length === 0 ? () => true : (r) => conditionsHold(tests, r);
  const matchers = [...resources.matchers];
  const folded = [...resources.foldedMatchers];
  const negated = resources.negated;
  const resourceMatches = (request: PreparedRequest) => {
    const lower = request.foldedResource;
    const matched = lower === undefined ? anyMatches(matchers, request.resource) : anyMatches(folded, lower);
    return matched !== negated;
  };
  if (tests.length === 0) return resourceMatches;
  return (request) => resourceMatches(request) && conditionsHold(tests, request);
}
