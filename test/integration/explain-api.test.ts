/**
 * Explained denials and the simulator through the official pop-core client and the CLI, against
 * `serve --demo`: who may decode a NoPermission's sealed message, who may simulate whom, and the
 * command answering exactly what the API answers.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import RPCClient from '@alicloud/pop-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';

const run = promisify(execFile);
const ACCOUNT = '1234567890123456';
const ROOT = { accessKeyId: 'LTAIdemo0000000000000001', accessKeySecret: 'demoSecretDoNotUseInProduction' };
type Keys = { accessKeyId: string; accessKeySecret: string };

let gateway: RunningGateway;
let home: string;
beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
  home = mkdtempSync(join(tmpdir(), 'ramgate-explain-'));
});
afterAll(async () => {
  await gateway?.close();
  rmSync(home, { recursive: true, force: true });
});

const ram = (keys: Keys = ROOT) =>
  new RPCClient({ endpoint: gateway.url, apiVersion: '2015-05-01', ...keys });
const call = async (keys: Keys, action: string, params: Record<string, string>) =>
  (await ram(keys).request(action, params, { method: 'POST' })) as Record<string, unknown>;
async function refusal(promise: Promise<unknown>): Promise<{ code: string; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (e) {
    return e as { code: string; data: Record<string, unknown> };
  }
  throw new Error('the call was not refused');
}

async function userWith(name: string, statements: unknown[]): Promise<Keys> {
  await call(ROOT, 'CreateUser', { UserName: name });
  await call(ROOT, 'CreatePolicy', {
    PolicyName: `${name}-policy`,
    PolicyDocument: JSON.stringify({ Version: '1', Statement: statements }),
  });
  await call(ROOT, 'AttachPolicyToUser', {
    PolicyType: 'Custom',
    PolicyName: `${name}-policy`,
    UserName: name,
  });
  const { AccessKey } = (await call(ROOT, 'CreateAccessKey', { UserName: name })) as {
    AccessKey: { AccessKeyId: string; AccessKeySecret: string };
  };
  return { accessKeyId: AccessKey.AccessKeyId, accessKeySecret: AccessKey.AccessKeySecret };
}

describe('DecodeDiagnosticMessage', () => {
  it('reads a NoPermission back to a caller allowed it, and to no one else', async () => {
    const eve = await userWith('eve', [
      { Effect: 'Allow', Action: 'ram:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ram:GetRole', Resource: `acs:ram::${ACCOUNT}:role/Admin` },
      { Effect: 'Deny', Action: 'ram:DecodeDiagnosticMessage', Resource: '*' },
    ]);
    const denied = await refusal(call(eve, 'GetRole', { RoleName: 'admin' }));
    expect(denied.code).toBe('NoPermission');
    const detail = denied.data.AccessDeniedDetail as Record<string, string>;
    expect(detail.NoPermissionType).toBe('ExplicitDeny');
    const message = detail.EncodedDiagnosticMessage ?? '';

    const decoded = await call(ROOT, 'DecodeDiagnosticMessage', { EncodedDiagnosticMessage: message });
    expect(JSON.parse(String(decoded.DecodedDiagnosticMessage))).toMatchObject({
      AuthAction: 'ram:GetRole',
      Resource: `acs:ram::${ACCOUNT}:role/Admin`,
      Principal: `acs:ram::${ACCOUNT}:user/eve`,
      Decision: 'ExplicitDeny',
      DecidedBy: 'identity',
      Policy: 'eve-policy',
      Statement: 1,
    });
    expect(
      (await refusal(call(eve, 'DecodeDiagnosticMessage', { EncodedDiagnosticMessage: message }))).code,
    ).toBe('NoPermission');
    const tampered = `${message.slice(0, -4)}AAAA`;
    expect(
      (await refusal(call(ROOT, 'DecodeDiagnosticMessage', { EncodedDiagnosticMessage: tampered }))).code,
    ).toBe('InvalidParameter.EncodedDiagnosticMessage');
  });
});

describe('RamgateSimulatePrincipalPolicy', () => {
  it('simulates the caller without permission, another principal only when allowed on it', async () => {
    const frank = await userWith('frank', [
      { Effect: 'Allow', Action: 'oss:Get*', Resource: 'acs:oss:*:*:photos/*' },
      { Effect: 'Deny', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:photos/private/*' },
    ]);
    const own = await call(frank, 'RamgateSimulatePrincipalPolicy', {
      ActionNames: '["oss:GetObject"]',
      ResourceArns: '["acs:oss:*:*:photos/a.jpg","acs:oss:*:*:photos/private/b.jpg","acs:oss:*:*:other/c"]',
    });
    const results = (own.EvaluationResults as { EvaluationResult: Array<Record<string, unknown>> })
      .EvaluationResult;
    expect(results.map((r) => r.Decision)).toEqual(['Allow', 'ExplicitDeny', 'ImplicitDeny']);
    expect(results[1]?.MatchedStatements).toEqual([
      {
        PolicyName: 'frank-policy',
        PolicyType: 'Custom',
        VersionId: 'v1',
        AttachedTo: 'user/frank',
        StatementIndex: 1,
        Effect: 'Deny',
      },
    ]);
    expect(
      (
        await refusal(
          call(frank, 'RamgateSimulatePrincipalPolicy', { UserName: 'alice', ActionNames: 'ecs:*' }),
        )
      ).code,
    ).toBe('NoPermission');
    const alice = await call(ROOT, 'RamgateSimulatePrincipalPolicy', {
      UserName: 'ALICE',
      ActionNames: 'ram:CreateUser,ecs:DescribeInstances',
    });
    expect(alice.Principal).toBe(`acs:ram::${ACCOUNT}:user/alice`);
    const decisions = (alice.EvaluationResults as { EvaluationResult: Array<Record<string, unknown>> })
      .EvaluationResult;
    // alice is in the admins group (AdministratorAccess): allowed, through the group.
    expect(
      decisions.map((d) => [
        d.Decision,
        (d.MatchedStatements as Array<{ AttachedTo: string }>)[0]?.AttachedTo,
      ]),
    ).toEqual([
      ['Allow', 'group/admins'],
      ['Allow', 'group/admins'],
    ]);
    expect(
      (
        await refusal(
          call(ROOT, 'RamgateSimulatePrincipalPolicy', {
            UserName: 'alice',
            RoleName: 'Admin',
            ActionNames: 'x:y',
          }),
        )
      ).code,
    ).toBe('InvalidParameter');
  });

  it('knows the self-service rule: the gateway and the simulator agree on a user acting on itself', async () => {
    const gina = await userWith('gina', [{ Effect: 'Allow', Action: 'ram:GetUser', Resource: '*' }]);
    await call(ROOT, 'CreateUser', { UserName: 'gina-other' });
    const simulated = async () =>
      (
        (
          await call(gina, 'RamgateSimulatePrincipalPolicy', {
            ActionNames: '["ram:ListAccessKeys","RAM:listaccesskeys"]',
            ResourceArns: `["acs:ram:*:${ACCOUNT}:user/GINA","acs:ram::${ACCOUNT}:user/gina-other"]`,
          })
        ).EvaluationResults as { EvaluationResult: Array<{ Decision: string; DecidedBy: string }> }
      ).EvaluationResult.map((r) => `${r.Decision}/${r.DecidedBy}`);
    const gateway = async (userName: string) =>
      call(gina, 'ListAccessKeys', { UserName: userName }).then(
        () => 'Allow',
        (e: { code: string }) => e.code,
      );
    // AllowUserToManageAccessKeys is off by default: both refuse.
    expect(await simulated()).toEqual(Array(4).fill('ImplicitDeny/identity'));
    expect([await gateway('gina'), await gateway('gina-other')]).toEqual(['NoPermission', 'NoPermission']);
    await call(ROOT, 'SetSecurityPreference', { AllowUserToManageAccessKeys: 'true' });
    try {
      expect(await simulated()).toEqual([
        'Allow/self-service',
        'ImplicitDeny/identity',
        'Allow/self-service',
        'ImplicitDeny/identity',
      ]);
      expect([await gateway('gina'), await gateway('gina-other')]).toEqual(['Allow', 'NoPermission']);
    } finally {
      await call(ROOT, 'SetSecurityPreference', { AllowUserToManageAccessKeys: 'false' });
    }
  });

  it('ramgate simulate --json prints what the API answers', async () => {
    const keys = await userWith('grace', [{ Effect: 'Allow', Action: 'oss:List*', Resource: '*' }]);
    mkdirSync(join(home, '.aliyun'), { recursive: true });
    writeFileSync(
      join(home, '.aliyun', 'config.json'),
      JSON.stringify({
        current: 'grace',
        profiles: [
          {
            name: 'grace',
            mode: 'AK',
            access_key_id: keys.accessKeyId,
            access_key_secret: keys.accessKeySecret,
          },
        ],
      }),
    );
    const params = { ActionNames: '["oss:ListObjects","oss:GetObject"]', ResourceArns: '["acs:oss:*:*:b"]' };
    const { RequestId: _api, ...api } = await call(keys, 'RamgateSimulatePrincipalPolicy', params);
    const cli = await run(
      'node',
      [
        new URL('../../bin/ramgate.js', import.meta.url).pathname,
        'simulate',
        '--gateway',
        gateway.url,
        '--profile',
        'grace',
        '--action',
        'oss:ListObjects',
        '--action',
        'oss:GetObject',
        '--resource',
        'acs:oss:*:*:b',
        '--json',
      ],
      { env: { ...process.env, HOME: home } },
    ).catch((e: { code: number; stdout: string }) => e);
    expect((cli as { code?: number }).code).toBe(1);
    const { RequestId: _cli, ...printed } = JSON.parse(cli.stdout) as Record<string, unknown>;
    expect(printed).toEqual(api);
  });
});
