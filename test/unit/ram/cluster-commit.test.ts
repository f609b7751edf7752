import { afterAll, describe, expect, it } from 'vitest';
import { Directory } from '../../../src/core/ram/index.js';
import {
  GLOBAL_SCOPE,
  StoreUsageError,
  type BatchResult,
  type DirectoryStore,
  type DirectoryWrite,
} from '../../../src/core/store/index.js';
import { ACCOUNT, closeStores, codeOf, fakeMetadataValidator, openStore } from './helpers.js';

afterAll(closeStores);

/**
 * A store that refuses batches spanning two scopes, as Redis Cluster does; `loseGlobalUpdates`
 * simulates a crash after the account's writes (the last, best-effort global writes never land).
 */
class OneScopeStore implements DirectoryStore {
  constructor(
    private readonly inner: DirectoryStore,
    private readonly loseGlobalUpdates = false,
  ) {}
  get: DirectoryStore['get'] = (...args) => this.inner.get(...args);
  list: DirectoryStore['list'] = (...args) => this.inner.list(...args);
  count: DirectoryStore['count'] = (...args) => this.inner.count(...args);
  async batch(writes: DirectoryWrite[]): Promise<BatchResult> {
    if (new Set(writes.map((w) => w.scope)).size > 1) throw new StoreUsageError('one scope per batch');
    const lost = writes.every((w) => w.scope === GLOBAL_SCOPE && w.op !== 'create');
    if (this.loseGlobalUpdates && lost) return { ok: true };
    return this.inner.batch(writes);
  }
}

async function clusterDirectory(loseGlobalUpdates = false) {
  const store = await openStore();
  const oneScope = new OneScopeStore(store.directory, loseGlobalUpdates);
  const d = new Directory({ store: oneScope, validateIdpMetadata: fakeMetadataValidator });
  await d.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'demo' });
  return { d, raw: store.directory };
}

describe('changes that span the global indexes on a one-scope (Cluster) store', () => {
  it('work in ordered phases', async () => {
    const { d, raw } = await clusterDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    const key = (await d.CreateAccessKey(ACCOUNT, { UserName: 'alice' })).AccessKey;
    expect((await d.lookupAccessKey(key.AccessKeyId))?.UserName).toBe('alice');
    await d.UpdateUser(ACCOUNT, { UserName: 'alice', NewUserName: 'alicia' });
    expect((await d.lookupAccessKey(key.AccessKeyId))?.UserName).toBe('alicia');
    await d.SetAccountAlias(ACCOUNT, { AccountAlias: 'renamed' });
    expect(await d.findAccountByDomain('renamed.onaliyun.com')).toBe(ACCOUNT);
    expect(await d.findAccountByDomain('demo.onaliyun.com')).toBeUndefined();
    await d.DeleteAccessKey(ACCOUNT, { UserName: 'alicia', UserAccessKeyId: key.AccessKeyId });
    expect(await raw.count(GLOBAL_SCOPE, 'accessKey')).toBe(0);
  });

  it('deletes the reserved global keys again when the account’s writes are refused', async () => {
    const { d, raw } = await clusterDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'bob' });
    await d.CreateAccessKey(ACCOUNT, { UserName: 'bob' });
    await d.CreateAccessKey(ACCOUNT, { UserName: 'bob' });
    expect(await codeOf(d.CreateAccessKey(ACCOUNT, { UserName: 'bob' }))).toBe(
      'LimitExceeded.User.AccessKey',
    );
    expect(await raw.count(GLOBAL_SCOPE, 'accessKey')).toBe(2);
    expect(await codeOf(d.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'fresh' }))).toBe(
      'EntityAlreadyExists.Account',
    );
    expect(await raw.get(GLOBAL_SCOPE, 'accountAlias', 'fresh')).toBeUndefined();
  });

  it('never trusts a global entry the account’s records no longer back', async () => {
    const { d } = await clusterDirectory(true);
    await d.CreateUser(ACCOUNT, { UserName: 'carol' });
    const key = (await d.CreateAccessKey(ACCOUNT, { UserName: 'carol' })).AccessKey;
    // The index update of the rename is lost: the key no longer authenticates (fail closed).
    await d.UpdateUser(ACCOUNT, { UserName: 'carol', NewUserName: 'caroline' });
    expect(await d.lookupAccessKey(key.AccessKeyId)).toBeUndefined();
    // The old alias' index entry is not deleted, yet it no longer names the account.
    await d.SetAccountAlias(ACCOUNT, { AccountAlias: 'moved' });
    expect(await d.findAccountByDomain('demo.onaliyun.com')).toBeUndefined();
    expect(await d.findAccountByDomain('moved.onaliyun.com')).toBe(ACCOUNT);
  });
});
