/**
 * GetAccountSummary, ListUserBasicInfos, GetAccessKeyLastUsed and the credential report through
 * the official IMS SDK against a running gateway: each body parses in the SDK's typed models,
 * refusals carry their code and status, and the values are the directory's.
 */
import {
  CreateUserRequest,
  GetAccessKeyLastUsedRequest,
  GetCredentialReportRequest,
  ListUserBasicInfosRequest,
} from '@alicloud/ims20190815';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_ROOT, sdkGateway, type SdkKeys as Keys } from '../support/sdk-gateway.js';
import { sdkError } from '../support/sdk-error.js';

const demo = sdkGateway();
const ACCOUNT = DEMO_ACCOUNT;
const ROOT = DEMO_ROOT;
const ims = (keys: Keys) => demo.ims(keys);

async function userWithKey(name: string, statements: object[] = []): Promise<Keys> {
  const d = demo.gateway.gw.directory;
  await ims(ROOT).createUser(
    new CreateUserRequest({ userPrincipalName: `${name}@${demo.domain}`, displayName: name }),
  );
  if (statements.length > 0) {
    await d.CreatePolicy(ACCOUNT, {
      PolicyName: `${name}-policy`,
      PolicyDocument: JSON.stringify({ Version: '1', Statement: statements }),
    });
    await d.AttachPolicyToUser(ACCOUNT, {
      PolicyType: 'Custom',
      PolicyName: `${name}-policy`,
      UserName: name,
    });
  }
  const { AccessKey } = await d.CreateAccessKey(ACCOUNT, { UserName: name });
  return { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret };
}

describe('IMS SDK: GetAccountSummary', () => {
  it('counts the entities and gives the limits table’s quotas', async () => {
    const d = demo.gateway.gw.directory;
    const before = (await ims(ROOT).getAccountSummary()).body?.summaryMap;
    expect(before).toMatchObject({
      usersQuota: 1000,
      groupsQuota: 50,
      rolesQuota: 1000,
      policiesQuota: 1500,
      attachedPoliciesPerUserQuota: 10,
      attachedSystemPoliciesPerUserQuota: 20,
      attachedPoliciesPerGroupQuota: 5,
      groupsPerUserQuota: 5,
      accessKeysPerUserQuota: 2,
      versionsPerPolicyQuota: 5,
      policySizeQuota: 6144,
      virtualMFADevicesQuota: 1000,
    });
    const users = (await d.ListUsers(ACCOUNT, { MaxItems: '1000' })).Users.User.length;
    expect(before?.users).toBe(users);
    await d.CreateUser(ACCOUNT, { UserName: 'summary-new' });
    await d.CreateVirtualMFADevice(ACCOUNT, { VirtualMFADeviceName: 'summary-device' });
    const after = (await ims(ROOT).getAccountSummary()).body?.summaryMap;
    expect(after?.users).toBe(users + 1);
    expect(after?.MFADevices).toBe((before?.MFADevices ?? 0) + 1);
    expect(after?.MFADevicesInUse).toBe(before?.MFADevicesInUse);
  });

  it('needs ram:GetAccountSummary', async () => {
    const keys = await userWithKey('summary-nobody');
    const e = await sdkError(ims(keys).getAccountSummary());
    expect([e.code, e.statusCode]).toEqual(['NoPermission', 403]);
  });
});

describe('IMS SDK: ListUserBasicInfos', () => {
  it('pages with Marker/MaxItems and gives UserId, UserPrincipalName, DisplayName', async () => {
    for (const n of ['basic-a', 'basic-b', 'basic-c'])
      await ims(ROOT).createUser(
        new CreateUserRequest({ userPrincipalName: `${n}@${demo.domain}`, displayName: `D ${n}` }),
      );
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await ims(ROOT).listUserBasicInfos(new ListUserBasicInfosRequest({ maxItems: 2, marker }));
      const infos = page.body?.userBasicInfos?.userBasicInfo ?? [];
      expect(infos.length).toBeLessThanOrEqual(2);
      for (const info of infos) {
        expect(info.userId).toMatch(/^\d{16}$/);
        seen.push(`${info.userPrincipalName}|${info.displayName}`);
      }
      marker = page.body?.isTruncated ? page.body.marker : undefined;
    } while (marker);
    expect(seen).toContain(`basic-b@${demo.domain}|D basic-b`);
    expect(new Set(seen).size).toBe(seen.length);
    const frozen = await ims(ROOT).listUserBasicInfos(new ListUserBasicInfosRequest({ status: 'freeze' }));
    expect(frozen.body?.userBasicInfos?.userBasicInfo ?? []).toEqual([]);
    const bad = await sdkError(
      ims(ROOT).listUserBasicInfos(new ListUserBasicInfosRequest({ maxItems: 1001 })),
    );
    expect([bad.code, bad.statusCode]).toEqual(['InvalidParameter.MaxItems', 400]);
  });
});

describe('IMS SDK: GetAccessKeyLastUsed', () => {
  it('is recorded when the key signs a request; nothing before; EntityNotExist for a key of another', async () => {
    const keys = await userWithKey('lastused', [
      { Effect: 'Allow', Action: 'ram:GetAccessKeyLastUsed', Resource: `acs:ram:*:${ACCOUNT}:user/lastused` },
    ]);
    const upn = `lastused@${demo.domain}`;
    const never = await ims(ROOT).getAccessKeyLastUsed(
      new GetAccessKeyLastUsedRequest({ userPrincipalName: upn, userAccessKeyId: keys.accessKeyId }),
    );
    expect(never.body?.accessKeyLastUsed?.lastUsedDate).toBeUndefined();
    const before = Date.now() - 1000;
    // The key's own call (its own key, no user named) is its first use.
    const own = await ims(keys).getAccessKeyLastUsed(
      new GetAccessKeyLastUsedRequest({ userAccessKeyId: keys.accessKeyId }),
    );
    const used = own.body?.accessKeyLastUsed;
    expect(used?.lastUsedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(used?.lastUsedDate ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(used?.serviceName).toBe('Ims');
    const other = await sdkError(
      ims(ROOT).getAccessKeyLastUsed(
        new GetAccessKeyLastUsedRequest({ userPrincipalName: upn, userAccessKeyId: ROOT.accessKeyId }),
      ),
    );
    expect([other.code, other.statusCode]).toEqual(['EntityNotExist.AccessKey', 404]);
    const missing = await sdkError(ims(ROOT).getAccessKeyLastUsed(new GetAccessKeyLastUsedRequest({})));
    expect([missing.code, missing.statusCode]).toEqual(['MissingParameter', 400]);
    const denied = await sdkError(
      ims(keys).getAccessKeyLastUsed(
        new GetAccessKeyLastUsedRequest({
          userPrincipalName: `basic-a@${demo.domain}`,
          userAccessKeyId: keys.accessKeyId,
        }),
      ),
    );
    expect([denied.code, denied.statusCode]).toEqual(['NoPermission', 403]);
  });
});

describe('IMS SDK: the credential report', () => {
  it('is generated once per four hours; its CSV has IMS’s columns; pages by rows', async () => {
    const missing = await sdkError(ims(ROOT).getCredentialReport(new GetCredentialReportRequest({})));
    expect([missing.code, missing.statusCode]).toEqual(['EntityNotExist.CredentialReport', 404]);
    const d = demo.gateway.gw.directory;
    await d.CreateUser(ACCOUNT, { UserName: 'report-user' });
    await d.CreateLoginProfile(ACCOUNT, { UserName: 'report-user', Password: 'Report-pass-1' });
    const { AccessKey } = await d.CreateAccessKey(ACCOUNT, { UserName: 'report-user' });
    expect((await ims(ROOT).generateCredentialReport()).body?.state).toBe('STARTED');
    expect((await ims(ROOT).generateCredentialReport()).body?.state).toBe('COMPLETED');
    const got = await ims(ROOT).getCredentialReport(new GetCredentialReportRequest({}));
    expect(got.body?.generatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(got.body?.isTruncated).toBe('false');
    const lines = Buffer.from(got.body?.content ?? '', 'base64')
      .toString('utf8')
      .trim()
      .split('\n');
    const header = (lines[0] ?? '').split(',');
    expect(header.slice(0, 12).join(',')).toBe(
      'user,user_creation_time,user_last_logon,password_exist,password_active,password_last_changed,' +
        'password_next_rotation,mfa_active,access_key_1_exist,access_key_1_active,access_key_1_last_rotated,' +
        'access_key_1_last_used',
    );
    expect(header).toContain('additional_access_key_3_last_used');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    expect(rows[0]?.user).toBe('<root>');
    expect(rows[0]?.access_key_1_exist).toBe('TRUE');
    const mine = rows.find((r) => r.user === `report-user@${demo.domain}`);
    expect(mine).toMatchObject({
      password_exist: 'TRUE',
      password_active: 'TRUE',
      mfa_active: 'FALSE',
      access_key_1_exist: 'TRUE',
      access_key_1_active: 'TRUE',
      access_key_1_last_rotated: AccessKey.CreateDate,
      access_key_1_last_used: 'N/A',
      access_key_2_exist: 'FALSE',
    });
    // The root row's key was used by this very test: its last use is in the report.
    expect(rows[0]?.access_key_1_last_used).toMatch(/^\d{4}-/);

    const first = await ims(ROOT).getCredentialReport(new GetCredentialReportRequest({ maxItems: '1' }));
    expect(first.body?.isTruncated).toBe('true');
    const second = await ims(ROOT).getCredentialReport(
      new GetCredentialReportRequest({ maxItems: '1', nextToken: first.body?.nextToken }),
    );
    const secondLines = Buffer.from(second.body?.content ?? '', 'base64')
      .toString('utf8')
      .trim()
      .split('\n');
    expect(secondLines).toEqual([lines[0], lines[2]]);
    const bad = await sdkError(
      ims(ROOT).getCredentialReport(new GetCredentialReportRequest({ nextToken: '99999' })),
    );
    expect([bad.code, bad.statusCode]).toEqual(['InvalidParameter.NextToken', 400]);
  });
});
