import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyConfig, loadConfigFile, parseConfig } from '../../../src/core/config/index.js';
import { ApiError } from '../../../src/core/errors.js';
import { Directory } from '../../../src/core/ram/index.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { closeStores, fakeMetadataValidator, metadataXml, openStore, STORE_KINDS } from '../ram/helpers.js';

const DEMO = join(import.meta.dirname, '../../../config/demo.yaml');
const DEMO_ACCOUNT = '1234567890123456';
const RECIPIENT = 'http://127.0.0.1:8080/saml-role/sso';
const builtin = (name: string) => {
  if (name !== 'builtin-demo-idp') throw new Error(`unknown ${name}`);
  return metadataXml('http://127.0.0.1:8080/demo-idp/metadata');
};

const dirs: string[] = [];
const extraStores: Store[] = [];
afterAll(async () => {
  await closeStores();
  await Promise.all(extraStores.map((s) => s.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ramgate-config-'));
  dirs.push(dir);
  return dir;
}

const directoryOn = (store: Store) =>
  new Directory({ store: store.directory, validateIdpMetadata: fakeMetadataValidator });

/** The message of the InvalidParameter.Config error `work` throws. */
async function configProblem(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('InvalidParameter.Config');
    return (e as ApiError).message;
  }
  throw new Error('expected the config to be refused');
}

const minimal = (account: Record<string, unknown>) =>
  JSON.stringify({ accounts: [{ id: '4242', ...account }] });

describe.each(STORE_KINDS)('the demo config on the %s store', (kind) => {
  it('sets up the demo account for role-based and user-based SSO', async () => {
    const { config, baseDir } = await loadConfigFile(DEMO);
    const d = directoryOn(await openStore(kind));
    const { actions } = await applyConfig(d, config, {
      baseDir,
      resolveBuiltinMetadata: builtin,
      samlRecipient: RECIPIENT,
    });
    expect(actions).toContain('created account 1234567890123456');

    expect(await d.GetDefaultDomain(DEMO_ACCOUNT)).toEqual({ DefaultDomainName: 'demo.onaliyun.com' });
    const users = (await d.ListUsers(DEMO_ACCOUNT)).Users.User.map((u) => u.UserPrincipalName);
    expect(users).toEqual(['alice@demo.onaliyun.com', 'bob@demo.onaliyun.com']);
    const admin = (await d.GetRole(DEMO_ACCOUNT, { RoleName: 'Admin' })).Role;
    expect(admin.MaxSessionDuration).toBe(43200);
    expect(JSON.parse(admin.AssumeRolePolicyDocument)).toEqual({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Federated: [`acs:ram::${DEMO_ACCOUNT}:saml-provider/demo-idp`] },
          Condition: { StringEquals: { 'saml:recipient': RECIPIENT } },
        },
      ],
      Version: '1',
    });
    expect((await d.policiesForRole(DEMO_ACCOUNT, 'ReadOnly')).map((p) => p.PolicyName)).toEqual([
      'DemoEcsReadOnly',
      'ReadOnlyAccess',
    ]);
    expect(await d.samlProviderForSso(DEMO_ACCOUNT, 'demo-idp')).toMatchObject({
      entityId: 'http://127.0.0.1:8080/demo-idp/metadata',
      authnSignAlgo: 'rsa-sha256',
    });
    expect((await d.resolveSsoUser(DEMO_ACCOUNT, 'alice@demo.onaliyun.com')).UserName).toBe('alice');
    expect((await d.effectivePoliciesForUser(DEMO_ACCOUNT, 'alice')).map((p) => p.PolicyName)).toEqual([
      'AliyunSTSAssumeRoleAccess',
      'AdministratorAccess',
    ]);
    expect(await d.lookupAccessKey('LTAIdemo0000000000000001')).toEqual({
      AccountId: DEMO_ACCOUNT,
      UserName: null,
      AccessKeySecret: 'demoSecretDoNotUseInProduction',
      Status: 'Active',
    });
  });

  it('applies again without failing and without changing anything', async () => {
    const { config, baseDir } = await loadConfigFile(DEMO);
    const d = directoryOn(await openStore(kind));
    const options = { baseDir, resolveBuiltinMetadata: builtin, samlRecipient: RECIPIENT };
    await applyConfig(d, config, options);
    const before = await d.GetRole(DEMO_ACCOUNT, { RoleName: 'Admin' });
    expect((await applyConfig(d, config, options)).actions).toEqual([]);
    expect(await d.GetRole(DEMO_ACCOUNT, { RoleName: 'Admin' })).toEqual(before);
    // A changed recipient (another port) and policy document update what they touch.
    const changed = structuredClone(config);
    const policy = changed.accounts[0]?.policies[0];
    if (!policy) throw new Error('the demo declares a policy');
    policy.document = {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' }],
    };
    const { actions } = await applyConfig(d, changed, {
      ...options,
      samlRecipient: 'http://127.0.0.1:9090/saml-role/sso',
    });
    expect(actions.sort()).toEqual([
      'updated policy DemoEcsReadOnly',
      'updated role Admin',
      'updated role ReadOnly',
    ]);
    const versions = await d.ListPolicyVersions(DEMO_ACCOUNT, {
      PolicyName: 'DemoEcsReadOnly',
      PolicyType: 'Custom',
    });
    expect(versions.PolicyVersions.PolicyVersion.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v1', false],
      ['v2', true],
    ]);
  });
});

describe('applying to a persisted store', () => {
  it('is idempotent across restarts of a memory store with a data dir', async () => {
    const dataDir = await tempDir();
    const { config, baseDir } = await loadConfigFile(DEMO);
    const options = { baseDir, resolveBuiltinMetadata: builtin, samlRecipient: RECIPIENT };
    const first = await createStore({ kind: 'memory', dataDir });
    expect((await applyConfig(directoryOn(first), config, options)).actions.length).toBeGreaterThan(10);
    await first.close();
    const second = await createStore({ kind: 'memory', dataDir });
    extraStores.push(second);
    expect((await applyConfig(directoryOn(second), config, options)).actions).toEqual([]);
  });
});

describe('config files', () => {
  it('reads metadataFile relative to the config file, and JSON configs', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'metadata'));
    await writeFile(join(dir, 'metadata', 'okta.xml'), metadataXml('http://www.okta.com/exk1'));
    const config = {
      accounts: [
        {
          id: '4242',
          samlProviders: [{ name: 'okta', metadataFile: 'metadata/okta.xml' }],
          roles: [
            {
              name: 'Dev',
              trustedSamlProviders: ['okta'],
              samlRecipient: 'https://signin.aliyun.com/saml-role/sso',
            },
          ],
        },
      ],
    };
    await writeFile(join(dir, 'ramgate.json'), JSON.stringify(config));
    const loaded = await loadConfigFile(join(dir, 'ramgate.json'));
    const d = directoryOn(await openStore());
    await applyConfig(d, loaded.config, { baseDir: loaded.baseDir });
    expect((await d.samlProviderForSso('4242', 'okta'))?.entityId).toBe('http://www.okta.com/exk1');
    expect(await configProblem(() => loadConfigFile(join(dir, 'missing.yaml')))).toContain(
      `cannot read the config file: no such file: ${join(dir, 'missing.yaml')}`,
    );
  });

  it('names the path of a file that cannot be read and of a built-in source that is not available', async () => {
    const d = directoryOn(await openStore());
    const config = parseConfig(
      minimal({ samlProviders: [{ name: 'x', metadataFile: 'metadata/none.xml' }] }),
    );
    const baseDir = await tempDir();
    expect(await configProblem(() => applyConfig(d, config, { baseDir }))).toContain(
      `  - accounts[0].samlProviders[0].metadataFile: no such file: ${join(baseDir, 'metadata/none.xml')} (metadataFile is relative to the config file`,
    );
    const builtinConfig = parseConfig(
      minimal({ samlProviders: [{ name: 'x', metadata: 'builtin-demo-idp' }] }),
    );
    expect(await configProblem(() => applyConfig(d, builtinConfig, { baseDir: '.' }))).toMatch(
      /accounts\[0\]\.samlProviders\[0\]\.metadata: the built-in metadata "builtin-demo-idp" is not available here/,
    );
  });

  it('reports Alibaba rule violations found while applying with their config path and code', async () => {
    const d = directoryOn(await openStore());
    const config = parseConfig(minimal({ roles: [{ name: 'bad_name', trustPolicy: { Version: '1' } }] }));
    expect(await configProblem(() => applyConfig(d, config, { baseDir: '.' }))).toMatch(
      /\n {2}- accounts\[0\]\.roles\[0\]\.name: InvalidParameter\.RoleName: /,
    );
  });
});

describe('config validation', () => {
  it.each([
    [{ accounts: [] }, 'accounts: must declare at least one account'],
    [{ accounts: [{ id: 'abc' }] }, 'accounts[0].id: must be 1 to 32 decimal digits'],
    [{ accounts: [{ id: '1', color: 'red' }] }, 'accounts[0]: Unrecognized key: "color"'],
    [{ accounts: [{ id: '1' }, { id: '1' }] }, 'accounts[1].id: "1" repeats entry 0'],
    [
      { accounts: [{ id: '1', accessKeys: [{ id: 'AKIA', secret: 'x' }] }] },
      'accounts[0].accessKeys[0].id: must be LTAI',
    ],
    [
      { accounts: [{ id: '1', users: [{ name: 'a', groups: ['ghosts'] }] }] },
      'accounts[0].users[0].groups[0]: group "ghosts" is not declared',
    ],
    [
      { accounts: [{ id: '1', users: [{ name: 'a', policies: ['NoSuch'] }] }] },
      'accounts[0].users[0].policies[0]: "NoSuch" is neither',
    ],
    [
      { accounts: [{ id: '1', groups: [{ name: 'g', policies: [{ name: 'Mine', type: 'Custom' }] }] }] },
      'accounts[0].groups[0].policies[0]: custom policy "Mine" is not declared',
    ],
    [
      { accounts: [{ id: '1', users: [{ name: 'a' }, { name: 'A' }] }] },
      'accounts[0].users[1].name: "A" repeats entry 0',
    ],
    [
      { accounts: [{ id: '1', roles: [{ name: 'r' }] }] },
      'accounts[0].roles[0]: give exactly one of trustPolicy and trustedSamlProviders',
    ],
    [
      { accounts: [{ id: '1', roles: [{ name: 'r', trustedSamlProviders: ['idp'] }] }] },
      'accounts[0].roles[0].trustedSamlProviders[0]: SAML provider "idp" is not declared',
    ],
    [
      { accounts: [{ id: '1', samlProviders: [{ name: 'p' }] }] },
      'accounts[0].samlProviders[0]: needs metadataFile',
    ],
    [
      {
        accounts: [{ id: '1', samlProviders: [{ name: 'p', metadata: 'builtin-x', metadataFile: 'a.xml' }] }],
      },
      'accounts[0].samlProviders[0]: give either metadataFile or metadata, not both',
    ],
    [
      { accounts: [{ id: '1', samlProviders: [{ name: 'p', metadata: 'http://evil' }] }] },
      'accounts[0].samlProviders[0].metadata: must name a built-in',
    ],
    [
      { accounts: [{ id: '1', ssoSettings: { enabled: true } }] },
      'accounts[0].ssoSettings: needs metadataFile',
    ],
    [
      { accounts: [{ id: '1', roles: [{ name: 'r', trustPolicy: '{}', maxSessionDuration: 1.5 }] }] },
      'accounts[0].roles[0].maxSessionDuration: must be a whole number',
    ],
  ])('refuses %j with "%s"', async (config, problem) => {
    const message = await configProblem(() => parseConfig(JSON.stringify(config), { source: 'test.yaml' }));
    expect(message).toContain('The config test.yaml is not valid');
    expect(message).toContain(problem);
  });

  it('refuses YAML it cannot parse, duplicate keys, and oversized input', async () => {
    expect(await configProblem(() => parseConfig('accounts: [\n'))).toMatch(/cannot parse as YAML/);
    expect(await configProblem(() => parseConfig('accounts: []\naccounts: []\n'))).toMatch(
      /cannot parse as YAML/,
    );
    expect(await configProblem(() => parseConfig('{"accounts": [}', { format: 'json' }))).toMatch(
      /cannot parse as JSON/,
    );
    expect(await configProblem(() => parseConfig(' '.repeat(4 * 1024 * 1024 + 1)))).toMatch(/larger than/);
  });
});
