/**
 * Statements indexed by the service part of their actions, Deny statements before Allow
 * statements. A request for `ecs:StartInstance` then looks only at statements that can match an
 * `ecs:` action (plus those whose service is a wildcard or that use NotAction), and can stop at
 * the first Allow that applies once no Deny applied.
 */
import type { CompiledStatement } from './types.js';

export interface StatementLists {
  /** Deny statements that can apply, in document order. */
  readonly denies: readonly CompiledStatement[];
  /** Allow statements that can apply, in document order. */
  readonly allows: readonly CompiledStatement[];
}

export interface StatementIndex {
  readonly byService: ReadonlyMap<string, StatementLists>;
  /** For services no statement names: the statements whose actions match any service. */
  readonly generic: StatementLists;
}

/** The literal services a statement is limited to, or undefined when it can match any service. */
function servicesOf(s: CompiledStatement): string[] | undefined {
  if (s.actions.negated) return undefined;
  const services: string[] = [];
  for (const pattern of s.actions.patterns) {
    const colon = pattern.indexOf(':');
    const service = colon < 0 ? pattern : pattern.slice(0, colon);
    if (colon < 0 || service.includes('*') || service.includes('?')) return undefined;
    services.push(service);
  }
  return services;
}

function lists(statements: readonly CompiledStatement[]): StatementLists {
  return Object.freeze({
    denies: Object.freeze(statements.filter((s) => s.effect === 'Deny')),
    allows: Object.freeze(statements.filter((s) => s.effect === 'Allow')),
  });
}

/** `statements` in evaluation order (policy order, then statement order). */
export function buildStatementIndex(statements: readonly CompiledStatement[]): StatementIndex {
  const scoped = statements.map(servicesOf);
  const named = new Set(scoped.flatMap((s) => s ?? []));
  const byService = new Map<string, StatementLists>();
  for (const service of named) {
    byService.set(
      service,
      lists(statements.filter((_, i) => scoped[i] === undefined || scoped[i]?.includes(service))),
    );
  }
  return Object.freeze({ byService, generic: lists(statements.filter((_, i) => scoped[i] === undefined)) });
}

export function listsFor(index: StatementIndex, service: string): StatementLists {
  return index.byService.get(service) ?? index.generic;
}
