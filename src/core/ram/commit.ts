/**
 * Writing a directory change: one atomic batch. A batch spanning GLOBAL_SCOPE and an account
 * scope is refused by Redis Cluster (one hash tag per batch); there it runs in three ordered
 * batches instead: (1) reserve the global keys it creates, (2) the account's writes — on failure
 * the reservations are deleted again — (3) the remaining global writes. Readers of global indexes
 * verify the account's own records, so an index entry left by a crash between (2) and (3) is
 * ignored (fail closed), never trusted.
 */
import { ApiError } from '../errors.js';
import { GLOBAL_SCOPE, StoreUsageError, type DirectoryStore, type DirectoryWrite } from '../store/types.js';
import type { GuardedWrite } from './storage.js';

type Indexed = { write: GuardedWrite; index: number };

function raise(writes: GuardedWrite[], index: number, reason: 'exists' | 'missing' | 'limit'): never {
  const failed = writes[index];
  const error = failed?.[reason];
  if (error) throw error();
  throw new ApiError(
    'InternalError',
    `Directory write ${index} (${failed?.write.op} ${failed?.write.collection}) failed: ${reason}.`,
  );
}

export async function commit(store: DirectoryStore, writes: GuardedWrite[]): Promise<void> {
  try {
    const result = await store.batch(writes.map((w) => w.write));
    if (!result.ok) raise(writes, result.index, result.reason);
  } catch (e) {
    const scopes = new Set(writes.map((w) => w.write.scope));
    if (!(e instanceof StoreUsageError) || scopes.size !== 2 || !scopes.has(GLOBAL_SCOPE)) throw e;
    await commitInPhases(store, writes);
  }
}

async function run(store: DirectoryStore, all: GuardedWrite[], part: Indexed[]): Promise<void> {
  if (part.length === 0) return;
  const result = await store.batch(part.map((p) => p.write.write));
  if (!result.ok) raise(all, part[result.index]?.index ?? -1, result.reason);
}

async function commitInPhases(store: DirectoryStore, writes: GuardedWrite[]): Promise<void> {
  const indexed = writes.map((write, index) => ({ write, index }));
  const isGlobal = (p: Indexed) => p.write.write.scope === GLOBAL_SCOPE;
  const reservations = indexed.filter((p) => isGlobal(p) && p.write.write.op === 'create');
  const account = indexed.filter((p) => !isGlobal(p));
  const rest = indexed.filter((p) => isGlobal(p) && p.write.write.op !== 'create');
  await run(store, writes, reservations);
  try {
    await run(store, writes, account);
  } catch (e) {
    const undo: DirectoryWrite[] = reservations.map(({ write: { write } }) => ({
      op: 'delete',
      scope: write.scope,
      collection: write.collection,
      key: write.key,
    }));
    if (undo.length > 0) await store.batch(undo);
    throw e;
  }
  // Best effort: a stale global entry is verified against the account's records by every reader.
  for (const p of rest) await store.batch([p.write.write]);
}
