import type { Cluster, Redis } from 'ioredis';
import { budgetClaim, type BudgetClaim } from './budget-check.js';
import {
  BUDGET_PURPOSES,
  BudgetExhaustedError,
  purposeOf,
  type BudgetPurpose,
  type Budgets,
  type BudgetUsage,
} from './budgets.js';
import { budgetedValue } from './redis-budget-scripts.js';
import { attempt } from './redis-errors.js';
import type { EphemeralStore } from './types.js';
import { checkKey, checkTtl, checkValue } from './validate.js';

type Client = Redis | Cluster;

/** The commands defineCommand adds (redis.ts); EVALSHA, falling back to EVAL when the script is not cached. */
type EphemeralScripts = {
  ramgateIncrement(key: string, ttlMs: number): Promise<number>;
  ramgateBudgetSet(k1: string, k2: string, k3: string, ...args: string[]): Promise<number>;
  ramgateBudgetIncrement(k1: string, k2: string, k3: string, ...args: string[]): Promise<number>;
  ramgateBudgetTake(k1: string, k2: string, ...args: string[]): Promise<string | null>;
};

/**
 * Ephemeral entries are string keys with a TTL. Security state is one plain command per operation;
 * a budgeted entry (budgets.ts) is written, incremented and taken by a script that counts it in its
 * purpose's sorted sets (redis-budget-scripts.ts), so every instance shares one budget.
 */
export class RedisEphemeral implements EphemeralStore {
  private readonly scripts: EphemeralScripts;

  constructor(
    private readonly client: Client,
    private readonly prefix: string,
    private readonly budgets: Budgets,
  ) {
    this.scripts = client as unknown as EphemeralScripts;
  }

  private redisKey(key: string): string {
    checkKey(key);
    const purpose = purposeOf(key);
    return purpose ? `${this.budgetTag(purpose)}eph:${key}` : `${this.prefix}eph:${key}`;
  }

  private budgetTag(purpose: BudgetPurpose): string {
    return `${this.prefix}{b:${purpose}}`;
  }

  async putIfAbsent(key: string, value: string, ttlMs: number, client?: string): Promise<boolean> {
    const redisKey = this.redisKey(key);
    checkValue(value);
    checkTtl(ttlMs);
    const claim = budgetClaim(this.budgets, key, value, client);
    if (claim) return (await this.budgetedSet(claim, redisKey, value, ttlMs, 'nx')) === 1;
    const reply = await attempt('putIfAbsent', () => this.client.set(redisKey, value, 'PX', ttlMs, 'NX'));
    return reply === 'OK';
  }

  async set(key: string, value: string, ttlMs: number, client?: string): Promise<void> {
    const redisKey = this.redisKey(key);
    checkValue(value);
    checkTtl(ttlMs);
    const claim = budgetClaim(this.budgets, key, value, client);
    if (claim) await this.budgetedSet(claim, redisKey, value, ttlMs, 'set');
    else await attempt('set', () => this.client.set(redisKey, value, 'PX', ttlMs));
  }

  async get(key: string): Promise<string | undefined> {
    const redisKey = this.redisKey(key);
    const stored = await attempt('get', () => this.client.get(redisKey));
    return purposeOf(key) ? budgetedValue(stored) : (stored ?? undefined);
  }

  /** GETDEL: Redis 6.2 or later. */
  async take(key: string): Promise<string | undefined> {
    const redisKey = this.redisKey(key);
    const purpose = purposeOf(key);
    if (!purpose) return (await attempt('take', () => this.client.getdel(redisKey))) ?? undefined;
    const tag = this.budgetTag(purpose);
    const reply = await attempt('take', () =>
      this.scripts.ramgateBudgetTake(redisKey, `${tag}budget`, `${tag}budget:`, redisKey),
    );
    return reply ?? undefined;
  }

  async delete(key: string): Promise<void> {
    if (purposeOf(key)) {
      await this.take(key);
      return;
    }
    const redisKey = this.redisKey(key);
    await attempt('delete', () => this.client.del(redisKey));
  }

  async increment(key: string, ttlMs: number, client?: string): Promise<number> {
    const redisKey = this.redisKey(key);
    checkTtl(ttlMs);
    const claim = budgetClaim(this.budgets, key, '1', client);
    if (!claim) return attempt('increment', () => this.scripts.ramgateIncrement(redisKey, ttlMs));
    const [limit, purposeSet, clientSet] = this.budgetOf(claim);
    const reply = await attempt('increment', () =>
      this.scripts.ramgateBudgetIncrement(
        redisKey,
        purposeSet,
        clientSet,
        String(ttlMs),
        ...limit,
        redisKey,
        claim.client,
      ),
    );
    return refusedBy(claim, this.budgets[claim.purpose], reply);
  }

  async budgetUsage(): Promise<BudgetUsage[]> {
    const now = Date.now();
    return Promise.all(
      BUDGET_PURPOSES.map(async (purpose) => ({
        purpose,
        used: await attempt('budgetUsage', () =>
          this.client.zcount(`${this.budgetTag(purpose)}budget`, `(${now}`, '+inf'),
        ),
        total: this.budgets[purpose].total,
      })),
    );
  }

  private async budgetedSet(
    claim: BudgetClaim,
    redisKey: string,
    value: string,
    ttlMs: number,
    mode: 'nx' | 'set',
  ): Promise<number> {
    const [limit, purposeSet, clientSet] = this.budgetOf(claim);
    const stored = `${claim.client}\n${value}`;
    const reply = await attempt('set', () =>
      this.scripts.ramgateBudgetSet(
        redisKey,
        purposeSet,
        clientSet,
        stored,
        String(ttlMs),
        ...limit,
        redisKey,
        mode,
      ),
    );
    return refusedBy(claim, this.budgets[claim.purpose], reply);
  }

  /** The script arguments of a claim's caps (total, per client) and the keys of its two sorted sets. */
  private budgetOf(claim: BudgetClaim): [[string, string], string, string] {
    const { total, perClient } = this.budgets[claim.purpose];
    const tag = this.budgetTag(claim.purpose);
    return [[String(total), String(perClient)], `${tag}budget`, `${tag}budget:${claim.client}`];
  }
}

/** The script's reply, or the BudgetExhaustedError its -1 (client) / -2 (total) stands for. */
function refusedBy(claim: BudgetClaim, limit: Budgets[BudgetPurpose], reply: number): number {
  if (reply === -1) throw new BudgetExhaustedError(claim.purpose, 'client', limit.perClient);
  if (reply === -2) throw new BudgetExhaustedError(claim.purpose, 'total', limit.total);
  return reply;
}
