/**
 * GET /readyz: ready when the store answers, accepts a write, and no budget of ephemeral state is
 * exhausted. Otherwise 503 with the reason, so a load balancer (and an operator) sees a gateway
 * that would refuse sign-ins before users do.
 */
import { randomBytes } from 'node:crypto';
import { PURPOSE_NAMES, type BudgetUsage } from '../core/store/budgets.js';
import type { Store } from '../core/store/types.js';

export type Readiness = {
  status: 'ready' | 'not ready';
  store: Store['kind'];
  /** Why not ready: store-unavailable, store-refuses-writes, budget-exhausted. */
  reason?: 'store-unavailable' | 'store-refuses-writes' | 'budget-exhausted';
  error?: string;
  budgets?: BudgetUsage[];
};

/** One probe key per process, overwritten by every check (a few bytes of security state). */
const PROBE_KEY = `readyz:probe:${randomBytes(8).toString('hex')}`;
const PROBE_TTL_MS = 30_000;

export async function readiness(store: Store): Promise<Readiness> {
  const kind = store.kind;
  try {
    await store.ping();
  } catch (err) {
    return { status: 'not ready', store: kind, reason: 'store-unavailable', error: message(err) };
  }
  try {
    await store.ephemeral.set(PROBE_KEY, String(Date.now()), PROBE_TTL_MS);
  } catch (err) {
    return { status: 'not ready', store: kind, reason: 'store-refuses-writes', error: message(err) };
  }
  const budgets = await store.ephemeral.budgetUsage().catch(() => undefined);
  if (budgets === undefined) return { status: 'ready', store: kind };
  const full = budgets.filter((b) => b.used >= b.total);
  if (full.length === 0) return { status: 'ready', store: kind, budgets };
  return {
    status: 'not ready',
    store: kind,
    reason: 'budget-exhausted',
    error: `Budget exhausted: ${full.map((b) => `${PURPOSE_NAMES[b.purpose]} (${b.used} of ${b.total})`).join(', ')}.`,
    budgets,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
