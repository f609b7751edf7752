/**
 * The attacks of issue 13 against `serve --demo`, each by a test named for it, through the
 * official SDKs (pop-core signs every request as Alibaba's SDKs do; @alicloud/ims20190815 for the
 * error shape). A narrow RAM user allowed on X tries to reach Y by aliases, stray parameters,
 * letter case, ARN forms and by credentials that outlive the principal they were minted for.
 */
import RPCClient from '@alicloud/pop-core';
import * as OpenApi from '@alicloud/openapi-client';
import Ims, { GetUserRequest } from '@alicloud/ims20190815';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { WebSession, demoIdpResponse, textOfId } from '../support/gateway-client.js';

const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;
const ACCOUNT = '1234567890123456';
const ROOT = { accessKeyId: 'LTAIdemo0000000000000001', accessKeySecret: 'demoSecretDoNotUseInProduction' };
type Keys = { accessKeyId: string; accessKeySecret: string; securityToken?: string };
type Params = Record<string, string>;

let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await gateway?.close();
});

const client = (version: '2015-05-01' | '2019-08-15' | '2015-04-01', keys: Keys = ROOT) =>
  new RPCClient({ endpoint: gateway.url, apiVersion: version, ...keys });
const ram = (keys?: Keys) => client('2015-05-01', keys);
const ims = (keys?: Keys) => client('2019-08-15', keys);

async function call(c: RPCClient, action: string, params: Params = {}): Promise<Record<string, unknown>> {
  return (await c.request(action, params, { method: 'POST' })) as Record<string, unknown>;
}

/** The error code of a refused call (the call must be refused). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
  throw new Error('the call was not refused');
}

let serial = 0;
/** A RAM user with one custom policy and an AccessKey: the attacker. */
async function narrowUser(statements: unknown[]): Promise<{ name: string; keys: Keys }> {
  const name = `mallory${++serial}`;
  await call(ram(), 'CreateUser', { UserName: name });
  await call(ram(), 'CreatePolicy', {
    PolicyName: `${name}-policy`,
    PolicyDocument: JSON.stringify({ Version: '1', Statement: statements }),
  });
  await call(ram(), 'AttachPolicyToUser', {
    PolicyType: 'Custom',
    PolicyName: `${name}-policy`,
    UserName: name,
  });
  const { AccessKey } = (await call(ram(), 'CreateAccessKey', { UserName: name })) as {
    AccessKey: { AccessKeyId: string; AccessKeySecret: string };
  };
  return { name, keys: { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret } };
}

const arn = (relative: string) => `acs:ram::${ACCOUNT}:${relative}`;
/** A resource in both region forms Alibaba's pages write (the empty region and `*`). */
const both = (...relatives: string[]) =>
  relatives.flatMap((r) => [`acs:ram::${ACCOUNT}:${r}`, `acs:ram:*:${ACCOUNT}:${r}`]);
const allow = (action: string | string[], resource: string | string[]) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});
const deny = (action: string | string[], resource: string | string[]) => ({
  Effect: 'Deny',
  Action: action,
  Resource: resource,
});

async function accessKeysOf(userName: string): Promise<string[]> {
  const body = (await call(ram(), 'ListAccessKeys', { UserName: userName })) as {
    AccessKeys: { AccessKey: Array<{ AccessKeyId: string }> };
  };
  return body.AccessKeys.AccessKey.map((k) => k.AccessKeyId).sort();
}

async function policiesOf(kind: 'User' | 'Group' | 'Role', name: string): Promise<string[]> {
  const body = (await call(ram(), `ListPoliciesFor${kind}`, { [`${kind}Name`]: name })) as {
    Policies: { Policy: Array<{ PolicyName: string }> };
  };
  return body.Policies.Policy.map((p) => p.PolicyName).sort();
}

async function groupsOf(userName: string): Promise<string[]> {
  const body = (await call(ram(), 'ListGroupsForUser', { UserName: userName })) as {
    Groups: { Group: Array<{ GroupName: string }> };
  };
  return body.Groups.Group.map((g) => g.GroupName).sort();
}

describe('alias parameters cannot choose a different target than the one authorized', () => {
  it('CreateAccessKey with UserName=<self> and UserPrincipalName=alice@… is refused and alice gets no key', async () => {
    const m = await narrowUser([allow('ram:CreateAccessKey', both(`user/mallory${serial + 1}`))]);
    const before = await accessKeysOf('alice');
    for (const c of [ram(m.keys), ims(m.keys)])
      expect(
        await codeOf(
          call(c, 'CreateAccessKey', { UserName: m.name, UserPrincipalName: 'alice@demo.onaliyun.com' }),
        ),
      ).toBe('InvalidParameter');
    expect(
      await codeOf(call(ims(m.keys), 'CreateAccessKey', { UserPrincipalName: 'alice@demo.onaliyun.com' })),
    ).toBe('NoPermission');
    expect(await accessKeysOf('alice')).toEqual(before);
    // The honest form still works: the caller's own key, by name, by UPN, or by no name at all.
    await call(ims(m.keys), 'CreateAccessKey', { UserPrincipalName: `${m.name}@demo.onaliyun.com` });
    expect((await accessKeysOf(m.name)).length).toBe(2);
  });

  it('GetUser and ListAccessKeys leak nothing of alice through UserPrincipalName', async () => {
    const m = await narrowUser([
      allow(['ram:GetUser', 'ram:ListAccessKeys'], arn(`user/mallory${serial + 1}`)),
    ]);
    for (const action of ['GetUser', 'ListAccessKeys']) {
      expect(
        await codeOf(
          call(ims(m.keys), action, { UserName: m.name, UserPrincipalName: 'alice@demo.onaliyun.com' }),
        ),
      ).toBe('InvalidParameter');
      expect(await codeOf(call(ims(m.keys), action, { UserPrincipalName: 'ALICE@demo.onaliyun.com' }))).toBe(
        'NoPermission',
      );
    }
    const own = (await call(ims(m.keys), 'GetUser', {
      UserPrincipalName: `${m.name}@demo.onaliyun.com`,
    })) as {
      User: { UserName: string };
    };
    expect(own.User.UserName).toBe(m.name);
  });
});

describe('an unrelated parameter cannot choose the authorized resource; every resource is checked', () => {
  it('AttachPolicyToUser AdministratorAccess to self with a stray RoleName=dev-x is refused', async () => {
    const m = await narrowUser([allow('ram:*', both('role/dev-*'))]);
    expect(
      await codeOf(
        call(ram(m.keys), 'AttachPolicyToUser', {
          PolicyType: 'System',
          PolicyName: 'AdministratorAccess',
          UserName: m.name,
          RoleName: 'dev-x',
        }),
      ),
    ).toBe('NoPermission');
    expect(await policiesOf('User', m.name)).toEqual([`${m.name}-policy`]);
  });

  it('CreateAccessKey UserName=alice and AddUserToGroup GroupName=admins with RoleName=dev-x are refused', async () => {
    const m = await narrowUser([allow('ram:*', both('role/dev-*'))]);
    const keys = await accessKeysOf('alice');
    expect(await codeOf(call(ram(m.keys), 'CreateAccessKey', { UserName: 'alice', RoleName: 'dev-x' }))).toBe(
      'NoPermission',
    );
    expect(
      await codeOf(
        call(ram(m.keys), 'AddUserToGroup', { GroupName: 'admins', UserName: m.name, RoleName: 'dev-x' }),
      ),
    ).toBe('NoPermission');
    expect(await accessKeysOf('alice')).toEqual(keys);
    expect(await groupsOf(m.name)).toEqual([]);
  });

  it('AddUserToGroup is authorized on the group too: a Deny on group/admins is evaluated', async () => {
    const m = await narrowUser([allow('ram:*', '*'), deny('ram:*', both('group/admins'))]);
    expect(await codeOf(call(ram(m.keys), 'AddUserToGroup', { GroupName: 'admins', UserName: m.name }))).toBe(
      'NoPermission',
    );
    expect(await groupsOf(m.name)).toEqual([]);
    await call(ram(m.keys), 'AddUserToGroup', { GroupName: 'readers', UserName: m.name });
    expect(await groupsOf(m.name)).toEqual(['readers']);
    await call(ram(), 'RemoveUserFromGroup', { GroupName: 'readers', UserName: m.name });
  });

  it('AttachPolicyToUser is authorized on the user too: allowed on every policy, not on alice', async () => {
    const m = await narrowUser([
      allow('ram:AttachPolicyToUser', both('policy/*', `user/mallory${serial + 1}`)),
    ]);
    const before = await policiesOf('User', 'alice');
    expect(
      await codeOf(
        call(ram(m.keys), 'AttachPolicyToUser', {
          PolicyType: 'Custom',
          PolicyName: 'DemoEcsReadOnly',
          UserName: 'alice',
        }),
      ),
    ).toBe('NoPermission');
    expect(await policiesOf('User', 'alice')).toEqual(before);
  });
});

describe('Deny is not bypassed by changing a name’s case', () => {
  const denied = [
    arn('user/alice'),
    arn('role/Admin'),
    arn('policy/AdministratorAccess'),
    arn('group/admins'),
  ];

  it('CreateAccessKey ALICE, UpdateRole admin, AttachPolicyToUser administratoraccess, AddUserToGroup ADMINS are refused', async () => {
    const m = await narrowUser([allow('ram:*', '*'), deny('ram:*', denied)]);
    const keys = await accessKeysOf('alice');
    expect(await codeOf(call(ram(m.keys), 'CreateAccessKey', { UserName: 'ALICE' }))).toBe('NoPermission');
    expect(
      await codeOf(call(ram(m.keys), 'UpdateRole', { RoleName: 'admin', NewDescription: 'pwned' })),
    ).toBe('NoPermission');
    expect(
      await codeOf(
        call(ram(m.keys), 'AttachPolicyToUser', {
          PolicyType: 'System',
          PolicyName: 'administratoraccess',
          UserName: m.name,
        }),
      ),
    ).toBe('NoPermission');
    expect(await codeOf(call(ram(m.keys), 'AddUserToGroup', { GroupName: 'ADMINS', UserName: m.name }))).toBe(
      'NoPermission',
    );
    expect(await accessKeysOf('alice')).toEqual(keys);
    expect(await policiesOf('User', m.name)).toEqual([`${m.name}-policy`]);
    expect(await groupsOf(m.name)).toEqual([]);
    const role = (await call(ram(), 'GetRole', { RoleName: 'Admin' })) as { Role: { Description: string } };
    expect(role.Role.Description).not.toBe('pwned');
  });

  it('a Deny written in another case than the stored name refuses too', async () => {
    const m = await narrowUser([allow('ram:*', '*'), deny('ram:GetUser', both('user/ALICE'))]);
    expect(await codeOf(call(ram(m.keys), 'GetUser', { UserName: 'alice' }))).toBe('NoPermission');
    await call(ram(m.keys), 'GetUser', { UserName: 'bob' });
  });
});

describe('both resource ARN region forms match', () => {
  it('a policy on acs:ram::<acct>:role/Admin and one on acs:ram:*:<acct>:role/ReadOnly both allow', async () => {
    const m = await narrowUser([
      allow('ram:GetRole', `acs:ram::${ACCOUNT}:role/Admin`),
      allow('ram:GetRole', `acs:ram:*:${ACCOUNT}:role/ReadOnly`),
    ]);
    for (const RoleName of ['Admin', 'readonly'])
      expect(
        ((await call(ram(m.keys), 'GetRole', { RoleName })) as { Role: { RoleName: string } }).Role,
      ).toBeDefined();
    await call(ram(), 'CreateRole', {
      RoleName: 'dev-x',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
        ],
      }),
    });
    expect(await codeOf(call(ram(m.keys), 'GetRole', { RoleName: 'dev-x' }))).toBe('NoPermission');
    // A region that is neither empty nor * names another region: it does not match RAM's global resources.
    const n = await narrowUser([allow('ram:GetRole', `acs:ram:cn-hangzhou:${ACCOUNT}:role/Admin`)]);
    expect(await codeOf(call(ram(n.keys), 'GetRole', { RoleName: 'Admin' }))).toBe('NoPermission');
  });
});

describe('temporary credentials are bound to identities, not names', () => {
  const trustRoot = JSON.stringify({
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
    ],
  });

  it('sessions of a deleted role do not act as the new role of the same name', async () => {
    const m = await narrowUser([allow('sts:AssumeRole', '*')]);
    await call(ram(), 'CreateRole', { RoleName: 'Ops', AssumeRolePolicyDocument: trustRoot });
    const { Credentials } = (await call(client('2015-04-01', m.keys), 'AssumeRole', {
      RoleArn: arn('role/Ops'),
      RoleSessionName: 'old-session',
    })) as { Credentials: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string } };
    const old: Keys = {
      accessKeyId: Credentials.AccessKeyId,
      accessKeySecret: Credentials.AccessKeySecret,
      securityToken: Credentials.SecurityToken,
    };
    await call(client('2015-04-01', old), 'GetCallerIdentity');
    await call(ram(), 'DeleteRole', { RoleName: 'Ops' });
    await call(ram(), 'CreateRole', { RoleName: 'ops', AssumeRolePolicyDocument: trustRoot });
    await call(ram(), 'AttachPolicyToRole', {
      PolicyType: 'System',
      PolicyName: 'AdministratorAccess',
      RoleName: 'ops',
    });
    expect(await codeOf(call(client('2015-04-01', old), 'GetCallerIdentity'))).toBe(
      'InvalidSecurityToken.Expired',
    );
    expect(await codeOf(call(ram(old), 'ListUsers'))).toBe('InvalidSecurityToken.Expired');
  });

  it('a deleted RAM user’s user-SSO session fails GetCallerIdentity and its console shows no credentials', async () => {
    const { browser, keys } = await userSsoSession('bob');
    await call(client('2015-04-01', keys), 'GetCallerIdentity');
    await call(ram(), 'RemoveUserFromGroup', { GroupName: 'readers', UserName: 'bob' });
    await call(ram(), 'DetachPolicyFromUser', {
      PolicyType: 'Custom',
      PolicyName: 'DemoEcsReadOnly',
      UserName: 'bob',
    });
    await call(ram(), 'DeleteUser', { UserName: 'bob' });
    expect(await codeOf(call(client('2015-04-01', keys), 'GetCallerIdentity'))).toBe(
      'InvalidSecurityToken.Expired',
    );
    const page = await browser.request(`${gateway.url}/console`);
    expect(page.html).not.toContain(keys.accessKeySecret);
    expect(textOfId(page.html, 'access-key-id')).toBeUndefined();
    // Re-created under the same name: a new identity, the old session stays refused.
    await call(ram(), 'CreateUser', { UserName: 'bob' });
    expect(await codeOf(call(client('2015-04-01', keys), 'GetCallerIdentity'))).toBe(
      'InvalidSecurityToken.Expired',
    );
  });

  it('RevokeUserSessions ends a user’s sessions; a new sign-in works', async () => {
    const first = await userSsoSession('alice');
    const revoked = (await call(ram(), 'RevokeUserSessions', { UserName: 'ALICE' })) as Record<
      string,
      string
    >;
    expect(revoked).toMatchObject({ UserName: 'alice', Arn: arn('user/alice') });
    expect(await codeOf(call(client('2015-04-01', first.keys), 'GetCallerIdentity'))).toBe(
      'InvalidSecurityToken.Revoked',
    );
    await new Promise((r) => setTimeout(r, 1100)); // watermarks have second precision
    const second = await userSsoSession('alice');
    await call(client('2015-04-01', second.keys), 'GetCallerIdentity');
  });
});

/** User-based SSO through the demo IdP: the console's temporary credentials of the RAM user. */
async function userSsoSession(name: 'alice' | 'bob'): Promise<{ browser: WebSession; keys: Keys }> {
  const browser = new WebSession();
  const { acsUrl, samlResponse } = await demoIdpResponse(gateway.url, name, 'user');
  expect((await browser.request(acsUrl, { SAMLResponse: samlResponse })).status).toBe(303);
  const page = await browser.request(`${gateway.url}/console`);
  return {
    browser,
    keys: {
      accessKeyId: textOfId(page.html, 'access-key-id') ?? '',
      accessKeySecret: textOfId(page.html, 'access-key-secret') ?? '',
      securityToken: textOfId(page.html, 'security-token') ?? '',
    },
  };
}

describe('Alibaba rules', () => {
  it('the root account’s AccessKey cannot call AssumeRole, even on a role that trusts the account', async () => {
    await call(ram(), 'CreateRole', {
      RoleName: 'root-trusted',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
        ],
      }),
    });
    let error: { code?: string; message?: string } = {};
    try {
      await call(client('2015-04-01'), 'AssumeRole', {
        RoleArn: arn('role/root-trusted'),
        RoleSessionName: 'root1',
      });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('NoPermission');
    expect(error.message).toMatch(/Roles may not be assumed by root accounts/);
  });

  it('a trust policy trusting a SAML provider without saml:recipient is refused', async () => {
    const trust = {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Federated: [arn('saml-provider/demo-idp')] },
        },
      ],
    };
    expect(
      await codeOf(
        call(ram(), 'CreateRole', {
          RoleName: 'no-recipient',
          AssumeRolePolicyDocument: JSON.stringify(trust),
        }),
      ),
    ).toBe('InvalidParameter.PolicyGrammar');
    expect(
      await codeOf(
        call(ram(), 'UpdateRole', { RoleName: 'Admin', NewAssumeRolePolicyDocument: JSON.stringify(trust) }),
      ),
    ).toBe('InvalidParameter.PolicyGrammar');
  });

  it('a user takes at most 10 custom policies', async () => {
    await call(ram(), 'CreateUser', { UserName: 'erin' });
    for (let i = 0; i < 11; i++)
      await call(ram(), 'CreatePolicy', {
        PolicyName: `erin-${i}`,
        PolicyDocument: JSON.stringify({ Version: '1', Statement: [allow('ecs:Describe*', '*')] }),
      });
    for (let i = 0; i < 10; i++)
      await call(ram(), 'AttachPolicyToUser', {
        PolicyType: 'Custom',
        PolicyName: `erin-${i}`,
        UserName: 'erin',
      });
    expect(
      await codeOf(
        call(ram(), 'AttachPolicyToUser', { PolicyType: 'Custom', PolicyName: 'erin-10', UserName: 'erin' }),
      ),
    ).toBe('LimitExceeded.Attachment');
  });

  it('IMS CreateUser needs a DisplayName of 1 to 24 characters', async () => {
    expect(await codeOf(call(ims(), 'CreateUser', { UserPrincipalName: 'frank@demo.onaliyun.com' }))).toBe(
      'MissingParameter',
    );
    expect(
      await codeOf(
        call(ims(), 'CreateUser', {
          UserPrincipalName: 'frank@demo.onaliyun.com',
          DisplayName: 'x'.repeat(25),
        }),
      ),
    ).toBe('InvalidParameter.DisplayName');
    await call(ims(), 'CreateUser', {
      UserPrincipalName: 'frank@demo.onaliyun.com',
      DisplayName: 'x'.repeat(24),
    });
  });
});

describe('a refused call says what was denied', () => {
  it('NoPermission carries AccessDeniedDetail, readable through the official IMS SDK', async () => {
    const m = await narrowUser([allow('ram:GetUser', arn(`user/mallory${serial + 1}`))]);
    const sdk = new ImsClient(
      new OpenApi.Config({ endpoint: gateway.url.replace('http://', ''), protocol: 'http', ...m.keys }),
    );
    let error: { code?: string; data?: Record<string, unknown>; accessDeniedDetail?: unknown } = {};
    try {
      await sdk.getUser(new GetUserRequest({ userPrincipalName: 'alice@demo.onaliyun.com' }));
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('NoPermission');
    const detail = (error.data?.AccessDeniedDetail ?? error.accessDeniedDetail) as Record<string, string>;
    expect(detail).toMatchObject({
      AuthAction: 'ram:GetUser',
      AuthPrincipalType: 'SubUser',
      AuthPrincipalOwnerId: ACCOUNT,
      AuthPrincipalDisplayName: m.name,
      PolicyType: 'AccountLevelIdentityBasedPolicy',
      NoPermissionType: 'ImplicitDeny',
    });
    expect(detail.EncodedDiagnosticMessage).toMatch(
      /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    );
    // Sealed: the caller reads no policy text from it.
    expect(Buffer.from(detail.EncodedDiagnosticMessage ?? '', 'base64url').toString('latin1')).not.toContain(
      'GetUser',
    );
  });
});
