/**
 * The Condition block (reference §4): `{ <operator>: { <key>: <value or list>, … }, … }`.
 * A key matches when any request value matches any policy value; all keys of all operators are
 * AND-ed. A missing request key fails every positive operator. The negated operators
 * (String/Numeric/Date `…NotEquals`, `StringNotLike`, `NotIpAddress`) are exactly the negation
 * of their positive twin, as in AWS IAM: they hold when the key is missing, and for a
 * multi-valued key they hold only when no request value matches any policy value.
 */
import type { JsonValue } from './json.js';
import { cidrContains, parseCidr, type Cidr, type IpAddr } from './ip.js';
import { grammarError, hasControlCharacter, member, type Where } from './location.js';
import type { ContextEntry, PreparedRequest } from './request.js';
import { toBoolString, toEpochMillis, toNumber } from './values.js';
import { compileWildcard, type Matcher } from './wildcard.js';

export interface CompiledCondition {
  readonly operator: string;
  /** Lower-case condition key. */
  readonly key: string;
  readonly negated: boolean;
  /** The positive test on a present key. */
  readonly test: (entry: ContextEntry) => boolean;
}

type Family = 'string' | 'numeric' | 'date' | 'bool' | 'ip';
type Comparison = 'eq' | 'eqIgnoreCase' | 'like' | 'lt' | 'le' | 'gt' | 'ge' | 'bool' | 'ip';

const OPERATORS: Readonly<Record<string, readonly [Family, Comparison, boolean]>> = {
  StringEquals: ['string', 'eq', false],
  StringNotEquals: ['string', 'eq', true],
  StringEqualsIgnoreCase: ['string', 'eqIgnoreCase', false],
  StringNotEqualsIgnoreCase: ['string', 'eqIgnoreCase', true],
  StringLike: ['string', 'like', false],
  StringNotLike: ['string', 'like', true],
  NumericEquals: ['numeric', 'eq', false],
  NumericNotEquals: ['numeric', 'eq', true],
  NumericLessThan: ['numeric', 'lt', false],
  NumericLessThanEquals: ['numeric', 'le', false],
  NumericGreaterThan: ['numeric', 'gt', false],
  NumericGreaterThanEquals: ['numeric', 'ge', false],
  DateEquals: ['date', 'eq', false],
  DateNotEquals: ['date', 'eq', true],
  DateLessThan: ['date', 'lt', false],
  DateLessThanEquals: ['date', 'le', false],
  DateGreaterThan: ['date', 'gt', false],
  DateGreaterThanEquals: ['date', 'ge', false],
  Bool: ['bool', 'bool', false],
  IpAddress: ['ip', 'ip', false],
  NotIpAddress: ['ip', 'ip', true],
};

export const CONDITION_OPERATORS: readonly string[] = Object.freeze(Object.keys(OPERATORS));

const EXPECTED: Readonly<Record<Family, string>> = {
  string: 'a string or list of strings',
  numeric: 'a number (or decimal string) or list of them',
  date: 'an ISO 8601 date or date-time with zone (e.g. 2012-11-11T23:59:59Z) or list of them',
  bool: 'true or false (boolean or string) or list of them',
  ip: 'an IPv4/IPv6 address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32) or list of them',
};

/** Keys whose string values compare case-insensitively (reference §2.2: the recipient URL). */
const CASE_FOLDED_KEYS: ReadonlySet<string> = new Set(['saml:recipient']);

const MAX_KEY_LENGTH = 256;

export function compileConditionBlock(block: JsonValue, where: Where): readonly CompiledCondition[] {
  if (!isObject(block)) throw grammarError(where, 'must be an object of operators');
  const operators = Object.keys(block);
  if (operators.length === 0) throw grammarError(where, 'must name at least one operator');
  const compiled: CompiledCondition[] = [];
  for (const operator of operators) {
    const opWhere = member(where, operator);
    const spec = OPERATORS[operator];
    if (!spec)
      throw grammarError(
        opWhere,
        `unknown condition operator (supported: ${CONDITION_OPERATORS.join(', ')})`,
      );
    const keys = block[operator];
    if (!isObject(keys)) throw grammarError(opWhere, 'must be an object of condition keys to values');
    const seen = new Set<string>();
    const names = Object.keys(keys);
    if (names.length === 0) throw grammarError(opWhere, 'must name at least one condition key');
    for (const name of names) {
      const keyWhere = member(opWhere, name);
      const key = checkKey(name, keyWhere);
      if (seen.has(key)) throw grammarError(keyWhere, 'condition key repeated (keys are case-insensitive)');
      seen.add(key);
      const values = valueList(keys[name] as JsonValue, spec[0], keyWhere);
      compiled.push({
        operator,
        key,
        negated: spec[2],
        test: compileTest(spec[0], spec[1], key, values, keyWhere),
      });
    }
  }
  return Object.freeze(compiled);
}

/** True when every condition holds for the request. */
export function conditionsHold(conditions: readonly CompiledCondition[], request: PreparedRequest): boolean {
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i] as CompiledCondition;
    const entry = request.lookup(c.key);
    const positive = entry !== undefined && c.test(entry);
    if (positive === c.negated) return false;
  }
  return true;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKey(name: string, where: Where): string {
  if (name.length === 0 || name.length > MAX_KEY_LENGTH)
    throw grammarError(where, `condition key must be 1 to ${MAX_KEY_LENGTH} characters`);
  const colon = name.indexOf(':');
  if (colon <= 0 || colon === name.length - 1)
    throw grammarError(where, 'condition key must look like <prefix>:<name> (e.g. acs:SourceIp)');
  if (hasControlCharacter(name)) throw grammarError(where, 'condition key contains a control character');
  return name.toLowerCase();
}

function valueList(value: JsonValue, family: Family, where: Where): readonly (string | number | boolean)[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw grammarError(where, 'value list must not be empty');
  for (const v of list) {
    const scalarOk =
      family === 'string'
        ? typeof v === 'string'
        : typeof v === 'string' ||
          (family !== 'ip' && family !== 'date' && (typeof v === 'number' || typeof v === 'boolean'));
    if (!scalarOk) throw grammarError(where, `value must be ${EXPECTED[family]}`);
  }
  return list as (string | number | boolean)[];
}

type Test = (entry: ContextEntry) => boolean;

function compileTest(
  family: Family,
  comparison: Comparison,
  key: string,
  values: readonly (string | number | boolean)[],
  where: Where,
): Test {
  const invalid = (): never => {
    throw grammarError(where, `value must be ${EXPECTED[family]}`);
  };
  switch (family) {
    case 'string':
      return compileStringTest(comparison, CASE_FOLDED_KEYS.has(key), values as readonly string[]);
    case 'numeric':
      return compileOrderedTest(comparison, parseAll(values, toNumber, invalid), 'numbers');
    case 'date':
      return compileOrderedTest(comparison, parseAll(values, toEpochMillis, invalid), 'dates');
    case 'bool': {
      const wanted = values.map((v) => toBoolString(v) ?? invalid());
      return (e) => anyOf(e.bools, wanted);
    }
    case 'ip': {
      const blocks = values.map((v) => parseCidr(String(v)) ?? invalid());
      return (e) => anyAddressIn(e.ips, blocks);
    }
  }
}

function parseAll(
  values: readonly (string | number | boolean)[],
  parse: (v: unknown) => number,
  invalid: () => never,
): number[] {
  return values.map((v) => {
    const n = typeof v === 'boolean' ? NaN : parse(v);
    return Number.isNaN(n) ? invalid() : n;
  });
}

/** Does any request value equal any policy value? (Plain loops: both lists are short.) */
function anyOf<T>(request: readonly (T | undefined)[], policy: readonly T[]): boolean {
  for (let i = 0; i < request.length; i++) {
    const r = request[i];
    if (r === undefined) continue;
    for (let j = 0; j < policy.length; j++) if (r === policy[j]) return true;
  }
  return false;
}

function anyAddressIn(request: readonly (IpAddr | undefined)[], blocks: readonly Cidr[]): boolean {
  for (let i = 0; i < request.length; i++) {
    const ip = request[i];
    if (ip === undefined) continue;
    for (let j = 0; j < blocks.length; j++) if (cidrContains(blocks[j] as Cidr, ip)) return true;
  }
  return false;
}

function anyMatch(request: readonly string[], matchers: readonly Matcher[]): boolean {
  for (let i = 0; i < request.length; i++) {
    const s = request[i] as string;
    for (let j = 0; j < matchers.length; j++) if ((matchers[j] as Matcher)(s)) return true;
  }
  return false;
}

function compileStringTest(comparison: Comparison, caseFolded: boolean, values: readonly string[]): Test {
  const fold = caseFolded || comparison === 'eqIgnoreCase';
  const wanted = fold ? values.map((v) => v.toLowerCase()) : values;
  if (comparison === 'like') {
    const matchers = wanted.map(compileWildcard);
    return fold ? (e) => anyMatch(e.lower, matchers) : (e) => anyMatch(e.strings, matchers);
  }
  if (wanted.length > 8) {
    const set = new Set(wanted);
    return fold ? (e) => e.lower.some((s) => set.has(s)) : (e) => e.strings.some((s) => set.has(s));
  }
  return fold ? (e) => anyOf(e.lower, wanted) : (e) => anyOf(e.strings, wanted);
}

/**
 * Numbers and dates. "Some request value r and some policy value w with r < w" is r < max(w), and
 * likewise for the other orders, so each request value costs one comparison. NaN (a request value
 * that is not a number or date) compares false with everything and is in no list of policy values.
 */
function compileOrderedTest(
  comparison: Comparison,
  wanted: readonly number[],
  view: 'numbers' | 'dates',
): Test {
  const min = Math.min(...wanted);
  const max = Math.max(...wanted);
  switch (comparison) {
    case 'eq':
      return (e) => anyOf(e[view], wanted);
    case 'lt':
      return (e) => e[view].some((r) => r < max);
    case 'le':
      return (e) => e[view].some((r) => r <= max);
    case 'gt':
      return (e) => e[view].some((r) => r > min);
    case 'ge':
      return (e) => e[view].some((r) => r >= min);
    default:
      throw new Error(`no ordered comparison ${comparison}`);
  }
}
