/**
 * `acs:MFAPresent` end to end: sessions minted by the gateway's own STS core (a RAM user's console
 * session with and without a passed MFA step), used through the official IMS and STS SDKs against
 * the real RPC API. A policy conditioned on MFA decides by the session's token alone, and an
 * AssumeRole from an MFA session passes MFA on to the role session (as AWS role chaining does).
 */
import { GetUserRequest } from '@alicloud/ims20190815';
import RPCClient from '@alicloud/pop-core';
import { AssumeRoleRequest } from '@alicloud/sts20150401';
import { describe, expect, it } from 'vitest';
import { userConsoleSession } from '../../src/core/sts/operations.js';
import { sdkError } from '../support/sdk-error.js';
import { DEMO_ACCOUNT as ACCOUNT, sdkGateway, type SdkKeys as Keys } from '../support/sdk-gateway.js';

const demo = sdkGateway();
const ims = (keys: Keys) => demo.ims(keys);
const sts = (keys: Keys) => demo.sts(keys);

async function attach(
  name: string,
  target: { UserName: string } | { RoleName: string },
  statement: object[],
) {
  const d = demo.gateway.gw.directory;
  await d.CreatePolicy(ACCOUNT, {
    PolicyName: name,
    PolicyDocument: JSON.stringify({ Version: '1', Statement: statement }),
  });
  if ('UserName' in target)
    await d.AttachPolicyToUser(ACCOUNT, { PolicyType: 'Custom', PolicyName: name, ...target });
  else await d.AttachPolicyToRole(ACCOUNT, { PolicyType: 'Custom', PolicyName: name, ...target });
}

/** A RAM user with the given policy, and two console sessions of it: one that passed MFA, one that did not. */
async function userSessions(name: string, statement: object[]) {
  const d = demo.gateway.gw.directory;
  const { DefaultDomainName } = await d.GetDefaultDomain(ACCOUNT, {});
  const { User } = await d.CreateUser(ACCOUNT, { UserPrincipalName: `${name}@${DefaultDomainName}` });
  await attach(`${name}-policy`, { UserName: name }, statement);
  const session = async (mfaPresent: boolean): Promise<Keys> => {
    const { credentials } = await userConsoleSession(
      demo.gateway.gw.sts,
      { accountId: ACCOUNT, userName: User.UserName, userId: User.UserId },
      { via: 'signin:password', mfaPresent },
      3600,
    );
    return {
      accessKeyId: credentials.AccessKeyId,
      accessKeySecret: credentials.AccessKeySecret,
      securityToken: credentials.SecurityToken,
    };
  };
  return { name, withMfa: await session(true), withoutMfa: await session(false) };
}

const getUser = (keys: Keys, userName: string) =>
  ims(keys).getUser(new GetUserRequest({ userPrincipalName: userName }));

async function outcome(keys: Keys, userName: string): Promise<string> {
  try {
    const { body } = await getUser(keys, userName);
    return body?.user?.userPrincipalName === userName ? 'ok' : 'wrong body';
  } catch (error) {
    const e = error as { code: string; statusCode: number };
    return `${e.code} ${e.statusCode}`;
  }
}

const upnOf = async (name: string) =>
  `${name}@${(await demo.gateway.gw.directory.GetDefaultDomain(ACCOUNT, {})).DefaultDomainName}`;

describe('acs:MFAPresent through the RPC API and the official SDKs', () => {
  const onMfa = (value: 'true' | 'false') => [
    {
      Effect: 'Allow',
      Action: 'ram:GetUser',
      Resource: '*',
      Condition: { Bool: { 'acs:MFAPresent': value } },
    },
  ];
  it.each([
    ['true', 'ok', 'NoPermission 403'],
    ['false', 'NoPermission 403', 'ok'],
  ] as const)(
    '"Bool": {"acs:MFAPresent": "%s"}: with MFA → %s, without → %s',
    async (value, withMfa, withoutMfa) => {
      const s = await userSessions(`mfa-${value}`, onMfa(value));
      const upn = await upnOf(s.name);
      expect(await outcome(s.withMfa, upn)).toBe(withMfa);
      expect(await outcome(s.withoutMfa, upn)).toBe(withoutMfa);
    },
  );

  it('Allow all + Deny unless MFA: the explicit Deny answers without MFA, names itself, and lifts with MFA', async () => {
    const s = await userSessions('mfa-deny', [
      { Effect: 'Allow', Action: 'ram:*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: 'ram:*',
        Resource: '*',
        Condition: { Bool: { 'acs:MFAPresent': 'false' } },
      },
    ]);
    const upn = await upnOf(s.name);
    expect(await outcome(s.withMfa, upn)).toBe('ok');
    const denied = (await sdkError(getUser(s.withoutMfa, upn))) as unknown as {
      code: string;
      data?: { AccessDeniedDetail?: { NoPermissionType?: string } };
    };
    expect(denied.code).toBe('NoPermission');
    expect(denied.data?.AccessDeniedDetail?.NoPermissionType).toBe('ExplicitDeny');
  });

  it('RamgateSimulatePrincipalPolicy defaults acs:MFAPresent to the calling session; ContextEntries may set it', async () => {
    const s = await userSessions('mfa-simulated', onMfa('true'));
    const simulate = async (keys: Keys, context?: object) => {
      const client = new RPCClient({ endpoint: demo.gateway.url, apiVersion: '2015-05-01', ...keys });
      const answer = (await client.request(
        'RamgateSimulatePrincipalPolicy',
        { ActionNames: 'ram:GetUser', ...(context ? { ContextEntries: JSON.stringify(context) } : {}) },
        { method: 'POST' },
      )) as { EvaluationResults: { EvaluationResult: Array<{ Decision: string }> } };
      return answer.EvaluationResults.EvaluationResult[0]?.Decision;
    };
    expect(await simulate(s.withMfa)).toBe('Allow');
    expect(await simulate(s.withoutMfa)).toBe('ImplicitDeny');
    expect(await simulate(s.withoutMfa, { 'acs:MFAPresent': true })).toBe('Allow');
    expect(await simulate(s.withMfa, { 'acs:MFAPresent': false })).toBe('ImplicitDeny');
  });

  it('GetCallerIdentity is the same with or without MFA', async () => {
    const s = await userSessions('mfa-identity', [{ Effect: 'Allow', Action: 'ram:*', Resource: '*' }]);
    const a = (await sts(s.withMfa).getCallerIdentity()).body;
    const b = (await sts(s.withoutMfa).getCallerIdentity()).body;
    expect({ ...a, requestId: '' }).toEqual({ ...b, requestId: '' });
    expect(a).toMatchObject({ identityType: 'RAMUser', arn: `acs:ram::${ACCOUNT}:user/mfa-identity` });
  });

  it('AssumeRole from an MFA session mints an MFA role session; from a session without MFA it does not', async () => {
    const s = await userSessions('mfa-chain', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await demo.gateway.gw.directory.CreateRole(ACCOUNT, {
      RoleName: 'mfa-reader',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
        ],
      }),
    });
    await attach('mfa-reader-policy', { RoleName: 'mfa-reader' }, onMfa('true'));
    const assume = async (keys: Keys): Promise<Keys> => {
      const { body } = await sts(keys).assumeRole(
        new AssumeRoleRequest({
          roleArn: `acs:ram::${ACCOUNT}:role/mfa-reader`,
          roleSessionName: 'chained',
        }),
      );
      return {
        accessKeyId: body?.credentials?.accessKeyId ?? '',
        accessKeySecret: body?.credentials?.accessKeySecret ?? '',
        securityToken: body?.credentials?.securityToken ?? '',
      };
    };
    const upn = await upnOf(s.name);
    expect(await outcome(await assume(s.withMfa), upn)).toBe('ok');
    expect(await outcome(await assume(s.withoutMfa), upn)).toBe('NoPermission 403');
  });
});
