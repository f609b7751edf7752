import { PolicyCache, type CompiledPolicy, type PolicyKind } from './policy/index.js';

/**
 * One process-wide cache of compiled policies keyed by their text: a role's policies and the session
 * policies of its sessions are compiled once per process, not once per request.
 */
const shared = new PolicyCache(10_000);

export function compileCached(text: string, kind: PolicyKind, name?: string): CompiledPolicy {
  return shared.compile(text, kind, name === undefined ? {} : { name });
}
