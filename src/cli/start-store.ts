/**
 * The store and limit settings of startGateway: options (flags, RAMGATE_* variables) over the config
 * file's `gateway` section over the defaults; what a restart forgets is said at start.
 */
import type { Logger } from 'pino';
import type { LoadedConfig } from '../core/config/index.js';
import { createStore, MemoryStore, type Store } from '../core/store/index.js';
import { RATE_CLASSES, type RateLimits } from '../http/rate-limits.js';
import type { StartOptions } from './start.js';

export async function openStore(
  options: StartOptions,
  loaded: LoadedConfig | undefined,
  logger: Logger,
): Promise<Store> {
  const file = loaded?.config.gateway;
  const requested = options.store ?? { kind: 'memory' as const };
  const budgets = file?.budgets ? { budgets: file.budgets } : {};
  const store =
    requested.kind === 'redis'
      ? await createStore({
          ...budgets,
          ...requested,
          allowEviction: options.redisAllowEviction ?? file?.redisAllowEviction ?? false,
          onWarning: (message) => logger.warn(message),
        })
      : await createStore({ ...budgets, ...requested });
  return store;
}

/** Said once the gateway has started (a config that fails to load says only what is wrong with it). */
export function warnIfForgetful(store: Store, logger: Logger): void {
  if (store instanceof MemoryStore && !store.persistent) {
    logger.warn(
      'The memory store has no --data-dir: a restart forgets replay records, request nonces and ' +
        'revocations (an assertion or signed request used before it can be used again afterwards), ' +
        'along with the directory.',
    );
  }
}

export function rateLimitsOf(options: StartOptions, loaded: LoadedConfig | undefined): Partial<RateLimits> {
  const all = options.rateLimitPerMinute;
  const every = all === undefined ? {} : Object.fromEntries(RATE_CLASSES.map((c) => [c, all]));
  return { ...loaded?.config.gateway?.rateLimits, ...every, ...options.rateLimits };
}
