import type { BatchResult } from './types.js';
import type { PreparedBatch } from './validate.js';

/**
 * The directory batch as one Lua script, so the checks and the writes are one atomic step in one
 * round trip. KEYS are the collection hashes of the batch (all with the scope's hash tag); ARGV
 * holds five fields per write: op (c/u/p/d), 1-based index into KEYS, field, JSON text, limit
 * (-1 = none). Every precondition is checked against the hashes plus the earlier writes of the
 * batch; only when all hold are the final values written. Returns {index, reason} or {-1, 'ok'}.
 */
export const BATCH_LUA = `
local pending, sizes = {}, {}
for i = 1, #ARGV / 5 do
  local base = (i - 1) * 5
  local op, k, field, value, limit = ARGV[base + 1], tonumber(ARGV[base + 2]), ARGV[base + 3], ARGV[base + 4], tonumber(ARGV[base + 5])
  local changes = pending[k]
  if not changes then
    changes = {}
    pending[k] = changes
    sizes[k] = redis.call('HLEN', KEYS[k])
  end
  local present
  if changes[field] == nil then
    present = redis.call('HEXISTS', KEYS[k], field) == 1
  else
    present = changes[field] ~= false
  end
  if op == 'c' then
    if present then return {i - 1, 'exists'} end
    if limit >= 0 and sizes[k] >= limit then return {i - 1, 'limit'} end
  elseif (op == 'u' or op == 'd') and not present then
    return {i - 1, 'missing'}
  end
  if op == 'd' then
    changes[field] = false
    sizes[k] = sizes[k] - 1
  else
    changes[field] = value
    if not present then sizes[k] = sizes[k] + 1 end
  end
end
for k, changes in pairs(pending) do
  for field, value in pairs(changes) do
    if value == false then
      redis.call('HDEL', KEYS[k], field)
    else
      redis.call('HSET', KEYS[k], field, value)
    end
  end
end
return {-1, 'ok'}
`;

/** INCR, and give the counter its TTL when it has none (it was just created). */
export const INCREMENT_LUA = `
local value = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return value
`;

const OP_CODES = { create: 'c', update: 'u', put: 'p', delete: 'd' } as const;

/** KEYS and ARGV of BATCH_LUA for a prepared batch; `hashKey` names a collection's hash. */
export function encodeBatch(batch: PreparedBatch, hashKey: (scope: string, collection: string) => string) {
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const args: string[] = [];
  for (const write of batch.writes) {
    const hash = hashKey(write.scope, write.collection);
    let index = keyIndex.get(hash);
    if (index === undefined) {
      index = keys.push(hash);
      keyIndex.set(hash, index);
    }
    args.push(OP_CODES[write.op], String(index), write.key, write.json ?? '', String(write.limit ?? -1));
  }
  return { keys, args };
}

const REASONS = new Set(['exists', 'missing', 'limit']);

export function decodeBatchReply(reply: unknown): BatchResult {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number') {
    throw new Error(`Unexpected reply of the batch script: ${JSON.stringify(reply)}`);
  }
  const [index, reason] = reply as [number, unknown];
  if (index < 0) return { ok: true };
  if (typeof reason !== 'string' || !REASONS.has(reason)) {
    throw new Error(`Unexpected failure reason of the batch script: ${JSON.stringify(reason)}`);
  }
  return { ok: false, index, reason: reason as 'exists' | 'missing' | 'limit' };
}
