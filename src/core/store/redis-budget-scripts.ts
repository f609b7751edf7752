/**
 * Budgeted ephemeral entries on Redis (budgets.ts), each one script so the cap check and the write
 * are one atomic step shared by every gateway instance. A purpose's keys share the hash tag
 * `{b:<purpose>}` (one Cluster slot): the entry `…eph:<key>` holds `<client>\n<value>`, the sorted
 * set `…budget` every live entry of the purpose and `…budget:<client>` those of one client, each
 * scored by its expiry (ms, Redis clock) so expired members are dropped before counting.
 *
 * KEYS of set/increment: entry, purpose set, client set. Replies: 1 (or the counter) when written,
 * 0 when NX found the entry, -1 over the client's cap, -2 over the purpose's total.
 */
const NOW_AND_CAPS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function admit(ttl, total, perClient, member)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if not redis.call('ZSCORE', KEYS[2], member) then
    if redis.call('ZCARD', KEYS[3]) >= perClient then return -1 end
    if redis.call('ZCARD', KEYS[2]) >= total then return -2 end
  end
  redis.call('ZADD', KEYS[2], now + ttl, member)
  redis.call('ZADD', KEYS[3], now + ttl, member)
  if redis.call('PTTL', KEYS[3]) < ttl then redis.call('PEXPIRE', KEYS[3], ttl) end
  return 1
end
`;

/** ARGV: stored value, ttl ms, total, per client, member, 'nx' | 'set'. */
export const BUDGET_SET_LUA = `${NOW_AND_CAPS}
local ttl = tonumber(ARGV[2])
if ARGV[6] == 'nx' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local admitted = admit(ttl, tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
if admitted < 0 then return admitted end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
return 1
`;

/** ARGV: ttl ms, total, per client, member, client. The TTL is set only on creation (a fixed window). */
export const BUDGET_INCREMENT_LUA = `${NOW_AND_CAPS}
local stored = redis.call('GET', KEYS[1])
if stored then
  local nl = string.find(stored, '\\n', 1, true)
  local count = tonumber(string.sub(stored, nl + 1))
  if not count then return redis.error_reply('not an integer') end
  count = count + 1
  redis.call('SET', KEYS[1], string.sub(stored, 1, nl) .. count, 'KEEPTTL')
  return count
end
local ttl = tonumber(ARGV[1])
local admitted = admit(ttl, tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
if admitted < 0 then return admitted end
redis.call('SET', KEYS[1], ARGV[5] .. '\\n1', 'PX', ttl)
return 1
`;

/**
 * Take (get and delete) a budgeted entry and release its place in both sets. KEYS: entry, purpose
 * set; ARGV: the client sets' key prefix, member. Returns the value without its client, or nil.
 * The client set's key comes from the entry, in the same slot (same hash tag).
 */
export const BUDGET_TAKE_LUA = `
local stored = redis.call('GET', KEYS[1])
if not stored then return false end
redis.call('DEL', KEYS[1])
local nl = string.find(stored, '\\n', 1, true)
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', ARGV[1] .. string.sub(stored, 1, nl - 1), ARGV[2])
return string.sub(stored, nl + 1)
`;

/** The stored form's value part (after `<client>\n`). */
export function budgetedValue(stored: string | null): string | undefined {
  if (stored === null) return undefined;
  return stored.slice(stored.indexOf('\n') + 1);
}
