/**
 * Role patterns such as `Aliyun-{account}-{role}` or `CN=aliyun-{role},*`: literal text (compared
 * case-insensitively, as AD compares group names), exactly one `{role}` capture, at most one
 * `{account}` capture (decimal digits) and at most one `*` (any text). A pattern is refused when it
 * could turn an arbitrary value into a role: fewer than two literal characters, or two captures
 * with nothing between them (where one ends and the other starts would be a guess).
 */
export const PATTERN_MAX_CHARS = 256;
/** Longer values are never matched against patterns (keeps every match linear-ish and cheap). */
export const PATTERN_MAX_VALUE_CHARS = 512;

export interface CompiledPattern {
  source: string;
  regex: RegExp;
  hasAccount: boolean;
}

type Part = { kind: 'literal'; text: string } | { kind: 'role' | 'account' | 'any' };

const TOKENS = /\{role\}|\{account\}|\*/g;

function parts(pattern: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of pattern.matchAll(TOKENS)) {
    if (m.index > last) out.push({ kind: 'literal', text: pattern.slice(last, m.index) });
    out.push({ kind: m[0] === '{role}' ? 'role' : m[0] === '{account}' ? 'account' : 'any' });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) out.push({ kind: 'literal', text: pattern.slice(last) });
  return out;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const PIECES = {
  role: '(?<role>[^,]{1,128})',
  account: '(?<account>[0-9]{1,32})',
  any: '[^]*?',
} as const;

/** Throws an Error saying what is wrong with the pattern; the caller adds where it was. */
export function compilePattern(pattern: string): CompiledPattern {
  if (pattern.length > PATTERN_MAX_CHARS) throw new Error(`longer than ${PATTERN_MAX_CHARS} characters`);
  const list = parts(pattern);
  const count = (kind: Part['kind']) => list.filter((p) => p.kind === kind).length;
  if (count('role') !== 1) throw new Error('needs exactly one {role} capture');
  if (count('account') > 1) throw new Error('has more than one {account} capture');
  if (count('any') > 1) throw new Error('has more than one *');
  const literal = list.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
  if (/[{}]/.test(literal)) throw new Error('has a brace that is not {role} or {account}');
  if (literal.length < 2)
    throw new Error('needs at least two literal characters; it would turn almost any value into a role');
  list.forEach((p, i) => {
    const next = list[i + 1];
    if (p.kind !== 'literal' && next && next.kind !== 'literal')
      throw new Error('has two captures or wildcards with no literal text between them');
  });
  const body = list.map((p) => (p.kind === 'literal' ? escape(p.text) : PIECES[p.kind])).join('');
  return { source: pattern, regex: new RegExp(`^${body}$`, 'i'), hasAccount: count('account') === 1 };
}

export type PatternMatch = { role: string; account: string | undefined } | undefined;

export function matchPattern(pattern: CompiledPattern, value: string): PatternMatch {
  if (value.length > PATTERN_MAX_VALUE_CHARS) return undefined;
  const groups = pattern.regex.exec(value)?.groups;
  if (!groups?.role) return undefined;
  return { role: groups.role, account: groups.account };
}
