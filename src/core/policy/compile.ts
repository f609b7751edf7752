/**
 * compilePolicy: size check → strict JSON → grammar check with the location of every fault →
 * an immutable CompiledPolicy whose matchers are built once, here, never per request.
 */
import { ApiError } from '../errors.js';
import { compileConditionBlock, type CompiledCondition } from './conditions.js';
import { JsonSyntaxError, parseStrictJson, type JsonValue } from './json.js';
import { checkPolicySize } from './limits.js';
import { element, grammarError, hasControlCharacter, member, type Where } from './location.js';
import { compilePrincipal, type CompiledPrincipal } from './principal.js';
import { StatementIndex } from './statement-index.js';
import { compileStatementTest } from './statement-test.js';
import type { CompiledPolicy, CompiledStatement, PatternList, PolicyKind } from './types.js';
import { compileWildcard } from './wildcard.js';

export interface CompileOptions {
  /** Shown in evaluation results (which policy decided). Defaults to the kind in angle brackets. */
  readonly name?: string;
}

type JsonObject = { [key: string]: JsonValue };

const ACTION = /^[A-Za-z0-9*?_-]+:[A-Za-z0-9*?_.-]+$/;
const RESOURCE = /^acs:[^:]*:[^:]*:[^:]*:.+$/;
const ASSUME_ROLE = 'sts:assumerole';

const STATEMENT_MEMBERS: Readonly<Record<PolicyKind, readonly string[]>> = {
  identity: ['Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'],
  session: ['Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'],
  trust: ['Effect', 'Action', 'Principal', 'Condition'],
};

export function compilePolicy(text: string, kind: PolicyKind, options: CompileOptions = {}): CompiledPolicy {
  if (typeof text !== 'string')
    throw new ApiError('InvalidParameter.PolicyGrammar', 'The policy document must be a JSON text.');
  if (!(kind in STATEMENT_MEMBERS)) throw new TypeError(`unknown policy kind ${String(kind)}`);
  checkPolicySize(text, kind);
  const document = readJson(text);
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw grammarError('', 'The policy document must be a JSON object.');
  const name = options.name ?? `<${kind}>`;
  const statements = compileDocument(document, kind, name);
  return Object.freeze({ kind, name, text, statements, index: new StatementIndex(statements) });
}

function readJson(text: string): JsonValue {
  try {
    return parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError)
      throw grammarError('', `The policy document is not valid JSON: ${e.message}.`);
    throw e;
  }
}

function compileDocument(doc: JsonObject, kind: PolicyKind, name: string): readonly CompiledStatement[] {
  for (const key of Object.keys(doc)) {
    if (key !== 'Version' && key !== 'Statement')
      throw grammarError(member('', key), 'unknown member (allowed: Version, Statement)');
  }
  if (!('Version' in doc)) throw grammarError('Version', 'is required and must be "1"');
  if (doc.Version !== '1') throw grammarError('Version', 'must be the string "1"');
  const list = doc.Statement;
  if (list === undefined) throw grammarError('Statement', 'is required');
  if (!Array.isArray(list)) throw grammarError('Statement', 'must be a list of statements');
  if (list.length === 0) throw grammarError('Statement', 'must contain at least one statement');
  return Object.freeze(list.map((s, i) => compileStatement(s, element('Statement', i), i, kind, name)));
}

function compileStatement(
  value: JsonValue,
  where: Where,
  index: number,
  kind: PolicyKind,
  name: string,
): CompiledStatement {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw grammarError(where, 'must be an object');
  const allowed = STATEMENT_MEMBERS[kind];
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw grammarError(member(where, key), unknownMemberReason(key, kind, allowed));
  }
  const effect = value.Effect;
  if (effect !== 'Allow' && effect !== 'Deny')
    throw grammarError(member(where, 'Effect'), 'is required and must be "Allow" or "Deny"');
  const actions = compileActions(value, where, kind);
  const resources = kind === 'trust' ? undefined : compileResources(value, where);
  const principal =
    kind === 'trust' ? compilePrincipal(value.Principal, member(where, 'Principal')) : undefined;
  const conditions =
    value.Condition === undefined ? [] : compileConditionBlock(value.Condition, member(where, 'Condition'));
  if (principal !== undefined && effect === 'Allow') checkFederatedRecipient(principal, conditions, where);
  const result = Object.freeze({
    decision: effect === 'Allow' ? ('Allow' as const) : ('ExplicitDeny' as const),
    policy: name,
    statement: index,
  });
  const applies = compileStatementTest(resources, conditions);
  return Object.freeze({ index, effect, actions, resources, principal, conditions, applies, result });
}

/**
 * Alibaba: for a role trusted by a SAML provider "only the saml:recipient condition key is
 * supported. This condition key is required" — without it any SP could present the provider's
 * assertions. Checked on every compile, so a stored policy that lacks it admits nobody.
 */
function checkFederatedRecipient(
  principal: CompiledPrincipal,
  conditions: readonly CompiledCondition[],
  where: Where,
): void {
  if (principal.federated.size === 0) return;
  if (conditions.some((c) => c.key === 'saml:recipient' && !c.negated)) return;
  throw grammarError(
    member(where, 'Condition'),
    'a statement that trusts a SAML provider (Principal.Federated) must have a saml:recipient condition (e.g. StringEquals with the ACS URL)',
  );
}

function unknownMemberReason(key: string, kind: PolicyKind, allowed: readonly string[]): string {
  if (key === 'Principal') return 'Principal is allowed only in trust policies';
  if (kind === 'trust' && (key === 'Resource' || key === 'NotResource'))
    return `${key} is not allowed in a trust policy`;
  if (kind === 'trust' && key === 'NotAction')
    return 'NotAction is not allowed in a trust policy (use Action "sts:AssumeRole")';
  return `unknown member (allowed: ${allowed.join(', ')})`;
}

function compileActions(statement: JsonObject, where: Where, kind: PolicyKind): PatternList {
  const list = exactlyOne(statement, 'Action', 'NotAction', where);
  const patterns = list.values.map(([raw, at]) => {
    if (raw !== '*' && !ACTION.test(raw))
      throw grammarError(at, 'must be "*" or <service>:<action> (letters, digits, -, _, ., * and ?)');
    const lower = raw.toLowerCase();
    if (kind === 'trust' && lower !== ASSUME_ROLE)
      throw grammarError(at, 'a trust policy may only allow "sts:AssumeRole"');
    return lower;
  });
  return patternList(list.negated, patterns);
}

function compileResources(statement: JsonObject, where: Where): PatternList {
  const list = exactlyOne(statement, 'Resource', 'NotResource', where);
  const patterns = list.values.map(([raw, at]) => {
    if (hasControlCharacter(raw)) throw grammarError(at, 'contains a control character');
    if (raw !== '*' && !RESOURCE.test(raw))
      throw grammarError(at, 'must be "*" or acs:<service>:<region>:<account-id>:<relative-id>');
    return raw;
  });
  return patternList(list.negated, patterns);
}

function patternList(negated: boolean, patterns: readonly string[]): PatternList {
  const everything = patterns.includes('*');
  const unique = everything ? ['*'] : [...new Set(patterns)];
  return Object.freeze({
    negated,
    patterns: Object.freeze(unique),
    matchers: Object.freeze(unique.map(compileWildcard)),
    foldedMatchers: Object.freeze(unique.map((p) => compileWildcard(p.toLowerCase()))),
  });
}

function exactlyOne(
  statement: JsonObject,
  positive: string,
  negative: string,
  where: Where,
): { negated: boolean; values: [string, Where][] } {
  const hasPositive = positive in statement;
  const hasNegative = negative in statement;
  if (hasPositive && hasNegative) throw grammarError(where, `has both ${positive} and ${negative}; use one`);
  if (!hasPositive && !hasNegative) throw grammarError(member(where, positive), 'is required');
  const key = hasPositive ? positive : negative;
  return { negated: hasNegative, values: stringOrList(statement[key] as JsonValue, member(where, key)) };
}

function stringOrList(value: JsonValue, where: Where): [string, Where][] {
  if (typeof value === 'string') return [[value, where]];
  if (!Array.isArray(value)) throw grammarError(where, 'must be a string or a list of strings');
  if (value.length === 0) throw grammarError(where, 'must not be an empty list');
  return value.map((v, i) => {
    if (typeof v !== 'string') throw grammarError(element(where, i), 'must be a string');
    if (v.length === 0) throw grammarError(element(where, i), 'must not be empty');
    return [v, element(where, i)];
  });
}
