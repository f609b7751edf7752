import { describe, expect, it } from 'vitest';
import {
  compiledSystemPolicy,
  evaluate,
  findSystemPolicy,
  SYSTEM_POLICIES,
} from '../../../src/core/policy/index.js';

describe('system policies', () => {
  it('lists at least the three the directory needs, each with a description', () => {
    const names = SYSTEM_POLICIES.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['AdministratorAccess', 'ReadOnlyAccess', 'AliyunSTSAssumeRoleAccess']),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const p of SYSTEM_POLICIES) expect(p.description.length).toBeGreaterThan(10);
  });

  it('every document compiles as an identity policy and is cached', () => {
    for (const p of SYSTEM_POLICIES) {
      const compiled = compiledSystemPolicy(p.name);
      expect(compiled?.name).toBe(p.name);
      expect(compiledSystemPolicy(p.name)).toBe(compiled);
    }
    expect(compiledSystemPolicy('NoSuchPolicy')).toBeUndefined();
    expect(findSystemPolicy('administratoraccess')).toBeUndefined();
  });

  const decide = (name: string, action: string) => {
    const policy = compiledSystemPolicy(name);
    if (!policy) throw new Error(name);
    return evaluate([policy], { action, resource: 'acs:ecs:cn-hangzhou:1234567890123456:instance/i-1' })
      .decision;
  };

  it.each([
    ['AdministratorAccess', 'ecs:DeleteInstance', 'Allow'],
    ['AdministratorAccess', 'ram:CreateUser', 'Allow'],
    ['ReadOnlyAccess', 'ecs:DescribeInstances', 'Allow'],
    ['ReadOnlyAccess', 'oss:GetObject', 'Allow'],
    ['ReadOnlyAccess', 'ram:ListUsers', 'Allow'],
    ['ReadOnlyAccess', 'log:QueryDashboard', 'Allow'],
    ['ReadOnlyAccess', 'ecs:DeleteInstance', 'ImplicitDeny'],
    ['ReadOnlyAccess', 'ram:CreateUser', 'ImplicitDeny'],
    ['ReadOnlyAccess', 'oss:PutObject', 'ImplicitDeny'],
    ['AliyunSTSAssumeRoleAccess', 'sts:AssumeRole', 'Allow'],
    ['AliyunSTSAssumeRoleAccess', 'sts:GetCallerIdentity', 'ImplicitDeny'],
    ['AliyunRAMReadOnlyAccess', 'ram:GetUser', 'Allow'],
    ['AliyunRAMReadOnlyAccess', 'ram:DeleteUser', 'ImplicitDeny'],
    ['AliyunRAMFullAccess', 'ram:DeleteUser', 'Allow'],
  ])('%s: %s → %s', (name, action, expected) => {
    expect(decide(name, action)).toBe(expected);
  });
});

describe("the service tables' system policies", () => {
  it('has every name of the reference list, with OSS full and read-only access as Alibaba writes them', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const { SYSTEM_POLICIES, findSystemPolicy, evaluate, compiledSystemPolicy } =
      await import('../../../src/core/policy/index.js');
    const tsv = new URL('../../../../shared/reference/system-policies.tsv', import.meta.url);
    if (existsSync(tsv)) {
      const names = readFileSync(tsv, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#') && !l.startsWith('service\t'))
        .flatMap((l) => (l.split('\t')[1] ?? '').split(' '));
      expect(names.length).toBe(166);
      for (const name of names) expect(findSystemPolicy(name)?.name).toBe(name);
    } else console.warn('skipped the reference list: ../shared/reference/system-policies.tsv is absent');
    expect(JSON.parse(findSystemPolicy('AliyunOSSFullAccess')?.document ?? '{}').Statement).toEqual([
      { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
    ]);
    expect(JSON.parse(findSystemPolicy('AliyunOSSReadOnlyAccess')?.document ?? '{}').Statement).toEqual([
      { Effect: 'Allow', Action: ['oss:Get*', 'oss:List*'], Resource: '*' },
    ]);
    const ossRead = compiledSystemPolicy('AliyunOSSReadOnlyAccess');
    if (!ossRead) throw new Error('missing');
    const ask = (action: string) => evaluate([ossRead], { action, resource: 'acs:oss:*:*:b/k' }).decision;
    expect([ask('oss:GetObject'), ask('oss:ListObjects'), ask('oss:PutObject')]).toEqual([
      'Allow',
      'Allow',
      'ImplicitDeny',
    ]);
    for (const p of SYSTEM_POLICIES) expect(compiledSystemPolicy(p.name)).toBeDefined();
  });
});
