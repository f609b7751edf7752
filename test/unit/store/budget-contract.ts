/**
 * The budgets of client-creatable ephemeral state (budgets.ts), the same on every store: per client
 * and total caps of one purpose, places given back by take/delete/expiry, purposes and security
 * state independent of each other.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BudgetExhaustedError, type BudgetOverrides } from '../../../src/core/store/budgets.js';
import { StoreUsageError, type Store } from '../../../src/core/store/index.js';

const budgets: BudgetOverrides = {
  authnRequest: { total: 5, perClient: 2 },
  session: { total: 3, perClient: 3 },
  rate: { total: 4, perClient: 2 },
};

async function refusal(promise: Promise<unknown>): Promise<BudgetExhaustedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BudgetExhaustedError);
  return error as BudgetExhaustedError;
}

export function describeBudgetContract(
  name: string,
  openStore: (budgets: BudgetOverrides) => Promise<Store>,
) {
  describe(`ephemeral budgets: ${name}`, () => {
    const opened: Store[] = [];
    const open = async (b: BudgetOverrides) => {
      const store = await openStore(b);
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      for (const store of opened) await store.close();
    });

    it('caps one client, then the total, refusing only new entries of that purpose', async () => {
      const { ephemeral } = await open(budgets);
      const put = (id: string, client: string) =>
        ephemeral.set(`saml:authn:${id}`, 'pending', 60_000, client);
      await put('a1', '192.0.2.1');
      await put('a2', '192.0.2.1');
      const own = await refusal(put('a3', '192.0.2.1'));
      expect(own.code).toBe('Throttling.User');
      expect(own.httpStatus).toBe(400);
      await put('a1', '192.0.2.1'); // replacing an entry is not a new one
      await put('b1', '192.0.2.2');
      await put('b2', '192.0.2.2');
      await put('c1', '192.0.2.3');
      const total = await refusal(put('d1', '192.0.2.4'));
      expect(total.code).toBe('Throttling');
      expect(total.httpStatus).toBe(503);
      // Other purposes and security state are untouched.
      await ephemeral.set('console:session:s1', '{}', 60_000, '192.0.2.4');
      expect(await ephemeral.putIfAbsent('saml:replay:x', '1', 60_000)).toBe(true);
      expect(await ephemeral.putIfAbsent('saml:replay:x', '1', 60_000)).toBe(false);
      expect(await ephemeral.get('saml:authn:a1')).toBe('pending');
      const usage = await ephemeral.budgetUsage();
      expect(usage.find((u) => u.purpose === 'authnRequest')).toEqual({
        purpose: 'authnRequest',
        used: 5,
        total: 5,
      });
      expect(usage.find((u) => u.purpose === 'session')?.used).toBe(1);
    });

    it('gives places back on take, delete and expiry', async () => {
      const { ephemeral } = await open(budgets);
      const put = (id: string, ttl = 60_000) => ephemeral.set(`saml:authn:${id}`, id, ttl, '192.0.2.9');
      await put('t1');
      await put('t2');
      await refusal(put('t3'));
      expect(await ephemeral.take('saml:authn:t1')).toBe('t1');
      expect(await ephemeral.take('saml:authn:t1')).toBeUndefined();
      await put('t3');
      await ephemeral.delete('saml:authn:t2');
      await put('t4', 100);
      await refusal(put('t5'));
      await sleep(250);
      await put('t5');
      expect(await ephemeral.get('saml:authn:t3')).toBe('t3');
    });

    it('counts IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', async () => {
      const { ephemeral } = await open(budgets);
      const put = (id: string, client: string) => ephemeral.set(`saml:authn:${id}`, 'p', 60_000, client);
      await put('v1', '2001:db8:1:2::1');
      await put('v2', '2001:db8:1:2:ffff::7');
      await refusal(put('v3', '2001:0db8:0001:0002:1234:5678:9abc:def0'));
      await put('v4', '2001:db8:1:3::1');
      await put('m1', '::ffff:198.51.100.7');
      await put('m2', '198.51.100.7');
      await refusal(put('m3', '::ffff:198.51.100.7'));
    });

    it('budgets rate buckets: a counter per client, new buckets refused past the caps', async () => {
      const { ephemeral } = await open(budgets);
      expect(await ephemeral.increment('rate:login:a', 60_000, '192.0.2.1')).toBe(1);
      expect(await ephemeral.increment('rate:login:a', 60_000, '192.0.2.1')).toBe(2);
      expect(await ephemeral.increment('rate:acs:a', 60_000, '192.0.2.1')).toBe(1);
      await refusal(ephemeral.increment('rate:sts:a', 60_000, '192.0.2.1'));
      expect(await ephemeral.increment('rate:login:a', 60_000, '192.0.2.1')).toBe(3);
      await ephemeral.increment('rate:login:b', 60_000, '192.0.2.2');
      await ephemeral.increment('rate:login:c', 60_000, '192.0.2.3');
      await refusal(ephemeral.increment('rate:login:d', 60_000, '192.0.2.4'));
      expect(await ephemeral.get('rate:login:a')).toBe('3');
    });

    it('holds a pending role choice of 100 roles with the longest names', async () => {
      const { ephemeral } = await open(budgets);
      const arn = (kind: string, name: string) => `acs:ram::${'9'.repeat(16)}:${kind}/${name}`;
      const roles = Array.from({ length: 100 }, (_, i) => ({
        roleArn: arn('role', `${i}`.padEnd(64, 'r')),
        providerArn: arn('saml-provider', `${i}`.padEnd(128, 'p')),
        roleName: `${i}`.padEnd(64, 'r'),
        accountId: '9'.repeat(16),
      }));
      const offeredRoles = roles.map(({ roleArn, providerArn }) => ({ roleArn, providerArn }));
      const choice = JSON.stringify({ roles, login: { offeredRoles } });
      await ephemeral.set('sso:pending:big', choice, 60_000, '192.0.2.1');
      expect(await ephemeral.get('sso:pending:big')).toBe(choice);
    });

    it('refuses a budgeted write without its client or over the size cap (a caller bug)', async () => {
      const { ephemeral } = await open(budgets);
      await expect(ephemeral.set('saml:authn:x', 'v', 60_000)).rejects.toBeInstanceOf(StoreUsageError);
      await expect(
        ephemeral.set('saml:authn:x', 'v'.repeat(3000), 60_000, '192.0.2.1'),
      ).rejects.toBeInstanceOf(StoreUsageError);
    });
  });
}
