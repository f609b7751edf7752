/**
 * Wildcard patterns of the policy language: `*` matches zero or more characters, `?` exactly one
 * (a surrogate pair counts as one character). A pattern is compiled once into the cheapest
 * matcher for its shape; the general case is a linear-backtracking hand matcher (at most
 * O(pattern × input) steps), never a regex, so no pattern can make matching blow up.
 */
export type Matcher = (input: string) => boolean;

const matchAll: Matcher = () => true;

/** `pattern` must already be in the case the input will be in (callers lower-case both for case-insensitive parts). */
export function compileWildcard(pattern: string): Matcher {
  if (pattern === '*') return matchAll;
  const star = pattern.indexOf('*');
  const hasQuestion = pattern.includes('?');
  if (star < 0 && !hasQuestion) return (input) => input === pattern;
  if (!hasQuestion && star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (input) => input.startsWith(prefix);
  }
  if (!hasQuestion && star === 0 && pattern.lastIndexOf('*') === 0) {
    const suffix = pattern.slice(1);
    return (input) => input.endsWith(suffix);
  }
  return (input) => wildcardMatch(pattern, input);
}

/** True when the text contains a wildcard character. */
export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

function charWidth(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** Classic greedy matcher: remember the last `*` and retry from one character further on failure. */
export function wildcardMatch(pattern: string, input: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < input.length) {
    const pc = pattern.charCodeAt(p);
    if (p < pattern.length && pc === 0x3f /* ? */) {
      p++;
      i += charWidth(input, i);
    } else if (p < pattern.length && pc === 0x2a /* * */) {
      starP = p++;
      starI = i;
    } else if (p < pattern.length && pc === input.charCodeAt(i)) {
      p++;
      i++;
    } else if (starP >= 0) {
      p = starP + 1;
      starI += charWidth(input, starI);
      i = starI;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 0x2a) p++;
  return p === pattern.length;
}
