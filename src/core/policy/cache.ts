/**
 * A bounded LRU of compiled policies keyed by kind, name and text, for callers that meet the same
 * document again and again (a session Policy decoded from every request's SecurityToken). A
 * compiled policy is immutable, so sharing one is safe. Documents that fail to compile are not
 * kept: each attempt reports its own error.
 */
import { compilePolicy, type CompileOptions } from './compile.js';
import type { CompiledPolicy, PolicyKind } from './types.js';

export class PolicyCache {
  private readonly entries = new Map<string, CompiledPolicy>();

  constructor(private readonly maxEntries = 1024) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  compile(text: string, kind: PolicyKind, options: CompileOptions = {}): CompiledPolicy {
    const key = `${kind}\u0000${options.name ?? ''}\u0000${text}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const compiled = compilePolicy(text, kind, options);
    this.entries.set(key, compiled);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return compiled;
  }
}
