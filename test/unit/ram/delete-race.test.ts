import { afterAll, describe, expect, it } from 'vitest';
import { Directory } from '../../../src/core/ram/index.js';
import type { BatchResult, DirectoryStore, DirectoryWrite } from '../../../src/core/store/index.js';
import {
  ACCOUNT,
  closeStores,
  fakeMetadataValidator,
  openStore,
  STORE_KINDS,
  TRUST_SAML,
} from './helpers.js';

afterAll(closeStores);

/**
 * A store through which one gateway instance deletes while a second instance (writing to the same
 * backend) links something to the entity just after the first one's "no dependents" check.
 */
class InterleavingStore implements DirectoryStore {
  race: { collection: string; key: string; run: () => Promise<unknown> } | undefined;
  constructor(private readonly inner: DirectoryStore) {}
  get: DirectoryStore['get'] = (...args) => this.inner.get(...args);
  list: DirectoryStore['list'] = (...args) => this.inner.list(...args);
  count: DirectoryStore['count'] = (...args) => this.inner.count(...args);
  async batch(writes: DirectoryWrite[]): Promise<BatchResult> {
    const race = this.race;
    if (
      race &&
      writes.some((w) => w.op === 'delete' && w.collection === race.collection && w.key === race.key)
    ) {
      this.race = undefined;
      await race.run();
    }
    return this.inner.batch(writes);
  }
}

async function twoInstances(kind: (typeof STORE_KINDS)[number]) {
  const store = await openStore(kind);
  const racing = new InterleavingStore(store.directory);
  const first = new Directory({ store: racing, validateIdpMetadata: fakeMetadataValidator });
  const second = new Directory({ store: store.directory, validateIdpMetadata: fakeMetadataValidator });
  await second.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'demo' });
  return { racing, first, second };
}

const policy = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

describe.each(STORE_KINDS)('a delete racing a link from another instance (%s store)', (kind) => {
  it('leaves no attachment that a re-created policy of the same name would inherit', async () => {
    const { racing, first, second } = await twoInstances(kind);
    await second.CreateUser(ACCOUNT, { UserName: 'mallory' });
    await second.CreatePolicy(ACCOUNT, { PolicyName: 'Everything', PolicyDocument: policy });
    const attach = { UserName: 'mallory', PolicyType: 'Custom', PolicyName: 'Everything' };
    racing.race = {
      collection: 'policy',
      key: 'everything',
      run: () => second.AttachPolicyToUser(ACCOUNT, attach),
    };
    await first.DeletePolicy(ACCOUNT, { PolicyName: 'Everything' });
    await second.CreatePolicy(ACCOUNT, { PolicyName: 'Everything', PolicyDocument: policy });
    expect(await second.effectivePoliciesForUser(ACCOUNT, 'mallory')).toEqual([]);
    const entities = await second.ListEntitiesForPolicy(ACCOUNT, {
      PolicyType: 'Custom',
      PolicyName: 'Everything',
    });
    expect(entities.Users.User).toEqual([]);
  });

  it('leaves no attachment or membership that a re-created role, user or group would inherit', async () => {
    const { racing, first, second } = await twoInstances(kind);
    await second.CreateRole(ACCOUNT, { RoleName: 'Ops', AssumeRolePolicyDocument: TRUST_SAML() });
    const toRole = { RoleName: 'Ops', PolicyType: 'System', PolicyName: 'AdministratorAccess' };
    racing.race = { collection: 'role', key: 'ops', run: () => second.AttachPolicyToRole(ACCOUNT, toRole) };
    await first.DeleteRole(ACCOUNT, { RoleName: 'Ops' });
    await second.CreateRole(ACCOUNT, { RoleName: 'Ops', AssumeRolePolicyDocument: TRUST_SAML() });
    expect(await second.policiesForRole(ACCOUNT, 'Ops')).toEqual([]);

    await second.CreateUser(ACCOUNT, { UserName: 'eve' });
    await second.CreateGroup(ACCOUNT, { GroupName: 'admins' });
    await second.AttachPolicyToGroup(ACCOUNT, {
      GroupName: 'admins',
      PolicyType: 'System',
      PolicyName: 'AdministratorAccess',
    });
    const join = { UserName: 'eve', GroupName: 'admins' };
    racing.race = { collection: 'user', key: 'eve', run: () => second.AddUserToGroup(ACCOUNT, join) };
    await first.DeleteUser(ACCOUNT, { UserName: 'eve' });
    await second.CreateUser(ACCOUNT, { UserName: 'eve' });
    expect(await second.effectivePoliciesForUser(ACCOUNT, 'eve')).toEqual([]);
    expect((await second.ListUsersForGroup(ACCOUNT, { GroupName: 'admins' })).Users.User).toEqual([]);
  });
});
