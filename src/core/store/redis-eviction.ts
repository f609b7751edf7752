/**
 * Redis must never evict: an evicted replay record, nonce or revocation watermark re-opens what it
 * closed, an evicted directory record loses data. At start (and after every reconnect) the gateway
 * reads `maxmemory-policy` from INFO (works where CONFIG is disabled, as on managed Redis) of every
 * server it writes to, and refuses anything but `noeviction` unless the operator explicitly allowed
 * eviction (`store.redis.allowEviction` / --redis-allow-eviction), which logs a warning.
 */
import type { Cluster, Redis } from 'ioredis';

export type EvictionCheck = {
  /** Accept an evicting policy (with a warning) instead of refusing it. */
  allowEviction?: boolean | undefined;
  onWarning?: ((message: string) => void) | undefined;
  /** Worst case of the budgeted state in bytes (Σ total × largest entry): warned about when over half of maxmemory. */
  budgetBytes?: number | undefined;
};

export class EvictionPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvictionPolicyError';
  }
}

/** `maxmemory_policy` and `maxmemory` from an INFO memory reply. */
export function memorySettings(info: string): { policy: string; maxmemory: number } {
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  return { policy: field('maxmemory_policy') ?? 'unknown', maxmemory: Number(field('maxmemory') ?? 0) };
}

/** The message of a refused (or, when allowed, tolerated) policy; undefined for noeviction. */
export function evictionProblem(server: string, policy: string): string | undefined {
  if (policy === 'noeviction') return undefined;
  return (
    `Redis ${server} has maxmemory-policy ${policy}: it may evict replay records, request nonces, ` +
    `revocations and directory data. Set "maxmemory-policy noeviction" (CONFIG SET maxmemory-policy ` +
    `noeviction, and in redis.conf), or start with --redis-allow-eviction (RAMGATE_REDIS_ALLOW_EVICTION=1) ` +
    `to accept that risk.`
  );
}

/** Check every master the client writes to; throws EvictionPolicyError unless the policy is allowed. */
export async function checkEvictionPolicy(client: Redis | Cluster, check: EvictionCheck): Promise<void> {
  const servers: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  for (const server of servers) {
    const { policy, maxmemory } = memorySettings(await server.info('memory'));
    const name = `${server.options.host ?? '?'}:${server.options.port ?? '?'}`;
    if (maxmemory > 0 && check.budgetBytes !== undefined && check.budgetBytes > maxmemory / 2)
      check.onWarning?.(
        `Redis ${name} has maxmemory ${maxmemory} bytes, and the budgets of client-creatable state may fill ` +
          `${check.budgetBytes} (about ${Math.round((100 * check.budgetBytes) / maxmemory)} %): lower gateway.budgets.*.total ` +
          `or raise maxmemory, or a flood can leave no room for replay records and the directory.`,
      );
    const problem = evictionProblem(name, policy);
    if (!problem) continue;
    if (!check.allowEviction) throw new EvictionPolicyError(problem);
    check.onWarning?.(`${problem} (eviction allowed by configuration)`);
  }
}
