import { MemoryStore, type MemoryStoreOptions } from './memory.js';
import { RedisStore, type RedisStoreOptions } from './redis.js';
import type { Store } from './types.js';

export * from './types.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { RedisStore, type RedisStoreOptions } from './redis.js';

export type StoreOptions =
  ({ kind: 'memory' } & MemoryStoreOptions) | ({ kind: 'redis' } & RedisStoreOptions);

/**
 * Open the configured store. `memory` loads its data file first (and throws if it is corrupt);
 * `redis` resolves even while Redis is down — operations and ping() then fail with
 * StoreUnavailableError until it is back, without a restart.
 */
export function createStore(options: StoreOptions): Promise<Store> {
  switch (options.kind) {
    case 'memory':
      return MemoryStore.open(options);
    case 'redis':
      return RedisStore.open(options);
  }
}
