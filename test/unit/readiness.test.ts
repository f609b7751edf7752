import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/index.js';
import { readiness } from '../../src/http/readiness.js';

describe('readiness', () => {
  it('is ready on a store that answers and accepts writes, listing the budgets', async () => {
    const store = await MemoryStore.open();
    const report = await readiness(store);
    expect(report.status).toBe('ready');
    expect(report.budgets?.map((b) => b.purpose)).toEqual([
      'authnRequest',
      'cliRequest',
      'cliCode',
      'session',
      'roleChoice',
      'rate',
      'signInStep',
    ]);
    await store.close();
  });

  it('is not ready when the security state is full (the store refuses writes)', async () => {
    const store = await MemoryStore.open({ maxEntries: 1 });
    await store.ephemeral.putIfAbsent('saml:replay:x', '1', 60_000);
    expect(await readiness(store)).toMatchObject({ status: 'not ready', reason: 'store-refuses-writes' });
    await store.close();
  });

  it('is not ready when a budget is exhausted, naming it', async () => {
    const store = await MemoryStore.open({ budgets: { cliCode: { total: 1 } } });
    await store.ephemeral.set('cli:code:c', '{}', 60_000, '192.0.2.1');
    const report = await readiness(store);
    expect(report).toMatchObject({ status: 'not ready', reason: 'budget-exhausted' });
    expect(report.error).toContain('unredeemed CLI login codes (1 of 1)');
    await store.close();
  });

  it('is not ready when the store is unavailable', async () => {
    const store = await MemoryStore.open();
    await store.close();
    expect(await readiness(store)).toMatchObject({ status: 'not ready', reason: 'store-unavailable' });
  });
});
