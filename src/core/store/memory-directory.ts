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

/** Apply changes to `state`; collections not in `owned` are shared with a snapshot and copied first. */
function apply(state: Map<string, Records>, changes: Changes, owned?: Set<string>): void {
  for (const [id, pending] of changes) {
    let records = state.get(id);
    if (!records || (owned && !owned.has(id))) {
      state.set(id, (records = new Map(records)));
      owned?.add(id);
    }
    for (const [key, json] of pending) {
      if (json === null) records.delete(key);
      else records.set(key, json);
    }
    if (records.size === 0) state.delete(id);
  }
}

/** The data file text of a directory state. */
function render(state: Map<string, Records>): string {
  const parts: string[] = [];
  for (const [id, records] of state) {
    const [scope, collection] = id.split('\u0000');
    const lines = [...records].map(([key, json]) => `[${JSON.stringify(key)},${json}]`).join(',\n');
    parts.push(
      `{"scope":${JSON.stringify(scope)},"collection":${JSON.stringify(collection)},"records":[\n${lines}]}`,
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

type Waiter = { result: BatchResult; resolve: (result: BatchResult) => void; reject: (err: unknown) => void };

/**
 * The directory of the memory store. Without a data file a batch is checked and applied in one
 * synchronous step. With one, a batch is checked against `next` (the durable state plus every
 * batch accepted before it) and answered only once a data file write containing it succeeded
 * (group commit: batches arriving during a write share the next one). Reads see the durable state
 * only. A failed write answers its batches, and every batch checked on top of them, with
 * StoreUnavailableError and drops them all.
 */
export class MemoryDirectory implements DirectoryStore {
  private state = new Map<string, Records>();
  private next = new Map<string, Records>();
  /** Collections of `next` copied since the last snapshot, so safe to change in place. */
  private readonly owned = new Set<string>();
  private waiting: Waiter[] = [];
  private dirty = false;
  private writing: Promise<void> | undefined;
  private closed = false;

  private constructor(private readonly file: DataFile | undefined) {}

  static async open(file?: DataFile): Promise<MemoryDirectory> {
    const directory = new MemoryDirectory(file);
    const text = await file?.read();
    if (file && text !== undefined) directory.state = parseState(text, file.path);
    directory.next = new Map(directory.state);
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
    if (this.closed) throw new StoreUnavailableError('The memory store is closed.');
    const file = this.file;
    if (!file) {
      const changes = plan(this.state, batch);
      if (!(changes instanceof Map)) return changes;
      apply(this.state, changes);
      return { ok: true };
    }
    const changes = plan(this.next, batch);
    let result: BatchResult = { ok: true };
    if (changes instanceof Map) {
      apply(this.next, changes, this.owned);
      this.dirty ||= changes.size > 0;
    } else {
      result = changes;
    }
    const answer = new Promise<BatchResult>((resolve, reject) =>
      this.waiting.push({ result, resolve, reject }),
    );
    this.writing ??= this.writeGroups(file);
    return answer;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
  }

  /** Writes accepted batches group by group until none is waiting. */
  private async writeGroups(file: DataFile): Promise<void> {
    await Promise.resolve(); // batches of the current tick join the first group
    while (this.waiting.length > 0) {
      const group = this.waiting;
      const dirty = this.dirty;
      const snapshot = new Map(this.next);
      this.waiting = [];
      this.dirty = false;
      this.owned.clear();
      try {
        if (dirty) await file.write(render(snapshot));
      } catch (err) {
        const error = new StoreUnavailableError(`Cannot write the directory data file ${file.path}.`, {
          cause: err,
        });
        for (const waiter of [...group, ...this.waiting]) waiter.reject(error);
        this.waiting = [];
        this.dirty = false;
        this.next = new Map(this.state);
        this.owned.clear();
        continue;
      }
      this.state = snapshot;
      for (const waiter of group) waiter.resolve(waiter.result);
    }
    // Same synchronous step as the last check of `waiting`: no batch can slip in between.
    this.writing = undefined;
  }
}
