/**
 * The console's ready-to-paste lines for a set of temporary credentials: bash/zsh exports,
 * PowerShell, one `aliyun configure set` line, JSON, and the `ramgate login` command that gets the
 * same role from a terminal. Values are quoted for their shell, so a value can never end the string.
 */
import { parseArn } from '../../core/arn.js';

export interface SnippetCredentials {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  Expiration: string;
}

/** aliyun CLI's default region; the console has no region of its own. */
export const DEFAULT_REGION = 'cn-hangzhou';
const PROFILE_NAME_MAX = 64;

const PLAIN_SHELL_WORD = /^[A-Za-z0-9._:/@%+=,-]+$/;

/** A POSIX shell word: as it is when nothing in it is special, else in single quotes (only `'` needs care). */
export function shellWord(value: string): string {
  return PLAIN_SHELL_WORD.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** PowerShell single-quoted (verbatim) string: `'` is doubled, nothing else is special. */
export function powerShellQuote(value: string): string {
  return `'${value.replace(/['‘’‚‛]/g, "''")}'`;
}

const ENV_NAMES = [
  ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'AccessKeyId'],
  ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'AccessKeySecret'],
  ['ALIBABA_CLOUD_SECURITY_TOKEN', 'SecurityToken'],
] as const;

export function bashExports(c: SnippetCredentials): string {
  return ENV_NAMES.map(([name, key]) => `export ${name}=${shellWord(c[key])}`).join('\n');
}

export function powerShellLines(c: SnippetCredentials): string {
  return ENV_NAMES.map(([name, key]) => `$env:${name} = ${powerShellQuote(c[key])}`).join('\n');
}

export function aliyunConfigureLine(c: SnippetCredentials, profile: string, region = DEFAULT_REGION): string {
  return [
    'aliyun configure set',
    `--profile ${shellWord(profile)}`,
    '--mode StsToken',
    `--access-key-id ${shellWord(c.AccessKeyId)}`,
    `--access-key-secret ${shellWord(c.AccessKeySecret)}`,
    `--sts-token ${shellWord(c.SecurityToken)}`,
    `--region ${region}`,
  ].join(' ');
}

/** An aliyun CLI profile name ([A-Za-z0-9._-], 1–64, no leading dot) for this account and role or user. */
export function profileNameFor(account: string, principal: string | undefined): string {
  const slug = [account, principal]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, PROFILE_NAME_MAX);
  return slug || 'ramgate';
}

/**
 * `ramgate login` for the same provider and role, as the demo banner prints it; undefined when the
 * session did not come through a SAML provider (user-based SSO: the CLI signs in to roles only).
 */
export function ramgateLoginLine(o: {
  gatewayUrl: string;
  providerArn: string | undefined;
  roleName: string | undefined;
  profile: string;
}): string | undefined {
  if (!o.providerArn || !o.roleName) return undefined;
  const arn = providerOf(o.providerArn);
  if (!arn) return undefined;
  return [
    'ramgate login',
    `--gateway ${shellWord(o.gatewayUrl)}`,
    `--provider ${shellWord(`${arn.accountId}:${arn.name}`)}`,
    `--role ${shellWord(o.roleName)}`,
    `--profile ${shellWord(o.profile)}`,
  ].join(' ');
}

/** `<account>:<name>` of a SAML provider ARN, the form `/login?provider=` and `ramgate login --provider` take. */
export function providerOf(providerArn: string): { accountId: string; name: string } | undefined {
  try {
    const arn = parseArn(providerArn, 'saml-provider');
    return arn.kind === 'saml-provider' ? { accountId: arn.accountId, name: arn.name } : undefined;
  } catch {
    return undefined;
  }
}
