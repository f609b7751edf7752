import { compilePolicy, type CompiledPolicy, type PolicyKind } from './policy/index.js';

/**
 * Compiled policies keyed by their text: a role's policies and the session policies of its
 * sessions are compiled once per process, not once per request. Bounded (oldest entries go).
 */
const MAX_ENTRIES = 10_000;
const cache = new Map<string, CompiledPolicy>();

export function compileCached(text: string, kind: PolicyKind, name?: string): CompiledPolicy {
  const key = `${kind}\u0000${name ?? ''}\u0000${text}`;
  let compiled = cache.get(key);
  if (compiled) return compiled;
  compiled = compilePolicy(text, kind, name === undefined ? {} : { name });
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}
