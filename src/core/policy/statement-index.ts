/**
 * The statements a decision has to look at. Whether a statement's Action list matches depends on
 * the action alone, so for each action seen the statements it selects are found once and kept
 * (a bounded memo per policy or policy set). Those are further split by the head of the
 * resource's relative id (`team-1-bucket` in `acs:oss:*:1234:team-1-bucket/*`), so a request
 * touches only the statements that can apply to it, Deny statements first. Every list keeps
 * evaluation order (policy order, then statement order), so the deciding statement is the same
 * as in a full scan.
 *
 * Why the resource split is sound: a pattern with exactly four literal colons can only match a
 * resource with exactly four colons field by field (each literal colon consumes one colon of the
 * resource, so no wildcard can match one). A statement is filed under a head only when every one
 * of its Resource patterns has that shape and a literal head; every other statement (`*`,
 * NotResource, wildcard heads…) is in every list. Resources of another shape look at all.
 */
import type { PreparedRequest } from './request.js';
import { listMatches } from './statement-test.js';
import type { CompiledStatement } from './types.js';

interface StatementLists {
  /** Deny statements whose Action matches, in evaluation order. */
  readonly denies: readonly CompiledStatement[];
  /** Allow statements whose Action matches, in evaluation order. */
  readonly allows: readonly CompiledStatement[];
}

interface ActionEntry {
  /** For resources that are not `acs:<service>:<region>:<account>:<relative-id>` without further colons. */
  readonly all: StatementLists;
  /** Statements that can apply to a resource with this relative-id head (plus the unfiled ones). */
  readonly byHead: ReadonlyMap<string, StatementLists>;
  /** For a resource whose head no statement names: the unfiled statements only. */
  readonly unfiled: StatementLists;
}

/** Memo budget, in statement references kept, per index (a new action beyond it starts the memo afresh). */
const MEMO_BUDGET = 1 << 16;

/** The first of these statements (whose Action matched) that applies. */
function firstApplicable(
  statements: readonly CompiledStatement[],
  request: PreparedRequest,
): CompiledStatement | undefined {
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i] as CompiledStatement;
    if (s.applies(request)) return s;
  }
  return undefined;
}

export class StatementIndex {
  private readonly byAction = new Map<string, ActionEntry>();
  private kept = 0;

  /** `statements` in evaluation order (policy order, then statement order). */
  constructor(private readonly statements: readonly CompiledStatement[]) {}

  /** The first Deny statement that applies to the request, else the first Allow statement. */
  decide(request: PreparedRequest): CompiledStatement | undefined {
    const lists = this.candidates(request);
    return firstApplicable(lists.denies, request) ?? firstApplicable(lists.allows, request);
  }

  firstDeny(request: PreparedRequest): CompiledStatement | undefined {
    return firstApplicable(this.candidates(request).denies, request);
  }

  firstAllow(request: PreparedRequest): CompiledStatement | undefined {
    return firstApplicable(this.candidates(request).allows, request);
  }

  /** The statements that may apply to this request; their Action is already known to match. */
  private candidates(request: PreparedRequest): StatementLists {
    const entry = this.byAction.get(request.rawAction) ?? this.remember(request);
    if (entry.byHead.size === 0) return entry.all;
    const head = request.resourceHead;
    if (head === undefined) return entry.all;
    return entry.byHead.get(head) ?? entry.unfiled;
  }

  private remember(request: PreparedRequest): ActionEntry {
    const selected = this.statements.filter((s) => listMatches(s.actions, request.action));
    const entry = entryFor(selected);
    // Statement references kept, plus the action text itself (in 8-character words).
    const size = selected.length * (entry.byHead.size + 2) + Math.ceil(request.rawAction.length / 8);
    if (this.kept + size > MEMO_BUDGET) {
      this.byAction.clear();
      this.kept = 0;
    }
    this.byAction.set(request.rawAction, entry);
    this.kept += size;
    return entry;
  }
}

/** Plain arrays (see statement-test.ts on frozen ones), never handed out of this module. */
function split(statements: readonly CompiledStatement[]): StatementLists {
  return {
    denies: statements.filter((s) => s.effect === 'Deny'),
    allows: statements.filter((s) => s.effect === 'Allow'),
  };
}

/** Most statement references one action's head lists may hold; past it the action is not split by head. */
const HEAD_SPLIT_BUDGET = 1 << 16;

function entryFor(statements: readonly CompiledStatement[]): ActionEntry {
  const all = split(statements);
  const heads = statements.map(headsOf);
  const unfiled = statements.filter((_, i) => heads[i] === undefined);
  const lists = new Map<string, CompiledStatement[]>();
  for (const h of heads) for (const head of h ?? []) lists.set(head, []);
  const filedRefs = heads.reduce((n, h) => n + (h?.length ?? 0), 0);
  if (lists.size === 0 || lists.size * unfiled.length + filedRefs > HEAD_SPLIT_BUDGET)
    return { all, byHead: new Map(), unfiled: all };
  // One pass in evaluation order: an unfiled statement joins every head's list.
  statements.forEach((s, i) => {
    const own = heads[i];
    if (own === undefined) for (const list of lists.values()) list.push(s);
    else for (const head of own) if (lists.get(head)?.at(-1) !== s) lists.get(head)?.push(s);
  });
  const byHead = new Map<string, StatementLists>();
  for (const [head, list] of lists) byHead.set(head, split(list));
  return { all, byHead, unfiled: split(unfiled) };
}

/** The relative-id heads a statement is limited to, or undefined when it may apply to any resource. */
function headsOf(s: CompiledStatement): string[] | undefined {
  if (s.resources === undefined || s.resources.negated) return undefined;
  const heads: string[] = [];
  for (const pattern of s.resources.patterns) {
    const head = patternHead(pattern);
    if (head === undefined) return undefined;
    heads.push(head);
  }
  return heads;
}

function isWildcard(c: string): boolean {
  return c === '*' || c === '?';
}

/**
 * The literal head of a pattern's relative id, when the pattern has exactly four colons and one,
 * lower-cased: lists by head only narrow the candidates (each statement still matches its own
 * patterns), so folding case keeps every statement that a RAM resource, matched without case, needs.
 */
function patternHead(pattern: string): string | undefined {
  const fields = pattern.split(':');
  if (fields.length !== 5) return undefined;
  const relative = fields[4] as string;
  for (let i = 0; i < relative.length; i++) {
    const c = relative[i] as string;
    if (isWildcard(c)) return undefined;
    if (c === '/') return relative.slice(0, i).toLowerCase();
  }
  return relative.toLowerCase();
}

/**
 * The head of a resource's relative id (up to the first "/"), or undefined when the resource does
 * not have exactly four colons.
 */
export function resourceHead(resource: string): string | undefined {
  let colon = -1;
  for (let n = 0; n < 4; n++) {
    colon = resource.indexOf(':', colon + 1);
    if (colon < 0) return undefined;
  }
  if (resource.indexOf(':', colon + 1) >= 0) return undefined;
  const slash = resource.indexOf('/', colon + 1);
  return resource.slice(colon + 1, slash < 0 ? resource.length : slash);
}
