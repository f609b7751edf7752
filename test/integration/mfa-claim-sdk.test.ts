/**
 * `acs:MFAPresent` end to end: sessions minted by the gateway's own STS core (a RAM user's console
 * session with and without a passed MFA step), used through the official IMS and STS SDKs against
 * the real RPC API. A policy conditioned on MFA decides by the session's token alone, and an
 * AssumeRole from an MFA session passes MFA on to the role session (as AWS role chaining does).
 */
import Ims, { GetUserRequest } from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import Sts, { AssumeRoleRequest } from '@alicloud/sts20150401';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { userConsoleSession } from '../../src/core/sts/operations.js';
import { sdkError } from '../support/sdk-error.js';

const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;
const ACCOUNT = '1234567890123456';
type Keys = { accessKeyId: string; accessKeySecret: string; securityToken?: string };

let gateway: RunningGateway;
let endpoint: string;

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
  endpoint = new URL(gateway.url).host;
});
afterAll(() => gateway?.close());

const config = (keys: Keys) => new OpenApi.$OpenApiUtil.Config({ endpoint, protocol: 'http', ...keys });
const ims = (keys: Keys) => new ImsClient(config(keys));
const sts = (keys: Keys) => new StsClient(config(keys));

async function attach(
  name: string,
  target: { UserName: string } | { RoleName: string },
  statement: object[],
) {
  const d = gateway.gw.directory;
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
  const d = gateway.gw.directory;
  const { DefaultDomainName } = await d.GetDefaultDomain(ACCOUNT, {});
  const { User } = await d.CreateUser(ACCOUNT, { UserPrincipalName: `${name}@${DefaultDomainName}` });
  await attach(`${name}-policy`, { UserName: name }, statement);
  const session = async (mfaPresent: boolean): Promise<Keys> => {
    const { credentials } = await userConsoleSession(
      gateway.gw.sts,
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
  `${name}@${(await gateway.gw.directory.GetDefaultDomain(ACCOUNT, {})).DefaultDomainName}`;

describe('acs:MFAPresent through the RPC API and the official SDKs', () => {
  it('"Bool": {"acs:MFAPresent": "true"} allows the session that passed MFA and denies the one that did not', async () => {
    const s = await userSessions('mfa-true', [
      {
        Effect: 'Allow',
        Action: 'ram:GetUser',
        Resource: '*',
        Condition: { Bool: { 'acs:MFAPresent': 'true' } },
      },
    ]);
    const upn = await upnOf(s.name);
    expect(await outcome(s.withMfa, upn)).toBe('ok');
    expect(await outcome(s.withoutMfa, upn)).toBe('NoPermission 403');
  });

  it('"Bool": {"acs:MFAPresent": "false"} is the inverse', async () => {
    const s = await userSessions('mfa-false', [
      {
        Effect: 'Allow',
        Action: 'ram:GetUser',
        Resource: '*',
        Condition: { Bool: { 'acs:MFAPresent': 'false' } },
      },
    ]);
    const upn = await upnOf(s.name);
    expect(await outcome(s.withMfa, upn)).toBe('NoPermission 403');
    expect(await outcome(s.withoutMfa, upn)).toBe('ok');
  });

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

  it('GetCallerIdentity is the same with or without MFA', async () => {
    const s = await userSessions('mfa-identity', [{ Effect: 'Allow', Action: 'ram:*', Resource: '*' }]);
    const a = (await sts(s.withMfa).getCallerIdentity()).body;
    const b = (await sts(s.withoutMfa).getCallerIdentity()).body;
    expect({ ...a, requestId: '' }).toEqual({ ...b, requestId: '' });
    expect(a).toMatchObject({ identityType: 'RAMUser', arn: `acs:ram::${ACCOUNT}:user/mfa-identity` });
  });

  it('AssumeRole from an MFA session mints an MFA role session; from a session without MFA it does not', async () => {
    const s = await userSessions('mfa-chain', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await gateway.gw.directory.CreateRole(ACCOUNT, {
      RoleName: 'mfa-reader',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
        ],
      }),
    });
    await attach('mfa-reader-policy', { RoleName: 'mfa-reader' }, [
      {
        Effect: 'Allow',
        Action: 'ram:GetUser',
        Resource: '*',
        Condition: { Bool: { 'acs:MFAPresent': 'true' } },
      },
    ]);
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
