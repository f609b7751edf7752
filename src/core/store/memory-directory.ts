import type { DataFile } from './data-file.js';
import {
  StoreUnavailableError,
  type BatchFailure,
  type BatchResult,
  type DirectoryStore,
  type DirectoryWrite,
  type Json,
} from './types.js';
import { byKey, checkLocation, prepareBatch, type PreparedBatch } from './validate.js';

/** Records of one (scope, collection), each kept as its JSON text so readers get fresh copies. */
type Records = Map<string, string>;
/** Pending changes of a batch per collection: JSON text to write, or null to delete. */
type Changes = Map<string, Map<string, string | null>>;

const FORMAT = 'ramgate-directory';
const VERSION = 1;

function collectionId(scope: string, collection: string): string {
  return `${scope}\u0000${collection}`;
}

/** Check the preconditions of every write in order, each seeing the writes before it. */
function plan(state: Map<string, Records>, batch: PreparedBatch): Changes | BatchFailure {
  const changes: Changes = new Map();
  const sizes = new Map<string, number>();
  for (const [index, write] of batch.writes.entries()) {
    const id = collectionId(write.scope, write.collection);
    const base = state.get(id);
    let pending = changes.get(id);
    if (!pending) changes.set(id, (pending = new Map()));
    const size = sizes.get(id) ?? base?.size ?? 0;
    const change = pending.get(write.key);
    const present = change === undefined ? (base?.has(write.key) ?? false) : change !== null;
    if (write.op === 'create' && present) return { ok: false, index, reason: 'exists' };
    if (write.op === 'create' && write.limit !== undefined && size >= write.limit) {
      return { ok: false, index, reason: 'limit' };
    }
    if ((write.op === 'update' || write.op === 'delete') && !present) {
      return { ok: false, index, reason: 'missing' };
    }
    pending.set(write.key, write.json ?? null);
    sizes.set(id, size + (write.op === 'delete' ? -1 : present ? 0 : 1));
  }
  return changes;
}

function apply(state: Map<string, Records>, changes: Changes): void {
  for (const [id, pending] of changes) {
    let records = state.get(id);
    if (!records) state.set(id, (records = new Map()));
    for (const [key, json] of pending) {
      if (json === null) records.delete(key);
      else records.set(key, json);
    }
    if (records.size === 0) state.delete(id);
  }
}

/** The data file text of `state` with `changes` applied, without modifying `state`. */
function render(state: Map<string, Records>, changes: Changes): string {
  const ids = new Set([...state.keys(), ...changes.keys()]);
  const parts: string[] = [];
  for (const id of ids) {
    const merged = new Map(state.get(id));
    for (const [key, json] of changes.get(id) ?? []) {
      if (json === null) merged.delete(key);
      else merged.set(key, json);
    }
    if (merged.size === 0) continue;
    const [scope, collection] = id.split('\u0000');
    const records = [...merged].map(([key, json]) => `[${JSON.stringify(key)},${json}]`).join(',\n');
    parts.push(
      `{"scope":${JSON.stringify(scope)},"collection":${JSON.stringify(collection)},"records":[\n${records}]}`,
    );
  }
  return `{"format":"${FORMAT}","version":${VERSION},"collections":[\n${parts.join(',\n')}]}\n`;
}

function corrupt(path: string, why: string): Error {
  return new Error(
    `The directory data file ${path} is not valid (${why}); restore it from a backup or move it away.`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseState(text: string, path: string): Map<string, Records> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, (err as Error).message);
  }
  if (!isObject(doc) || doc.format !== FORMAT || doc.version !== VERSION || !Array.isArray(doc.collections)) {
    throw corrupt(path, `expected {"format":"${FORMAT}","version":${VERSION},"collections":[…]}`);
  }
  const state = new Map<string, Records>();
  for (const entry of doc.collections as unknown[]) {
    if (!isObject(entry) || typeof entry.scope !== 'string' || typeof entry.collection !== 'string') {
      throw corrupt(path, 'a collection lacks its scope or name');
    }
    if (!Array.isArray(entry.records)) throw corrupt(path, 'a collection lacks its records');
    checkLocation(entry.scope, entry.collection);
    const records: Records = new Map();
    for (const record of entry.records as unknown[]) {
      if (!Array.isArray(record) || typeof record[0] !== 'string' || !isObject(record[1])) {
        throw corrupt(path, `a record of ${entry.scope}/${entry.collection} is not [key, object]`);
      }
      records.set(record[0], JSON.stringify(record[1]));
    }
    if (records.size > 0) state.set(collectionId(entry.scope, entry.collection), records);
  }
  return state;
}

/**
 * The directory of the memory store. Without a data file a batch is checked and applied in one
 * synchronous step. With one, batches run one at a time: check, write the whole new directory to
 * the data file, and only then make it visible, so a failed write changes nothing.
 */
export class MemoryDirectory implements DirectoryStore {
  private state = new Map<string, Records>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly file: DataFile | undefined) {}

  static async open(file?: DataFile): Promise<MemoryDirectory> {
    const directory = new MemoryDirectory(file);
    const text = await file?.read();
    if (file && text !== undefined) directory.state = parseState(text, file.path);
    return directory;
  }

  async get(scope: string, collection: string, key: string): Promise<Json | undefined> {
    checkLocation(scope, collection, key);
    const json = this.state.get(collectionId(scope, collection))?.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as Json);
  }

  async list(scope: string, collection: string): Promise<Array<{ key: string; value: Json }>> {
    checkLocation(scope, collection);
    const records = this.state.get(collectionId(scope, collection)) ?? new Map<string, string>();
    return [...records].map(([key, json]) => ({ key, value: JSON.parse(json) as Json })).sort(byKey);
  }

  async count(scope: string, collection: string): Promise<number> {
    checkLocation(scope, collection);
    return this.state.get(collectionId(scope, collection))?.size ?? 0;
  }

  async batch(writes: DirectoryWrite[]): Promise<BatchResult> {
    const batch = prepareBatch(writes, { oneScope: false });
    const file = this.file;
    if (!file || batch.writes.length === 0) return this.checkAndApply(batch);
    const run = this.queue.then(() => this.checkPersistAndApply(batch, file));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  private checkAndApply(batch: PreparedBatch): BatchResult {
    this.assertOpen();
    const changes = plan(this.state, batch);
    if (!(changes instanceof Map)) return changes;
    apply(this.state, changes);
    return { ok: true };
  }

  private async checkPersistAndApply(batch: PreparedBatch, file: DataFile): Promise<BatchResult> {
    this.assertOpen();
    const changes = plan(this.state, batch);
    if (!(changes instanceof Map)) return changes;
    try {
      await file.write(render(this.state, changes));
    } catch (err) {
      throw new StoreUnavailableError(`Cannot write the directory data file ${file.path}.`, { cause: err });
    }
    apply(this.state, changes);
    return { ok: true };
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('The memory store is closed.');
  }
}
