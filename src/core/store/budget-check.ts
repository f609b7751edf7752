import {
  BUDGET_PURPOSES,
  BudgetExhaustedError,
  clientKey,
  purposeOf,
  type BudgetPurpose,
  type Budgets,
  type BudgetUsage,
} from './budgets.js';
import { StoreUsageError } from './types.js';

/** The budget a write is counted in: its purpose and the client key. */
export type BudgetClaim = { purpose: BudgetPurpose; client: string };

/**
 * The claim of a write to `key` (undefined for security state). Throws StoreUsageError when a
 * budgeted key is written without a client or with a value over the purpose's size cap.
 */
export function budgetClaim(
  budgets: Budgets,
  key: string,
  value: string,
  client: string | undefined,
): BudgetClaim | undefined {
  const purpose = purposeOf(key);
  if (purpose === undefined) return undefined;
  if (client === undefined)
    throw new StoreUsageError(`A ${purpose} entry needs the client address it is for.`);
  const { maxValueLength } = budgets[purpose];
  if (value.length > maxValueLength)
    throw new StoreUsageError(`A ${purpose} entry may hold at most ${maxValueLength} characters.`);
  return { purpose, client: clientKey(client) };
}

/** Live-entry counts per purpose and per (purpose, client), for the memory store. */
export class BudgetCounter {
  private readonly totals = new Map<BudgetPurpose, number>();
  private readonly perClient = new Map<string, number>();

  constructor(readonly budgets: Budgets) {}

  fits(claim: BudgetClaim): boolean {
    const limit = this.budgets[claim.purpose];
    return (
      (this.perClient.get(clientSlot(claim)) ?? 0) < limit.perClient &&
      (this.totals.get(claim.purpose) ?? 0) < limit.total
    );
  }

  /** Throws BudgetExhaustedError when one more entry of this claim would exceed a cap. */
  check(claim: BudgetClaim): void {
    const limit = this.budgets[claim.purpose];
    if ((this.perClient.get(clientSlot(claim)) ?? 0) >= limit.perClient)
      throw new BudgetExhaustedError(claim.purpose, 'client', limit.perClient);
    if ((this.totals.get(claim.purpose) ?? 0) >= limit.total)
      throw new BudgetExhaustedError(claim.purpose, 'total', limit.total);
  }

  add(claim: BudgetClaim): void {
    this.totals.set(claim.purpose, (this.totals.get(claim.purpose) ?? 0) + 1);
    const slot = clientSlot(claim);
    this.perClient.set(slot, (this.perClient.get(slot) ?? 0) + 1);
  }

  remove(claim: BudgetClaim): void {
    this.totals.set(claim.purpose, (this.totals.get(claim.purpose) ?? 1) - 1);
    const slot = clientSlot(claim);
    const left = (this.perClient.get(slot) ?? 1) - 1;
    if (left > 0) this.perClient.set(slot, left);
    else this.perClient.delete(slot);
  }

  usage(): BudgetUsage[] {
    return BUDGET_PURPOSES.map((purpose) => ({
      purpose,
      used: this.totals.get(purpose) ?? 0,
      total: this.budgets[purpose].total,
    }));
  }

  clear(): void {
    this.totals.clear();
    this.perClient.clear();
  }
}

function clientSlot(claim: BudgetClaim): string {
  return `${claim.purpose}\n${claim.client}`;
}
