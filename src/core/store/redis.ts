/**
 * The Redis store (ioredis; one server via `url`, or Redis Cluster via `nodes`). Redis 6.2 or later
 * (GETDEL). Keys: directory collection `<prefix>{<scope>}:dir:<collection>` (a hash: field = record
 * key, value = JSON text), ephemeral entry `<prefix>eph:<key>`.
 *
 * Round trips per operation (each is one command or one script):
 *   directory.get 1 (HGET) · list 1 (HGETALL) · count 1 (HLEN) · batch 1 (EVALSHA of the batch
 *   script; +1 EVAL only after Redis lost its script cache, e.g. a restart)
 *   ephemeral.putIfAbsent 1 (SET NX PX) · set 1 (SET PX) · get 1 (GET) · take 1 (GETDEL) ·
 *   delete 1 (DEL) · increment 1 (script: INCR + PEXPIRE when new) · ping 1 (PING)
 *
 * Unavailability: no offline queue, no re-sent commands, a command timeout, and reconnects every
 * ≤ 1 s in the background: while Redis is away every operation fails fast with
 * StoreUnavailableError (HTTP 503), and the same store object works again once Redis is back.
 * A timed-out write may still have been applied by Redis; the caller only knows it failed.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { restoreFastStringPrototype } from '../fast-prototypes.js';
import { BATCH_LUA, INCREMENT_LUA, decodeBatchReply, encodeBatch } from './redis-scripts.js';
import { BUDGET_INCREMENT_LUA, BUDGET_SET_LUA, BUDGET_TAKE_LUA } from './redis-budget-scripts.js';
import { RedisEphemeral } from './redis-ephemeral.js';
import { attempt } from './redis-errors.js';
import { checkEvictionPolicy } from './redis-eviction.js';
import { resolveBudgets, worstCaseBytes, type BudgetOverrides } from './budgets.js';
import {
  StoreUnavailableError,
  StoreUsageError,
  type BatchResult,
  type DirectoryStore,
  type DirectoryWrite,
  type Json,
  type Store,
} from './types.js';
import { byKey, checkLocation, prepareBatch } from './validate.js';

// Importing ioredis leaves String.prototype slow (see fast-prototypes.ts).
restoreFastStringPrototype();

export type RedisStoreOptions = {
  /** `redis://[user:password@]host:port[/db]`; default redis://127.0.0.1:6379. Ignored when `nodes` is given. */
  url?: string;
  /** Redis Cluster seed nodes; uses ioredis Cluster. */
  nodes?: Array<{ host: string; port: number }>;
  /** Prepended to every key (no braces); default "ramgate:". */
  keyPrefix?: string;
  /** A command without a reply after this long fails with StoreUnavailableError; default 1000. */
  commandTimeoutMs?: number;
  /** How long open() waits for the first connection before returning anyway; default 2000. */
  connectTimeoutMs?: number;
  /** Caps of the budgeted ephemeral purposes (budgets.ts); default DEFAULT_BUDGETS. */
  budgets?: BudgetOverrides;
  /** Accept a maxmemory-policy other than noeviction (logs a warning); default false: refuse. */
  allowEviction?: boolean;
  /** Told about a tolerated eviction policy (allowEviction) and a refused one found after a reconnect. */
  onWarning?: (message: string) => void;
  /** Told about connection errors (for logs); operations report them as StoreUnavailableError anyway. */
  onConnectionError?: (err: Error) => void;
};

type Client = Redis | Cluster;
/** The commands defineCommand adds (EVALSHA, falling back to EVAL when the script is not cached). */
type ScriptCommands = {
  ramgateBatch(numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  ramgateIncrement(key: string, ttlMs: number): Promise<number>;
};

function createClient(options: RedisStoreOptions): Client {
  const retry = (times: number) => Math.min(50 * times, 1000);
  const common: RedisOptions = {
    // Fail fast while disconnected (503) instead of queueing; never re-send a command after a
    // reconnect (a re-sent batch could report its own write as a conflict).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 2000,
  };
  const client: Client = options.nodes
    ? new Cluster(options.nodes, {
        enableOfflineQueue: false,
        clusterRetryStrategy: retry,
        redisOptions: common,
      })
    : new Redis(options.url ?? 'redis://127.0.0.1:6379', { ...common, retryStrategy: retry });
  client.defineCommand('ramgateBatch', { lua: BATCH_LUA });
  client.defineCommand('ramgateIncrement', { lua: INCREMENT_LUA, numberOfKeys: 1 });
  client.defineCommand('ramgateBudgetSet', { lua: BUDGET_SET_LUA, numberOfKeys: 3 });
  client.defineCommand('ramgateBudgetIncrement', { lua: BUDGET_INCREMENT_LUA, numberOfKeys: 3 });
  client.defineCommand('ramgateBudgetTake', { lua: BUDGET_TAKE_LUA, numberOfKeys: 2 });
  // Without a listener ioredis prints every failed reconnect; callers get the failures as errors.
  client.on('error', (err: Error) => options.onConnectionError?.(err));
  return client;
}

/** Resolves when the client is ready or after `ms`, whichever is first; never rejects. */
function readyOrTimeout(client: Client, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
  });
}

/**
 * A batch is one script over all its hashes: atomic on a standalone server even across
 * GLOBAL_SCOPE and an account scope; on Cluster one scope only (one slot).
 */
class RedisDirectory implements DirectoryStore {
  private readonly cluster: boolean;

  constructor(
    private readonly client: Client,
    private readonly prefix: string,
  ) {
    this.cluster = client instanceof Cluster;
  }

  hashKey(scope: string, collection: string): string {
    return `${this.prefix}{${scope}}:dir:${collection}`;
  }

  async get(scope: string, collection: string, key: string): Promise<Json | undefined> {
    checkLocation(scope, collection, key);
    const json = await attempt('get', () => this.client.hget(this.hashKey(scope, collection), key));
    return json === null ? undefined : (JSON.parse(json) as Json);
  }

  async list(scope: string, collection: string): Promise<Array<{ key: string; value: Json }>> {
    checkLocation(scope, collection);
    const all = await attempt('list', () => this.client.hgetall(this.hashKey(scope, collection)));
    return Object.entries(all)
      .map(([key, json]) => ({ key, value: JSON.parse(json) as Json }))
      .sort(byKey);
  }

  async count(scope: string, collection: string): Promise<number> {
    checkLocation(scope, collection);
    return attempt('count', () => this.client.hlen(this.hashKey(scope, collection)));
  }

  async batch(writes: DirectoryWrite[]): Promise<BatchResult> {
    const batch = prepareBatch(writes, { oneScope: this.cluster });
    if (batch.writes.length === 0) return { ok: true };
    const { keys, args } = encodeBatch(batch, (scope, collection) => this.hashKey(scope, collection));
    const scripts = this.client as unknown as ScriptCommands;
    const reply = await attempt('batch', () => scripts.ramgateBatch(keys.length, ...keys, ...args));
    return decodeBatchReply(reply);
  }
}

/** Directory and ephemeral state in Redis (standalone or Cluster), shared by any number of gateways. */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly directory: RedisDirectory;
  readonly ephemeral: RedisEphemeral;

  /** Why this server must not be written to (an evicting policy seen after a reconnect), if so. */
  private refusal: string | undefined;

  private constructor(
    private readonly client: Client,
    prefix: string,
    options: RedisStoreOptions,
  ) {
    this.directory = new RedisDirectory(client, prefix);
    this.ephemeral = new RedisEphemeral(client, prefix, resolveBudgets(options.budgets));
  }

  /**
   * Connects in the background: resolves once connected, or after connectTimeoutMs with Redis
   * still unreachable — operations then fail with StoreUnavailableError until it comes back.
   */
  static async open(options: RedisStoreOptions = {}): Promise<RedisStore> {
    const prefix = options.keyPrefix ?? 'ramgate:';
    if (/[{}]/.test(prefix)) throw new StoreUsageError('The Redis key prefix may not contain braces.');
    const client = createClient(options);
    await readyOrTimeout(client, options.connectTimeoutMs ?? 2000);
    const check = {
      allowEviction: options.allowEviction,
      onWarning: options.onWarning,
      budgetBytes: worstCaseBytes(resolveBudgets(options.budgets)),
    };
    if (client.status === 'ready') {
      try {
        await checkEvictionPolicy(client, check);
      } catch (err) {
        client.disconnect();
        throw err;
      }
    }
    const store = new RedisStore(client, prefix, options);
    store.recheckOnReconnect(check);
    return store;
  }

  /** A server reached later (Redis was down at start, or failed over) is checked too; readiness reports a refusal. */
  private recheckOnReconnect(check: Parameters<typeof checkEvictionPolicy>[1]): void {
    this.client.on('ready', () => {
      checkEvictionPolicy(this.client, check).then(
        () => (this.refusal = undefined),
        (err: unknown) => {
          this.refusal = err instanceof Error ? err.message : String(err);
          check.onWarning?.(this.refusal);
        },
      );
    });
  }

  async ping(): Promise<void> {
    await attempt('ping', () => this.client.ping());
    if (this.refusal) throw new StoreUnavailableError(this.refusal);
  }

  async close(): Promise<void> {
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }
}
