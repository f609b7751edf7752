/**
 * The part of a config that passes the schema, so the Alibaba rules can be checked on it in the same
 * run: every list element a schema problem lies in is taken out (the innermost one), a few rounds
 * at most, and paths found in what is left are mapped back to the file's own indices. A problem
 * outside any list (the gateway or store section, the top level) leaves nothing to check.
 */
import { valueAt, type ConfigPath } from './problems.js';

const MAX_ROUNDS = 5;

export interface PrunedConfig<T> {
  value: T;
  /** A path in `value` → the same element's path in the original document. */
  originalPath(path: ConfigPath): ConfigPath;
}

type Removals = Map<string, { arrayPath: ConfigPath; indices: Set<number> }>;

const keyOf = (path: ConfigPath): string => JSON.stringify(path);

/** The innermost list element `path` lies in, as (list path, index); undefined when none. */
function innermostElement(
  root: unknown,
  path: ConfigPath,
): { arrayPath: ConfigPath; index: number } | undefined {
  for (let n = path.length - 1; n >= 0; n--) {
    const part = path[n];
    if (typeof part === 'number' && Array.isArray(valueAt(root, path.slice(0, n))))
      return { arrayPath: path.slice(0, n), index: part };
  }
  return undefined;
}

/** Take the elements out, innermost lists first so the outer indices still hold. */
function removeElements(root: unknown, removals: Removals): void {
  const lists = [...removals.values()].sort((a, b) => b.arrayPath.length - a.arrayPath.length);
  for (const { arrayPath, indices } of lists) {
    const list = valueAt(root, arrayPath);
    if (!Array.isArray(list)) continue; // inside an element already taken out
    for (const index of [...indices].sort((a, b) => b - a)) list.splice(index, 1);
  }
}

/** Maps a path after the removals to the path before them. */
function pathBeforeRemovals(removals: Removals): (path: ConfigPath) => ConfigPath {
  return (path) => {
    const before: Array<string | number> = [];
    for (const part of path) {
      const removed = removals.get(keyOf(before))?.indices;
      if (typeof part === 'number' && removed) {
        let index = part;
        for (const r of [...removed].sort((a, b) => a - b)) if (r <= index) index++;
        before.push(index);
      } else before.push(part);
    }
    return before;
  };
}

/**
 * `validate` returns the problem paths of a document (empty when it passes) and its parsed value.
 * Undefined when no checkable part remains.
 */
export function pruneToValid<T>(
  document: unknown,
  problemPaths: ConfigPath[],
  validate: (document: unknown) => { ok: true; value: T } | { ok: false; paths: ConfigPath[] },
): PrunedConfig<T> | undefined {
  const current: unknown = structuredClone(document);
  let paths = problemPaths;
  const mappings: Array<(path: ConfigPath) => ConfigPath> = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const removals: Removals = new Map();
    for (const path of paths) {
      const element = innermostElement(current, path);
      if (!element) return undefined;
      const key = keyOf(element.arrayPath);
      const entry = removals.get(key) ?? { arrayPath: element.arrayPath, indices: new Set<number>() };
      entry.indices.add(element.index);
      removals.set(key, entry);
    }
    removeElements(current, removals);
    mappings.unshift(pathBeforeRemovals(removals));
    const result = validate(current);
    if (result.ok)
      return {
        value: result.value,
        originalPath: (path) => mappings.reduce((p, toBefore) => toBefore(p), path),
      };
    paths = result.paths;
  }
  return undefined;
}
