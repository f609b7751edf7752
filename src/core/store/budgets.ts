/**
 * Budgets by purpose for the ephemeral state an unauthenticated (or barely authenticated) client
 * can make the gateway create: pending AuthnRequests, pending CLI logins, CLI one-time codes,
 * console sessions and pending role choices, rate-limit buckets, password sign-ins waiting for
 * their next step. Each purpose has its own cap in
 * total and per client address, and a cap on one entry's size; they are counted apart from the
 * security state (replay records, request nonces, revocation watermarks) and the directory, so a
 * flood of one kind can only exhaust that kind: a full budget refuses new entries of that purpose
 * (Throttling), everything else keeps working.
 *
 * The purpose of an entry follows from its key prefix, so every store operation (get, take, delete)
 * finds the budget an entry is counted in; a write to a budgeted key must name the client.
 */
import { ApiError } from '../errors.js';

export const BUDGET_PURPOSES = [
  'authnRequest',
  'cliRequest',
  'cliCode',
  'session',
  'roleChoice',
  'rate',
  'signInStep',
] as const;
export type BudgetPurpose = (typeof BUDGET_PURPOSES)[number];

export type BudgetLimit = {
  /** Live entries of this purpose, all clients together. */
  total: number;
  /** Live entries of this purpose created for one client address. */
  perClient: number;
  /** Longest value of one entry, characters. */
  maxValueLength: number;
};
export type Budgets = Record<BudgetPurpose, BudgetLimit>;
export type BudgetOverrides = Partial<Record<BudgetPurpose, Partial<BudgetLimit>>>;

/** Key prefixes of each budgeted purpose (an entry key starting with one is counted in that budget). */
export const BUDGET_PREFIXES: Record<BudgetPurpose, readonly string[]> = {
  authnRequest: ['saml:authn:'],
  cliRequest: ['cli:request:'],
  cliCode: ['cli:code:'],
  session: ['console:session:'],
  roleChoice: ['sso:pending:'],
  rate: ['rate:'],
  signInStep: ['signin:step:'],
};

/**
 * Defaults: worst case Σ total × maxValueLength ≈ 100 + 5 + 40 + 330 + 260 + 4 + 10 MB. Pending AuthnRequests
 * live 10 minutes, so 50,000 allow ~80 SP-initiated logins a second; one address (a NAT) may hold
 * 200 at once.
 */
export const DEFAULT_BUDGETS: Budgets = {
  authnRequest: { total: 50_000, perClient: 200, maxValueLength: 2048 },
  cliRequest: { total: 5_000, perClient: 20, maxValueLength: 1024 },
  cliCode: { total: 5_000, perClient: 20, maxValueLength: 8192 },
  session: { total: 20_000, perClient: 200, maxValueLength: 16_384 },
  // A pending choice holds the offered roles (up to 100 of the longest ARNs: ~70 KB).
  roleChoice: { total: 2_000, perClient: 100, maxValueLength: 131_072 },
  rate: { total: 200_000, perClient: 16, maxValueLength: 20 },
  // A password sign-in waiting for its MFA code, new password or MFA binding (5 min; the right password made it).
  signInStep: { total: 5_000, perClient: 50, maxValueLength: 2048 },
};

export function resolveBudgets(overrides: BudgetOverrides = {}): Budgets {
  const budgets = {} as Budgets;
  for (const purpose of BUDGET_PURPOSES)
    budgets[purpose] = { ...DEFAULT_BUDGETS[purpose], ...overrides[purpose] };
  return budgets;
}

/** Most bytes the budgeted state can take on Redis: Σ total × (largest entry + key and sorted-set bookkeeping). */
export function worstCaseBytes(budgets: Budgets): number {
  const perEntryOverhead = 300;
  return BUDGET_PURPOSES.reduce(
    (sum, p) => sum + budgets[p].total * (budgets[p].maxValueLength + perEntryOverhead),
    0,
  );
}

/** The budget a key is counted in, or undefined for security state (never budgeted, never crowded out). */
export function purposeOf(key: string): BudgetPurpose | undefined {
  for (const purpose of BUDGET_PURPOSES) {
    if (BUDGET_PREFIXES[purpose].some((prefix) => key.startsWith(prefix))) return purpose;
  }
  return undefined;
}

/** Longest client key kept: an IPv6 /64 prefix or an IPv4 address fits with room to spare. */
const CLIENT_KEY_LENGTH = 64;

/**
 * The key one client's budget is counted under: an IPv4 address as is (also when IPv4-mapped), an
 * IPv6 address by its /64 prefix (one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would let one client have billions of budgets).
 */
export function clientKey(address: string): string {
  const text = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped) return mapped[1] as string;
  if (!text.includes(':')) return text.slice(0, CLIENT_KEY_LENGTH) || 'unknown';
  const [head = '', tail = ''] = text.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = text.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`.slice(0, CLIENT_KEY_LENGTH);
}

export type BudgetScope = 'client' | 'total';

/** A budget refused a new entry (HTTP 400 Throttling.User per client, 503 Throttling for the total). */
export class BudgetExhaustedError extends ApiError {
  constructor(
    readonly purpose: BudgetPurpose,
    readonly scope: BudgetScope,
    limit: number,
  ) {
    super(
      scope === 'client' ? 'Throttling.User' : 'Throttling',
      scope === 'client'
        ? `Too many ${PURPOSE_NAMES[purpose]} from this client address (${limit} at once): wait for them to expire or be used.`
        : `Too many ${PURPOSE_NAMES[purpose]} on this gateway (${limit} at once): try again later.`,
      { check: `budget:${purpose}` },
    );
  }
}

export const PURPOSE_NAMES: Record<BudgetPurpose, string> = {
  authnRequest: 'pending sign-ins',
  cliRequest: 'pending CLI logins',
  cliCode: 'unredeemed CLI login codes',
  session: 'console sessions',
  roleChoice: 'pending role choices',
  rate: 'rate-limit buckets',
  signInStep: 'pending password sign-ins',
};

/** How full one budget is, for /readyz and the metrics. */
export type BudgetUsage = { purpose: BudgetPurpose; used: number; total: number };
