/**
 * `ramgate login`: federated sign-in from a terminal. Through the browser (loopback listener,
 * one-time code, PKCE-style verifier) or, for CI, from a SAMLResponse file (`--saml-response`).
 * The result goes to an `StsToken` profile of ~/.aliyun/config.json (plus the ramgate cache that
 * credential-process refreshes), to `export` lines, or to JSON. Files are written only at the end,
 * atomically: a failure, timeout or Ctrl-C leaves them as they were.
 */
import { Command, Option } from 'commander';
import { aliyunConfigPath, assertProfileWritable, saveStsTokenProfile } from './aliyun-config.js';
import { browserLogin, DEFAULT_LOGIN_TIMEOUT_MS, type BrowserLoginParams } from './browser-login.js';
import {
  gatewayBase,
  processIo,
  secondsOption,
  withInterrupts,
  type CliIo,
  type LoginResult,
} from './cli-io.js';
import { checkedProfileName, saveLoginCache } from './credential-process.js';
import { samlResponseLogin } from './saml-response-login.js';

export type LoginOutput = 'profile' | 'env' | 'json';

export interface LoginOptions extends BrowserLoginParams {
  profile: string;
  output: LoginOutput;
  samlResponse?: string | undefined;
  duration?: number | undefined;
  region?: string | undefined;
  /** Replace an AK/RamRoleArn/… profile of the same name (after a backup of config.json). */
  force?: boolean | undefined;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function envExports(result: LoginResult): string {
  const c = result.Credentials;
  return [
    `export ALIBABA_CLOUD_ACCESS_KEY_ID=${shellQuote(c.AccessKeyId)}`,
    `export ALIBABA_CLOUD_ACCESS_KEY_SECRET=${shellQuote(c.AccessKeySecret)}`,
    `export ALIBABA_CLOUD_SECURITY_TOKEN=${shellQuote(c.SecurityToken)}`,
    '',
  ].join('\n');
}

async function obtain(options: LoginOptions, io: CliIo): Promise<LoginResult> {
  if (options.samlResponse !== undefined) {
    return samlResponseLogin(
      {
        gateway: options.gateway,
        samlResponse: options.samlResponse,
        role: options.role,
        provider: options.provider,
        duration: options.duration,
      },
      io,
    );
  }
  return browserLogin(options, io);
}

async function deliver(options: LoginOptions, result: LoginResult, io: CliIo): Promise<void> {
  const who = `${result.AssumedRoleUser.Arn}, until ${result.Credentials.Expiration}`;
  if (options.output === 'env') {
    io.out(envExports(result));
  } else if (options.output === 'json') {
    io.out(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const path = aliyunConfigPath();
    const written = await saveStsTokenProfile(
      path,
      {
        name: options.profile,
        accessKeyId: result.Credentials.AccessKeyId,
        accessKeySecret: result.Credentials.AccessKeySecret,
        securityToken: result.Credentials.SecurityToken,
        expiration: result.Credentials.Expiration,
        regionId: options.region,
      },
      { force: options.force },
    );
    await saveLoginCache(
      options.profile,
      {
        ...options,
        provider: options.provider ?? result.SAMLProviderArn,
        role: result.RoleArn ?? options.role,
      },
      result,
    );
    if (written.kind === 'written' && written.backup)
      io.err(`Kept a copy of the previous ${path} at ${written.backup}.\n`);
    io.err(
      written.kind === 'written'
        ? `Wrote profile "${options.profile}" (StsToken) to ${path}.\n`
        : `Profile "${options.profile}" in ${path} uses a credential helper; refreshed its ramgate cache only.\n`,
    );
  }
  io.err(`Signed in as ${who}.\n`);
}

function warnIfCleartext(gateway: string, io: CliIo): void {
  const url = new URL(gatewayBase(gateway));
  if (url.protocol === 'http:' && !['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname))
    io.err(`Warning: ${url.origin} is not https; the credentials would cross the network in clear text.\n`);
}

export async function runLogin(options: LoginOptions, io: CliIo): Promise<LoginResult> {
  checkedProfileName(options.profile);
  warnIfCleartext(options.gateway, io);
  if (options.output === 'profile')
    await assertProfileWritable(aliyunConfigPath(), options.profile, options.force === true);
  const result = await obtain(options, io);
  if (io.signal?.aborted) throw io.signal.reason;
  await deliver(options, result, io);
  return result;
}

export function loginCommand(): Command {
  return new Command('login')
    .description(
      'sign in through the gateway (browser SSO, or a SAMLResponse) and store temporary credentials',
    )
    .requiredOption('--gateway <url>', 'gateway base URL, e.g. https://signin.example.com')
    .option('--provider <name>', 'SAML provider: <name> (with --account), <account>:<name> or its ARN')
    .option('--account <id>', 'account of the SAML provider')
    .option('--role <arn|name>', 'role to sign in to when several are offered')
    .addOption(
      new Option('--duration <seconds>', 'DurationSeconds (with --saml-response)').argParser(
        secondsOption('--duration'),
      ),
    )
    .option('--profile <name>', 'aliyun CLI profile to write', 'default')
    .option('--region <id>', 'region_id of a new profile')
    .option(
      '--force',
      'replace the profile even when it holds AK, RamRoleArn or EcsRamRole settings (config.json is backed up first)',
    )
    .addOption(
      new Option('--output <kind>', 'where the credentials go')
        .choices(['profile', 'env', 'json'])
        .default('profile'),
    )
    .option('--no-browser', 'print the sign-in URL instead of opening a browser')
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for the browser sign-in')
        .default(DEFAULT_LOGIN_TIMEOUT_MS / 1000)
        .argParser(secondsOption('--timeout')),
    )
    .option(
      '--saml-response <file|->',
      'exchange this SAMLResponse (base64 or XML; - for stdin) instead of a browser sign-in',
    )
    .action(
      async (
        flags: Omit<LoginOptions, 'noBrowser' | 'timeoutMs'> & { browser: boolean; timeout: number },
      ) => {
        const { browser, timeout, ...rest } = flags;
        await withInterrupts((signal) =>
          runLogin({ ...rest, noBrowser: !browser, timeoutMs: timeout * 1000 }, processIo(signal)),
        );
      },
    );
}
