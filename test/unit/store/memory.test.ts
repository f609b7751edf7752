import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryStore,
  StoreUnavailableError,
  createStore,
  type Store,
} from '../../../src/core/store/index.js';
import { describeStoreContract } from './store-contract.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ramgate-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeStoreContract('memory', () => createStore({ kind: 'memory' }));

const dataDirs = new WeakMap<Store, string>();
describeStoreContract(
  'memory with a data dir',
  async () => {
    const dir = await tempDir();
    const store = await createStore({ kind: 'memory', dataDir: dir });
    dataDirs.set(store, dir);
    return store;
  },
  {
    reopen: async (store) => {
      await store.close();
      return createStore({ kind: 'memory', dataDir: dataDirs.get(store) as string });
    },
  },
);

const user = (key: string) => ({
  op: 'create' as const,
  scope: '1',
  collection: 'user',
  key,
  value: { key },
});

describe('memory store data file', () => {
  it('writes the data file on every successful batch and leaves it alone on a failed one', async () => {
    const dir = await tempDir();
    const store = await MemoryStore.open({ dataDir: dir });
    const file = join(dir, 'directory.json');
    await store.directory.batch([user('alice')]);
    const written = await readFile(file, 'utf8');
    expect(JSON.parse(written)).toMatchObject({ format: 'ramgate-directory', version: 1 });
    expect(written).toContain('"alice"');
    expect(await store.directory.batch([user('bob'), user('alice')])).toMatchObject({ ok: false });
    expect(await readFile(file, 'utf8')).toBe(written);
    await store.close();
  });

  it('refuses to start on a corrupt data file instead of starting empty', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'directory.json'), '{"format":"ramgate-directory","version":1,"collections":[');
    await expect(createStore({ kind: 'memory', dataDir: dir })).rejects.toThrow(
      /directory\.json is not valid/,
    );
    await writeFile(join(dir, 'directory.json'), '{"format":"something-else","version":1,"collections":[]}');
    await expect(createStore({ kind: 'memory', dataDir: dir })).rejects.toThrow(/is not valid/);
  });

  it('ignores and removes a temporary file left by a crash', async () => {
    const dir = await tempDir();
    const first = await MemoryStore.open({ dataDir: dir });
    await first.directory.batch([user('alice')]);
    await first.close();
    await writeFile(join(dir, 'directory.json.tmp'), '{"half-writ');
    const second = await MemoryStore.open({ dataDir: dir });
    expect(await second.directory.list('1', 'user')).toEqual([{ key: 'alice', value: { key: 'alice' } }]);
    await second.directory.batch([user('bob')]);
    expect(await second.directory.count('1', 'user')).toBe(2);
    await second.close();
  });

  it('fails a batch it cannot persist with StoreUnavailableError and changes nothing', async () => {
    const dir = await tempDir();
    const store = await MemoryStore.open({ dataDir: dir });
    await store.directory.batch([user('alice')]);
    await mkdir(join(dir, 'directory.json.tmp')); // the temp file cannot be opened for writing
    await expect(store.directory.batch([user('bob')])).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.directory.get('1', 'user', 'bob')).toBeUndefined();
    await rm(join(dir, 'directory.json.tmp'), { recursive: true });
    expect(await store.directory.batch([user('bob')])).toEqual({ ok: true });
    await store.close();
  });

  it('answers concurrent batches after one shared write, and drops them all when that write fails', async () => {
    const dir = await tempDir();
    const store = await MemoryStore.open({ dataDir: dir });
    const [first, same, other] = await Promise.all([
      store.directory.batch([user('alice')]),
      store.directory.batch([user('alice')]),
      store.directory.batch([user('bob')]),
    ]);
    expect([first, same, other]).toEqual([
      { ok: true },
      { ok: false, index: 0, reason: 'exists' },
      { ok: true },
    ]);

    await mkdir(join(dir, 'directory.json.tmp'));
    const failing = await Promise.allSettled([
      store.directory.batch([user('carol')]),
      store.directory.batch([user('carol')]), // its "exists" rests on the write that fails
      store.directory.batch([{ op: 'delete', scope: '1', collection: 'user', key: 'carol' }]),
    ]);
    for (const outcome of failing) {
      expect(outcome.status === 'rejected' && outcome.reason instanceof StoreUnavailableError).toBe(true);
    }
    await rm(join(dir, 'directory.json.tmp'), { recursive: true });
    expect(await store.directory.batch([user('carol')])).toEqual({ ok: true });
    await store.close();
    const reopened = await MemoryStore.open({ dataDir: dir });
    expect((await reopened.directory.list('1', 'user')).map((r) => r.key)).toEqual(['alice', 'bob', 'carol']);
    await reopened.close();
  });

  it('refuses writes and readiness once closed', async () => {
    const store = await MemoryStore.open({ dataDir: await tempDir() });
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.directory.batch([user('alice')])).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('memory ephemeral bounds', () => {
  it('sweeps expired entries without reads', async () => {
    const store = await MemoryStore.open({ sweepIntervalMs: 20 });
    for (let i = 0; i < 100; i++) await store.ephemeral.set(`k${i}`, 'v', 30);
    expect(store.ephemeral.size).toBe(100);
    await sleep(150);
    expect(store.ephemeral.size).toBe(0);
    await store.close();
  });

  it('refuses new entries when full rather than evicting live ones, and accepts them once some expire', async () => {
    const store = await MemoryStore.open({ maxEntries: 3 });
    await store.ephemeral.putIfAbsent('a', 'v', 60_000);
    await store.ephemeral.putIfAbsent('b', 'v', 60_000);
    await store.ephemeral.set('c', 'v', 100);
    await expect(store.ephemeral.putIfAbsent('d', 'v', 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ephemeral.increment('e', 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.ephemeral.set('a', 'replaced', 60_000);
    expect(await store.ephemeral.get('a')).toBe('replaced');
    await sleep(150);
    expect(await store.ephemeral.putIfAbsent('d', 'v', 60_000)).toBe(true);
    expect(await store.ephemeral.get('b')).toBe('v');
    await store.close();
  });

  it('caps the characters held and accounts for every way entries leave', async () => {
    const store = await MemoryStore.open({ maxChars: 100 });
    const { ephemeral } = store;
    await ephemeral.set('a', 'x'.repeat(49), 60_000);
    await ephemeral.set('b', 'x'.repeat(49), 60_000);
    expect(ephemeral.chars).toBe(100);
    await expect(ephemeral.set('c', '', 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await ephemeral.set('a', 'short', 60_000); // replacing with less is always possible
    expect(ephemeral.chars).toBe(56);
    await ephemeral.take('a');
    await ephemeral.delete('b');
    expect(ephemeral.chars).toBe(0);
    for (let i = 0; i < 12; i++) await ephemeral.increment('n', 60_000);
    expect(ephemeral.chars).toBe(3);
    await ephemeral.set('gone', 'v', 10);
    await sleep(30);
    expect(await ephemeral.get('gone')).toBeUndefined();
    expect(ephemeral.chars).toBe(3);
    await store.close();
  });
});
