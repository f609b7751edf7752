/**
 * Wildcard patterns of the policy language: `*` matches zero or more characters, `?` exactly one
 * (a surrogate pair counts as one character). A pattern is compiled once into the cheapest
 * matcher for its shape: equality, prefix, suffix, anchored segments found with indexOf, and for
 * patterns with `?` a backtracking hand matcher (at most O(pattern × input) steps). Never a regex,
 * so no pattern can make matching blow up.
 */
export type Matcher = (input: string) => boolean;

const matchAll: Matcher = () => true;

/** `pattern` must already be in the case the input will be in (callers lower-case both for case-insensitive parts). */
export function compileWildcard(pattern: string): Matcher {
  if (pattern === '*') return matchAll;
  if (pattern.includes('?')) return (input) => wildcardMatch(pattern, input);
  const segments = pattern.split('*');
  if (segments.length === 1) return (input) => input === pattern;
  const prefix = segments[0] as string;
  const suffix = segments[segments.length - 1] as string;
  const middles = segments.slice(1, -1).filter((s) => s.length > 0);
  if (middles.length === 0) {
    if (suffix === '') return (input) => input.startsWith(prefix);
    if (prefix === '') return (input) => input.endsWith(suffix);
  }
  return (input) => starSegmentsMatch(prefix, middles, suffix, input);
}

/**
 * A pattern of literal segments joined by `*`: the prefix and suffix are anchored, and the middle
 * segments are found leftmost-first in order (taking the earliest occurrence never loses a match).
 */
function starSegmentsMatch(
  prefix: string,
  middles: readonly string[],
  suffix: string,
  input: string,
): boolean {
  const end = input.length - suffix.length;
  if (end < prefix.length || !input.startsWith(prefix) || !input.endsWith(suffix)) return false;
  let pos = prefix.length;
  for (let i = 0; i < middles.length; i++) {
    const segment = middles[i] as string;
    const at = input.indexOf(segment, pos);
    if (at < 0 || at + segment.length > end) return false;
    pos = at + segment.length;
  }
  return true;
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
