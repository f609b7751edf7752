import { Gauge, type Registry } from 'prom-client';
import type { BudgetUsage } from '../core/store/budgets.js';
import type { Store } from '../core/store/types.js';

/** Live entries and caps of each ephemeral budget (budgets.ts), read from the store at every scrape. */
export function registerBudgetMetrics(registry: Registry, store: Store): void {
  const gauge = (name: string, help: string, value: (u: BudgetUsage) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['purpose'] as const,
      registers: [registry],
      async collect() {
        for (const usage of await store.ephemeral.budgetUsage().catch(() => []))
          this.set({ purpose: usage.purpose }, value(usage));
      },
    });
  gauge(
    'ramgate_budget_entries',
    'Live entries of a budgeted purpose (pending sign-ins, CLI requests and codes, sessions, rate buckets).',
    (u) => u.used,
  );
  gauge(
    'ramgate_budget_limit_entries',
    'Cap of live entries of a budgeted purpose, all clients together.',
    (u) => u.total,
  );
}
