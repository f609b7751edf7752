/**
 * A bounded LRU of compiled policies keyed by kind, name and text, for callers that meet the same
 * document again and again (a session Policy decoded from every request's SecurityToken). A
 * compiled policy is immutable, so sharing one is safe. Documents that fail to compile are not
 * kept: each attempt reports its own error.
 */
import { Lru } from '../lru.js';
import { compilePolicy, type CompileOptions } from './compile.js';
import type { CompiledPolicy, PolicyKind } from './types.js';

export class PolicyCache {
  private readonly entries: Lru<string, CompiledPolicy>;

  constructor(maxEntries = 1024) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be a positive integer');
    this.entries = new Lru(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  compile(text: string, kind: PolicyKind, options: CompileOptions = {}): CompiledPolicy {
    const key = `${kind}\u0000${options.name ?? ''}\u0000${text}`;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const compiled = compilePolicy(text, kind, options);
    this.entries.set(key, compiled);
    return compiled;
  }
}
