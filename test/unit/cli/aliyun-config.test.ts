import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aliyunConfigPath,
  mergeStsTokenProfile,
  readAliyunConfig,
  saveStsTokenProfile,
  writePrivateFileAtomic,
} from '../../../src/cli/aliyun-config.js';
import { envExports, runLogin } from '../../../src/cli/login.js';
import { normalizeSamlResponse } from '../../../src/cli/saml-response-login.js';
import { checkedProfileName } from '../../../src/cli/credential-process.js';

const STS = {
  name: 'sso',
  accessKeyId: 'STS.abc',
  accessKeySecret: 'secret',
  securityToken: 'token',
  expiration: '2030-01-01T00:00:00Z',
};

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'ramgate-config-'));
});
afterEach(() => rm(home, { recursive: true, force: true }));

describe('~/.aliyun/config.json', () => {
  it('lives under $HOME', () => {
    expect(aliyunConfigPath('/home/x')).toBe('/home/x/.aliyun/config.json');
  });

  it('starts from an empty config when the file does not exist, and makes the new profile current', async () => {
    const path = aliyunConfigPath(home);
    expect(await saveStsTokenProfile(path, STS)).toEqual({ kind: 'written' });
    const written = JSON.parse(await readFile(path, 'utf8'));
    expect(written).toEqual({
      current: 'sso',
      meta_path: '',
      profiles: [
        {
          name: 'sso',
          mode: 'StsToken',
          access_key_id: 'STS.abc',
          access_key_secret: 'secret',
          sts_token: 'token',
          sts_expiration: 1893456000,
          region_id: 'cn-hangzhou',
          output_format: 'json',
          language: 'en',
        },
      ],
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.aliyun'))).mode & 0o777).toBe(0o700);
  });

  it('replaces the profile in place, keeping its own settings and every other profile and key', () => {
    const merged = mergeStsTokenProfile(
      {
        current: 'other',
        profiles: [
          { name: 'sso', mode: 'RamRoleArn', region_id: 'eu-central-1', language: 'zh', ram_role_arn: 'x' },
          { name: 'other', mode: 'AK', access_key_id: 'LTAI' },
        ],
        meta_path: '/m',
        future_key: 1,
      },
      { ...STS, securityToken: 'new' },
    );
    expect(merged.current).toBe('other');
    expect(merged.future_key).toBe(1);
    expect(merged.profiles.map((p) => p.name)).toEqual(['sso', 'other']);
    expect(merged.profiles[0]).toMatchObject({
      mode: 'StsToken',
      sts_token: 'new',
      region_id: 'eu-central-1',
      language: 'zh',
    });
    expect(merged.profiles[1]).toEqual({ name: 'other', mode: 'AK', access_key_id: 'LTAI' });
  });

  it('leaves a profile that delegates to a credential helper (External, CredentialsURI) alone', async () => {
    const path = aliyunConfigPath(home);
    await mkdir(join(home, '.aliyun'));
    const original = JSON.stringify({ profiles: [{ name: 'sso', mode: 'external', process_command: 'x' }] });
    await writeFile(path, original);
    expect(await saveStsTokenProfile(path, STS)).toEqual({ kind: 'delegating' });
    expect(await readFile(path, 'utf8')).toBe(original);
  });

  it.each([
    ['AK', { mode: 'AK', access_key_id: 'LTAI5tExample', access_key_secret: 'long-term' }],
    ['a mode-less (AK)', { access_key_id: 'LTAI5tExample', access_key_secret: 'long-term' }],
    ['RamRoleArn', { mode: 'RamRoleArn', ram_role_arn: 'acs:ram::1:role/x' }],
    ['EcsRamRole', { mode: 'EcsRamRole', ram_role_name: 'ecs' }],
  ])('refuses to overwrite %s profile, naming --profile and --force', async (mode, settings) => {
    const path = aliyunConfigPath(home);
    await mkdir(join(home, '.aliyun'));
    const original = JSON.stringify({ current: 'sso', profiles: [{ name: 'sso', ...settings }] });
    await writeFile(path, original);
    await expect(saveStsTokenProfile(path, STS)).rejects.toThrow(
      new RegExp(
        `Profile "sso" in .* is an? ${mode === 'a mode-less (AK)' ? 'AK' : mode} profile.*--profile <name>.*--force`,
      ),
    );
    expect(await readFile(path, 'utf8')).toBe(original);
    expect(await readdir(join(home, '.aliyun'))).toEqual(['config.json']);
  });

  it('with force, keeps a timestamped 0600 backup of the whole file before replacing the profile', async () => {
    const path = aliyunConfigPath(home);
    await mkdir(join(home, '.aliyun'));
    const original = JSON.stringify({
      profiles: [{ name: 'sso', mode: 'AK', access_key_secret: 'keep me' }],
    });
    await writeFile(path, original, { mode: 0o644 });
    const outcome = await saveStsTokenProfile(path, STS, {
      force: true,
      now: new Date('2026-12-07T18:30:01.234Z'),
    });
    const backup = `${path}.2026-12-07T18-30-01-234Z.bak`;
    expect(outcome).toEqual({ kind: 'written', backup });
    expect(await readFile(backup, 'utf8')).toBe(original);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8')).profiles[0]).toMatchObject({ mode: 'StsToken' });
  });

  it('replaces an StsToken profile (temporary credentials) without asking and without a backup', async () => {
    const path = aliyunConfigPath(home);
    await mkdir(join(home, '.aliyun'));
    await writeFile(
      path,
      JSON.stringify({ profiles: [{ name: 'sso', mode: 'StsToken', sts_token: 'old' }] }),
    );
    expect(await saveStsTokenProfile(path, STS)).toEqual({ kind: 'written' });
    expect(await readdir(join(home, '.aliyun'))).toEqual(['config.json']);
  });

  it.each([
    ['not JSON', '{"profiles": [', /is not valid JSON/],
    ['not a CLI config', '[1,2]', /is not an aliyun CLI config/],
    ['profiles not a list', '{"profiles": {}}', /is not an aliyun CLI config/],
  ])('refuses to overwrite a file that is %s', async (_what, text, message) => {
    const path = aliyunConfigPath(home);
    await mkdir(join(home, '.aliyun'));
    await writeFile(path, text);
    await expect(saveStsTokenProfile(path, STS)).rejects.toThrow(message);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('reads profiles that are not objects as absent, without failing', async () => {
    const path = aliyunConfigPath(home);
    await mkdir(join(home, '.aliyun'));
    await writeFile(path, '{"profiles": [null, 3, {"name": "a"}]}');
    expect((await readAliyunConfig(path)).profiles).toEqual([{ name: 'a' }]);
  });
});

describe('writePrivateFileAtomic', () => {
  it('replaces the file whole and leaves no temp file, also when the write fails', async () => {
    const path = join(home, 'dir', 'file.json');
    await writePrivateFileAtomic(path, 'one');
    await writePrivateFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(join(home, 'dir'))).toEqual(['file.json']);

    // The rename fails when the target is a directory: the temp file must not be left behind.
    const blocked = join(home, 'dir', 'blocked');
    await mkdir(join(blocked, 'inside'), { recursive: true });
    await expect(writePrivateFileAtomic(blocked, 'three')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect((await readdir(join(home, 'dir'))).sort()).toEqual(['blocked', 'file.json']);
    expect(await readFile(path, 'utf8')).toBe('two');
  });
});

describe('outputs and inputs', () => {
  it('quotes export lines for the shell', () => {
    const text = envExports({
      Credentials: { AccessKeyId: 'STS.a', AccessKeySecret: "it's", SecurityToken: 't', Expiration: 'e' },
      AssumedRoleUser: { Arn: 'arn' },
      AccountId: '1',
      RoleSessionName: 's',
    });
    expect(text).toBe(
      "export ALIBABA_CLOUD_ACCESS_KEY_ID='STS.a'\n" +
        "export ALIBABA_CLOUD_ACCESS_KEY_SECRET='it'\\''s'\n" +
        "export ALIBABA_CLOUD_SECURITY_TOKEN='t'\n",
    );
  });

  it('takes a SAMLResponse as wrapped base64 or as XML', () => {
    const xml = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>';
    const b64 = Buffer.from(xml).toString('base64');
    expect(normalizeSamlResponse(`${b64.slice(0, 20)}\n${b64.slice(20)}\n`)).toBe(b64);
    expect(normalizeSamlResponse(`  ${xml}\n`)).toBe(b64);
    expect(() => normalizeSamlResponse('   ')).toThrow('The SAMLResponse input is empty.');
    expect(() => normalizeSamlResponse('A'.repeat(100_004))).toThrow(/at most 100000 are accepted/);
  });

  it('warns when the gateway is reached over plain http off this machine', async () => {
    const messages: string[] = [];
    const io = {
      out: () => undefined,
      err: (text: string) => void messages.push(text),
      openUrl: async () => undefined,
      chooseRole: async () => undefined,
    };
    const login = (gateway: string) =>
      runLogin({ gateway, profile: 'p', output: 'json', samlResponse: join(home, 'absent') }, io);
    await expect(login('http://127.0.0.1:9')).rejects.toThrow(/ENOENT/);
    expect(messages).toEqual([]);
    await expect(login('http://gateway.example')).rejects.toThrow(/ENOENT/);
    expect(messages).toEqual([
      'Warning: http://gateway.example is not https; the credentials would cross the network in clear text.\n',
    ]);
    await expect(login('ftp://gateway.example')).rejects.toThrow(/--gateway must be an http\(s\) URL/);
  });

  it('accepts only plain profile names (they name a cache file)', () => {
    expect(checkedProfileName('my-profile_1.x')).toBe('my-profile_1.x');
    for (const bad of ['', '../x', '.hidden', 'a/b', 'x'.repeat(65)])
      expect(() => checkedProfileName(bad)).toThrow(/must be 1 to 64/);
  });
});
