/**
 * The aliyun CLI's `~/.aliyun/config.json` (reference §5.1): read, merge one `StsToken` profile in
 * (other profiles and unknown keys kept), write atomically with mode 0600. `$HOME` decides where
 * it lives, as for the aliyun CLI and @alicloud/credentials.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface AliyunProfile {
  name: string;
  mode?: string;
  [key: string]: unknown;
}

export interface AliyunConfig {
  current?: string;
  profiles: AliyunProfile[];
  [key: string]: unknown;
}

export interface StsTokenProfile {
  name: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** ISO 8601. */
  expiration: string;
  regionId?: string | undefined;
}

/** Modes whose credentials come from elsewhere: a login must not overwrite them with a static token. */
export const DELEGATING_MODES = new Set(['external', 'credentialsuri']);

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export function homeDir(): string {
  return process.env.HOME || homedir();
}

export function aliyunConfigPath(home = homeDir()): string {
  return join(home, '.aliyun', 'config.json');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The config, or an empty one when the file does not exist; a file that is not a CLI config is an error. */
export async function readAliyunConfig(path: string): Promise<AliyunConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { current: '', profiles: [], meta_path: '' };
    throw error;
  }
  if (text.length > MAX_CONFIG_BYTES) throw new Error(`${path} is larger than ${MAX_CONFIG_BYTES} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); fix or move it first.`);
  }
  if (!isObject(parsed) || (parsed.profiles !== undefined && !Array.isArray(parsed.profiles)))
    throw new Error(`${path} is not an aliyun CLI config (no "profiles" list); fix or move it first.`);
  const profiles = ((parsed.profiles as unknown[] | undefined) ?? []).filter(
    (p): p is AliyunProfile => isObject(p) && typeof p.name === 'string',
  );
  return { ...parsed, profiles };
}

export function findProfile(config: AliyunConfig, name: string): AliyunProfile | undefined {
  return config.profiles.find((p) => p.name === name);
}

/** A new config with the profile set to StsToken mode; its other keys (region, language, …) are kept. */
export function mergeStsTokenProfile(config: AliyunConfig, sts: StsTokenProfile): AliyunConfig {
  const existing = findProfile(config, sts.name);
  const profile: AliyunProfile = {
    region_id: 'cn-hangzhou',
    output_format: 'json',
    language: 'en',
    ...existing,
    ...(sts.regionId ? { region_id: sts.regionId } : {}),
    name: sts.name,
    mode: 'StsToken',
    access_key_id: sts.accessKeyId,
    access_key_secret: sts.accessKeySecret,
    sts_token: sts.securityToken,
    sts_expiration: Math.floor(Date.parse(sts.expiration) / 1000),
  };
  const profiles = existing
    ? config.profiles.map((p) => (p === existing ? profile : p))
    : [...config.profiles, profile];
  return { ...config, current: config.current || sts.name, profiles };
}

/**
 * Write a private file atomically: a fresh 0600 temp file beside it, fsync, rename over the target.
 * A crash or Ctrl-C leaves either the old file or the new one, never half of one.
 */
export async function writePrivateFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

export async function writeAliyunConfig(path: string, config: AliyunConfig): Promise<void> {
  await writePrivateFileAtomic(path, `${JSON.stringify(config, null, '\t')}\n`);
}

export type ProfileWrite =
  | { kind: 'written'; backup?: string | undefined }
  /** The profile delegates to a credential helper: left alone, only the ramgate cache is refreshed. */
  | { kind: 'delegating' };

/**
 * Why the profile may not be replaced by an StsToken one, or undefined when it may: only an absent
 * profile or an StsToken one (temporary credentials, as ramgate writes) is replaced without asking.
 * A profile without a mode is read by the aliyun CLI as AK.
 */
export function protectedProfileMode(config: AliyunConfig, name: string): string | undefined {
  const existing = findProfile(config, name);
  if (!existing) return undefined;
  const mode = typeof existing.mode === 'string' && existing.mode !== '' ? existing.mode : 'AK';
  const lower = mode.toLowerCase();
  return lower === 'ststoken' || DELEGATING_MODES.has(lower) ? undefined : mode;
}

export function protectedProfileMessage(path: string, name: string, mode: string): string {
  return (
    `Profile "${name}" in ${path} is ${/^[aeiou]/i.test(mode) ? 'an' : 'a'} ${mode} profile (credentials you configured); ramgate login does not overwrite it. ` +
    `Sign in to another profile with --profile <name> (e.g. --profile sso), or pass --force to replace it ` +
    `(a backup of ${path} is kept beside it).`
  );
}

/** Refuse early (before any sign-in) when the profile is one a login must not overwrite. */
export async function assertProfileWritable(path: string, name: string, force: boolean): Promise<void> {
  if (force) return;
  const mode = protectedProfileMode(await readAliyunConfig(path), name);
  if (mode) throw new Error(protectedProfileMessage(path, name, mode));
}

function backupPath(path: string, now: Date): string {
  return `${path}.${now.toISOString().replace(/[:.]/g, '-')}.bak`;
}

/**
 * Read, merge and write back. A profile that delegates to a helper is left alone; an AK, RamRoleArn,
 * EcsRamRole (any non-StsToken) profile is refused unless `force`, and then the whole file is first
 * copied to a timestamped 0600 backup.
 */
export async function saveStsTokenProfile(
  path: string,
  sts: StsTokenProfile,
  options: { force?: boolean | undefined; now?: Date } = {},
): Promise<ProfileWrite> {
  const config = await readAliyunConfig(path);
  const mode = findProfile(config, sts.name)?.mode;
  if (typeof mode === 'string' && DELEGATING_MODES.has(mode.toLowerCase())) return { kind: 'delegating' };
  const protectedMode = protectedProfileMode(config, sts.name);
  let backup: string | undefined;
  if (protectedMode) {
    if (!options.force) throw new Error(protectedProfileMessage(path, sts.name, protectedMode));
    backup = backupPath(path, options.now ?? new Date());
    await writePrivateFileAtomic(backup, await readFile(path, 'utf8'));
  }
  await writeAliyunConfig(path, mergeStsTokenProfile(config, sts));
  return { kind: 'written', backup };
}
