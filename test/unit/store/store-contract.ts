import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GLOBAL_SCOPE,
  STORE_LIMITS,
  StoreUsageError,
  type DirectoryWrite,
  type Json,
  type Store,
} from '../../../src/core/store/index.js';

export type ContractOptions = {
  /** Close the store and open it again on the same data; omitted where nothing outlives the process. */
  reopen?: (store: Store) => Promise<Store>;
  /** Redis Cluster: a batch may not add GLOBAL_SCOPE to an account scope. */
  oneScopeBatches?: boolean;
};

const A = '1000000000000001';
const B = '1000000000000002';

function create(key: string, value: Json, limit?: number, collection = 'user'): DirectoryWrite {
  return { op: 'create', scope: A, collection, key, value, limit };
}

/** The behaviour every Store must have; run once per store kind and configuration. */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  options: ContractOptions = {},
): void {
  describe(`store contract: ${name}`, () => {
    let open: Store[] = [];
    const fresh = async () => {
      const store = await makeStore();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.map((store) => store.close()));
      open = [];
    });

    describe('directory', () => {
      it('starts empty', async () => {
        const { directory } = await fresh();
        expect(await directory.get(A, 'user', 'alice')).toBeUndefined();
        expect(await directory.list(A, 'user')).toEqual([]);
        expect(await directory.count(A, 'user')).toBe(0);
      });

      it('creates, reads, updates, puts and deletes records', async () => {
        const { directory } = await fresh();
        const alice = { name: 'alice', tags: ['a', 1, true, null], nested: { deep: { x: 1.5 } } };
        expect(await directory.batch([create('alice', alice)])).toEqual({ ok: true });
        expect(await directory.get(A, 'user', 'alice')).toEqual(alice);
        expect(
          await directory.batch([
            { op: 'update', scope: A, collection: 'user', key: 'alice', value: { v: 2 } },
          ]),
        ).toEqual({ ok: true });
        expect(await directory.get(A, 'user', 'alice')).toEqual({ v: 2 });
        await directory.batch([{ op: 'put', scope: A, collection: 'user', key: 'bob', value: { v: 1 } }]);
        await directory.batch([{ op: 'put', scope: A, collection: 'user', key: 'bob', value: { v: 3 } }]);
        expect(await directory.get(A, 'user', 'bob')).toEqual({ v: 3 });
        expect(await directory.count(A, 'user')).toBe(2);
        expect(await directory.batch([{ op: 'delete', scope: A, collection: 'user', key: 'alice' }])).toEqual(
          {
            ok: true,
          },
        );
        expect(await directory.get(A, 'user', 'alice')).toBeUndefined();
        expect(await directory.count(A, 'user')).toBe(1);
      });

      it('hands out copies: changing a returned record does not change the store', async () => {
        const { directory } = await fresh();
        await directory.batch([create('alice', { roles: ['r1'] })]);
        const got = await directory.get(A, 'user', 'alice');
        (got?.roles as string[]).push('r2');
        const [listed] = await directory.list(A, 'user');
        (listed?.value.roles as string[]).push('r3');
        expect(await directory.get(A, 'user', 'alice')).toEqual({ roles: ['r1'] });
      });

      it('refuses create of an existing key, update or delete of a missing one, naming the write', async () => {
        const { directory } = await fresh();
        await directory.batch([create('alice', { v: 1 })]);
        expect(await directory.batch([create('bob', {}), create('alice', { v: 2 })])).toEqual({
          ok: false,
          index: 1,
          reason: 'exists',
        });
        const update: DirectoryWrite = {
          op: 'update',
          scope: A,
          collection: 'user',
          key: 'carol',
          value: {},
        };
        expect(await directory.batch([update])).toEqual({ ok: false, index: 0, reason: 'missing' });
        const remove: DirectoryWrite = { op: 'delete', scope: A, collection: 'user', key: 'carol' };
        expect(await directory.batch([create('dave', {}), remove])).toEqual({
          ok: false,
          index: 1,
          reason: 'missing',
        });
        expect(await directory.get(A, 'user', 'alice')).toEqual({ v: 1 });
        expect(await directory.list(A, 'user')).toEqual([{ key: 'alice', value: { v: 1 } }]);
      });

      it('writes nothing of a batch whose last precondition fails, across collections', async () => {
        const { directory } = await fresh();
        await directory.batch([create('taken', { v: 1 }, undefined, 'role')]);
        const result = await directory.batch([
          create('alice', { v: 1 }),
          { op: 'put', scope: A, collection: 'group', key: 'g', value: {} },
          { op: 'update', scope: A, collection: 'role', key: 'taken', value: { v: 2 } },
          create('taken', {}, undefined, 'role'),
        ]);
        expect(result).toEqual({ ok: false, index: 3, reason: 'exists' });
        expect(await directory.count(A, 'user')).toBe(0);
        expect(await directory.count(A, 'group')).toBe(0);
        expect(await directory.get(A, 'role', 'taken')).toEqual({ v: 1 });
      });

      it('checks each write against the earlier writes of the same batch', async () => {
        const { directory } = await fresh();
        expect(await directory.batch([create('k', { v: 1 }), create('k', { v: 2 })])).toEqual({
          ok: false,
          index: 1,
          reason: 'exists',
        });
        const sequence: DirectoryWrite[] = [
          create('k', { v: 1 }),
          { op: 'update', scope: A, collection: 'user', key: 'k', value: { v: 2 } },
          { op: 'delete', scope: A, collection: 'user', key: 'k' },
          create('k', { v: 3 }),
          create('other', { v: 4 }),
          { op: 'delete', scope: A, collection: 'user', key: 'other' },
        ];
        expect(await directory.batch(sequence)).toEqual({ ok: true });
        expect(await directory.list(A, 'user')).toEqual([{ key: 'k', value: { v: 3 } }]);
      });

      it('enforces a limit at the exact boundary, counting earlier writes of the batch', async () => {
        const { directory } = await fresh();
        expect(await directory.batch([create('a', {}, 3), create('b', {}, 3)])).toEqual({ ok: true });
        expect(await directory.batch([create('c', {}, 3)])).toEqual({ ok: true });
        expect(await directory.batch([create('d', {}, 3)])).toEqual({ ok: false, index: 0, reason: 'limit' });
        expect(await directory.count(A, 'user')).toBe(3);
        const remove: DirectoryWrite = { op: 'delete', scope: A, collection: 'user', key: 'a' };
        expect(await directory.batch([remove, create('d', {}, 3), create('e', {}, 3)])).toEqual({
          ok: false,
          index: 2,
          reason: 'limit',
        });
        expect(await directory.get(A, 'user', 'a')).toEqual({});
        expect(await directory.batch([remove, create('d', {}, 3)])).toEqual({ ok: true });
        expect((await directory.list(A, 'user')).map((r) => r.key)).toEqual(['b', 'c', 'd']);
        expect(await directory.batch([create('x', {}, 0, 'role')])).toEqual({
          ok: false,
          index: 0,
          reason: 'limit',
        });
      });

      it('reports exists before limit for a full collection', async () => {
        const { directory } = await fresh();
        await directory.batch([create('a', {}, 1)]);
        expect(await directory.batch([create('a', {}, 1)])).toEqual({
          ok: false,
          index: 0,
          reason: 'exists',
        });
      });

      it('lists records sorted by key and keeps scopes and collections apart', async () => {
        const { directory } = await fresh();
        const keys = ['b', 'a', 'B', '10', '9', 'é', '__proto__', 'constructor', 'a b', 'z:{x}'];
        await directory.batch(keys.map((key) => create(key, { key })));
        await directory.batch([
          { op: 'put', scope: B, collection: 'user', key: 'a', value: { other: true } },
        ]);
        await directory.batch([create('a', { role: true }, undefined, 'role')]);
        const listed = await directory.list(A, 'user');
        expect(listed.map((r) => r.key)).toEqual([...keys].sort());
        expect(listed.every((r) => r.value.key === r.key)).toBe(true);
        expect(await directory.get(A, 'user', '__proto__')).toEqual({ key: '__proto__' });
        expect(await directory.list(B, 'user')).toEqual([{ key: 'a', value: { other: true } }]);
        expect(await directory.list(A, 'role')).toEqual([{ key: 'a', value: { role: true } }]);
        expect(await directory.count(GLOBAL_SCOPE, 'user')).toBe(0);
      });

      it('accepts an empty batch', async () => {
        const { directory } = await fresh();
        expect(await directory.batch([])).toEqual({ ok: true });
      });

      if (options.oneScopeBatches) {
        it('refuses a batch spanning GLOBAL_SCOPE and an account scope (one hash tag per batch)', async () => {
          const { directory } = await fresh();
          const global: DirectoryWrite = {
            op: 'put',
            scope: GLOBAL_SCOPE,
            collection: 'alias',
            key: 'k',
            value: {},
          };
          await expect(directory.batch([create('alice', {}), global])).rejects.toThrow(/within one scope/);
          expect(await directory.count(A, 'user')).toBe(0);
        });
      } else {
        it('applies a batch spanning GLOBAL_SCOPE and one account scope atomically', async () => {
          const { directory } = await fresh();
          const alias = (key: string): DirectoryWrite => ({
            op: 'create',
            scope: GLOBAL_SCOPE,
            collection: 'alias',
            key,
            value: { account: A },
          });
          expect(await directory.batch([alias('taken'), create('alice', {})])).toEqual({ ok: true });
          expect(await directory.batch([create('bob', {}), alias('taken')])).toEqual({
            ok: false,
            index: 1,
            reason: 'exists',
          });
          expect(await directory.get(A, 'user', 'bob')).toBeUndefined();
          expect(await directory.list(GLOBAL_SCOPE, 'alias')).toEqual([
            { key: 'taken', value: { account: A } },
          ]);
        });
      }

      it('refuses two account scopes, bad names and oversized records with StoreUsageError', async () => {
        const { directory } = await fresh();
        const other: DirectoryWrite = { op: 'put', scope: B, collection: 'user', key: 'k', value: {} };
        await expect(directory.batch([create('alice', {}), other])).rejects.toThrow(/spans scopes/);
        await expect(directory.batch([{ ...other, scope: '{x}' }])).rejects.toBeInstanceOf(StoreUsageError);
        await expect(directory.batch([{ ...other, collection: '' }])).rejects.toBeInstanceOf(StoreUsageError);
        await expect(directory.batch([{ ...other, key: '' }])).rejects.toBeInstanceOf(StoreUsageError);
        await expect(
          directory.batch([{ ...other, key: 'k'.repeat(STORE_LIMITS.keyLength + 1) }]),
        ).rejects.toThrow(StoreUsageError);
        const huge = { blob: 'x'.repeat(STORE_LIMITS.valueLength) };
        await expect(directory.batch([create('alice', huge)])).rejects.toThrow(/over the limit/);
        await expect(directory.batch([create('alice', {}, -1)])).rejects.toThrow(/limit must be/);
        const tooMany = Array.from({ length: STORE_LIMITS.batchWrites + 1 }, (_, i) => create(`u${i}`, {}));
        await expect(directory.batch(tooMany)).rejects.toThrow(StoreUsageError);
        const bulky = { blob: 'x'.repeat(STORE_LIMITS.valueLength - 20) };
        const tooLong = Array.from({ length: 9 }, (_, i) => create(`u${i}`, bulky));
        await expect(directory.batch(tooLong)).rejects.toThrow(/records of the batch/);
        await expect(directory.get('', 'user', 'a')).rejects.toThrow(StoreUsageError);
        expect(await directory.count(A, 'user')).toBe(0);
        expect(await directory.count(B, 'user')).toBe(0);
      });

      it('lets exactly one of many concurrent creates of one key win', async () => {
        const { directory } = await fresh();
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, i) => directory.batch([create('alice', { writer: i })])),
        );
        const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'exists')).toBe(true);
        expect(await directory.get(A, 'user', 'alice')).toEqual({ writer: winners[0] });
      });

      it('keeps a limit under concurrent creates', async () => {
        const { directory } = await fresh();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => directory.batch([create(`u${i}`, {}, 5)])),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(5);
        expect(await directory.count(A, 'user')).toBe(5);
      });

      if (options.reopen) {
        const reopen = options.reopen;
        it('keeps the directory across close and reopen', async () => {
          const store = await fresh();
          await store.directory.batch([create('alice', { v: 1 }), create('bob', { v: 2 })]);
          await store.directory.batch([{ op: 'delete', scope: A, collection: 'user', key: 'bob' }]);
          await store.directory.batch([create('alice', { v: 9 })]);
          const again = await reopen(store);
          open.push(again);
          expect(await again.directory.list(A, 'user')).toEqual([{ key: 'alice', value: { v: 1 } }]);
          expect(await again.directory.batch([create('carol', {})])).toEqual({ ok: true });
        });
      }
    });

    describe('ephemeral', () => {
      it('sets, gets and deletes entries', async () => {
        const { ephemeral } = await fresh();
        expect(await ephemeral.get('session:1')).toBeUndefined();
        await ephemeral.set('session:1', 'v1', 60_000);
        expect(await ephemeral.get('session:1')).toBe('v1');
        await ephemeral.set('session:1', 'v2', 60_000);
        expect(await ephemeral.get('session:1')).toBe('v2');
        await ephemeral.delete('session:1');
        expect(await ephemeral.get('session:1')).toBeUndefined();
        await ephemeral.delete('session:1');
      });

      it('putIfAbsent creates once and leaves the first value', async () => {
        const { ephemeral } = await fresh();
        expect(await ephemeral.putIfAbsent('replay:1', 'first', 60_000)).toBe(true);
        expect(await ephemeral.putIfAbsent('replay:1', 'second', 60_000)).toBe(false);
        expect(await ephemeral.get('replay:1')).toBe('first');
      });

      it('take returns an entry once', async () => {
        const { ephemeral } = await fresh();
        await ephemeral.set('code:1', 'secret', 60_000);
        expect(await ephemeral.take('code:1')).toBe('secret');
        expect(await ephemeral.take('code:1')).toBeUndefined();
        expect(await ephemeral.get('code:1')).toBeUndefined();
      });

      it('counts with increment', async () => {
        const { ephemeral } = await fresh();
        expect(await ephemeral.increment('rate:1', 60_000, '192.0.2.1')).toBe(1);
        expect(await ephemeral.increment('rate:1', 60_000, '192.0.2.1')).toBe(2);
        expect(await ephemeral.increment('rate:2', 60_000, '192.0.2.1')).toBe(1);
        expect(await ephemeral.get('rate:1')).toBe('2');
      });

      it('expires entries after their TTL', async () => {
        const { ephemeral } = await fresh();
        await ephemeral.set('s', 'v', 100);
        expect(await ephemeral.putIfAbsent('r', 'v', 100)).toBe(true);
        await ephemeral.set('c', 'v', 100);
        expect(await ephemeral.increment('n', 100)).toBe(1);
        await ephemeral.set('long', 'v', 60_000);
        await sleep(250);
        expect(await ephemeral.get('s')).toBeUndefined();
        expect(await ephemeral.putIfAbsent('r', 'again', 60_000)).toBe(true);
        expect(await ephemeral.take('c')).toBeUndefined();
        expect(await ephemeral.increment('n', 60_000)).toBe(1);
        expect(await ephemeral.get('long')).toBe('v');
      });

      it('does not extend a counter window on increment', async () => {
        const { ephemeral } = await fresh();
        expect(await ephemeral.increment('window', 300)).toBe(1);
        await sleep(150);
        expect(await ephemeral.increment('window', 300)).toBe(2);
        await sleep(250);
        expect(await ephemeral.increment('window', 300)).toBe(1);
      });

      it('lets exactly one of many concurrent putIfAbsent and take calls succeed', async () => {
        const { ephemeral } = await fresh();
        const puts = await Promise.all(
          Array.from({ length: 50 }, (_, i) => ephemeral.putIfAbsent('once', `v${i}`, 60_000)),
        );
        expect(puts.filter(Boolean)).toHaveLength(1);
        expect(await ephemeral.get('once')).toBe(`v${puts.indexOf(true)}`);
        const takes = await Promise.all(Array.from({ length: 50 }, () => ephemeral.take('once')));
        expect(takes.filter((v) => v !== undefined)).toEqual([`v${puts.indexOf(true)}`]);
      });

      it('hands out every count once under concurrent increments', async () => {
        const { ephemeral } = await fresh();
        const counts = await Promise.all(
          Array.from({ length: 50 }, () => ephemeral.increment('hits', 60_000)),
        );
        expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('refuses bad keys, TTLs, oversized values and increments of non-integers', async () => {
        const { ephemeral } = await fresh();
        await expect(ephemeral.set('', 'v', 1000)).rejects.toBeInstanceOf(StoreUsageError);
        await expect(ephemeral.set('k', 'v', 0)).rejects.toBeInstanceOf(StoreUsageError);
        await expect(ephemeral.set('k', 'v', 1.5)).rejects.toBeInstanceOf(StoreUsageError);
        await expect(ephemeral.putIfAbsent('k', 'v', STORE_LIMITS.ttlMs + 1)).rejects.toBeInstanceOf(
          StoreUsageError,
        );
        await expect(ephemeral.set('k', 'x'.repeat(STORE_LIMITS.valueLength + 1), 1000)).rejects.toThrow(
          StoreUsageError,
        );
        await expect(ephemeral.get('k'.repeat(STORE_LIMITS.keyLength + 1))).rejects.toBeInstanceOf(
          StoreUsageError,
        );
        await ephemeral.set('text', 'abc', 60_000);
        await expect(ephemeral.increment('text', 60_000)).rejects.toBeInstanceOf(StoreUsageError);
        expect(await ephemeral.get('k')).toBeUndefined();
      });
    });

    it('answers ping', async () => {
      const store = await fresh();
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
