import { afterAll, describe, expect, it } from 'vitest';
import { AccessKeyUsageRecorder, Directory } from '../../../src/core/ram/index.js';
import type { DirectoryWrite } from '../../../src/core/store/index.js';
import { ACCOUNT, closeStores, codeOf, fakeMetadataValidator, openStore, STORE_KINDS } from './helpers.js';

afterAll(closeStores);

/** A directory on a fresh store of `kind` with a settable clock, plus a count of directory batches. */
async function world(kind: (typeof STORE_KINDS)[number]) {
  const store = await openStore(kind);
  const clock = { ms: Date.parse('2026-12-07T10:00:00Z') };
  const batches: DirectoryWrite[][] = [];
  const batch = store.directory.batch.bind(store.directory);
  store.directory.batch = (writes) => (batches.push(writes), batch(writes));
  const d = new Directory({
    store: store.directory,
    validateIdpMetadata: fakeMetadataValidator,
    now: () => new Date(clock.ms),
  });
  await d.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'demo' });
  return { store, d, clock, batches };
}

describe.each(STORE_KINDS)('AccessKey last use on the %s store', (kind) => {
  it('writes at most once a minute per key, across instances; is removed with its key', async () => {
    const { store, d, clock, batches } = await world(kind);
    await d.CreateUser(ACCOUNT, { UserName: 'u' });
    const key = (await d.CreateAccessKey(ACCOUNT, { UserName: 'u' })).AccessKey.AccessKeyId;
    const one = new AccessKeyUsageRecorder(store, () => clock.ms);
    const two = new AccessKeyUsageRecorder(store, () => clock.ms);
    batches.length = 0;
    for (let i = 0; i < 5; i++) await one.record(ACCOUNT, key, 'Ims');
    await two.record(ACCOUNT, key, 'Ram');
    expect(batches).toHaveLength(1);
    const first = await d.GetAccessKeyLastUsed(ACCOUNT, { UserName: 'u', UserAccessKeyId: key });
    expect(first.AccessKeyLastUsed).toEqual({ LastUsedDate: '2026-12-07T10:00:00Z', ServiceName: 'Ims' });
    await d.DeleteAccessKey(ACCOUNT, { UserName: 'u', UserAccessKeyId: key });
    expect(await store.directory.get(ACCOUNT, 'accessKeyUsage', key)).toBeUndefined();
    expect(await codeOf(d.GetAccessKeyLastUsed(ACCOUNT, { UserName: 'u', UserAccessKeyId: key }))).toBe(
      'EntityNotExist.AccessKey',
    );
  });
});

describe.each(STORE_KINDS)('the credential report on the %s store', (kind) => {
  it('is made again only after four hours, and pages by rows with the header on each page', async () => {
    const { d, clock } = await world(kind);
    expect(await codeOf(d.GetCredentialReport(ACCOUNT, {}))).toBe('EntityNotExist.CredentialReport');
    await d.CreateUser(ACCOUNT, { UserName: 'first' });
    expect(await d.GenerateCredentialReport(ACCOUNT)).toEqual({ State: 'STARTED' });
    await d.CreateUser(ACCOUNT, { UserName: 'second' });
    clock.ms += 4 * 3600_000 - 1000;
    expect(await d.GenerateCredentialReport(ACCOUNT)).toEqual({ State: 'COMPLETED' });
    const csv = (r: { Content: string }) => Buffer.from(r.Content, 'base64').toString('utf8');
    expect(csv(await d.GetCredentialReport(ACCOUNT, {}))).not.toContain('second@');
    clock.ms += 2000;
    expect(await d.GenerateCredentialReport(ACCOUNT)).toEqual({ State: 'STARTED' });
    const all = await d.GetCredentialReport(ACCOUNT, {});
    expect(all.GeneratedTime).toBe(new Date(clock.ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(csv(all).trim().split('\n')).toHaveLength(4);
    const page = await d.GetCredentialReport(ACCOUNT, { MaxItems: '2', NextToken: '2' });
    expect(page.IsTruncated).toBe('false');
    expect(csv(page).trim().split('\n')).toEqual([csv(all).split('\n')[0], csv(all).split('\n')[3]]);
    for (const [params, code] of [
      [{ MaxItems: '0' }, 'InvalidParameter.MaxItems'],
      [{ MaxItems: '3502' }, 'InvalidParameter.MaxItems'],
      [{ NextToken: '0' }, 'InvalidParameter.NextToken'],
      [{ NextToken: '3' }, 'InvalidParameter.NextToken'],
      [{ NextToken: '-1' }, 'InvalidParameter.NextToken'],
      [{ NextToken: 'abc' }, 'InvalidParameter.NextToken'],
    ] as const)
      expect([params, await codeOf(d.GetCredentialReport(ACCOUNT, params))]).toEqual([params, code]);
  });
});

describe('the account summary and basic user infos', () => {
  it('count only the MFA devices whose binding holds; Status is validated', async () => {
    const { d } = await world('memory');
    await d.CreateUser(ACCOUNT, { UserName: 'm' });
    await d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: 'dev' });
    expect((await d.GetAccountSummary(ACCOUNT)).SummaryMap).toMatchObject({
      Users: 1,
      MFADevices: 1,
      MFADevicesInUse: 0,
    });
    expect(await codeOf(d.ListUserBasicInfos(ACCOUNT, { Status: 'gone' }))).toBe('InvalidParameter.Status');
    const listed = await d.ListUserBasicInfos(ACCOUNT, { Status: 'active,freeze' });
    expect(listed.UserBasicInfos.UserBasicInfo).toEqual([
      expect.objectContaining({
        UserPrincipalName: 'm@demo.onaliyun.com',
        DisplayName: 'm',
        Status: 'active',
      }),
    ]);
    expect(await codeOf(d.GetAccountSummary('9999999999999999'))).toBe('EntityNotExist.Account');
  });
});
