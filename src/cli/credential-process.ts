/**
 * Credential helpers over a per-profile cache (`~/.aliyun/ramgate/<profile>.json`, 0600):
 * `ramgate credential-process` prints the aliyun CLI External-mode JSON (reference §5.2) and
 * `ramgate credentials-server` answers the CredentialsURI contract (§5.3). Both serve the cached
 * credentials and sign in again through the browser only when they are about to expire (the IdP's
 * own session usually makes that sign-in silent).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { homeDir, writePrivateFileAtomic } from './aliyun-config.js';
import type { BrowserLoginParams } from './browser-login.js';
import { processIo, secondsOption, withInterrupts, type CliIo, type LoginResult } from './cli-io.js';

export const DEFAULT_REFRESH_BEFORE_SECONDS = 300;
/**
 * How long a helper waits for a browser sign-in by default: under the 60 s the aliyun CLI and
 * the SDKs give an external process (or a CredentialsURI) before they give up on it.
 */
export const DEFAULT_HELPER_TIMEOUT_SECONDS = 50;
const PROFILE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export interface CachedLogin {
  version: 1;
  login: BrowserLoginParams;
  result: LoginResult;
}

export function checkedProfileName(name: string): string {
  if (!PROFILE_NAME.test(name) || name.startsWith('.'))
    throw new Error(`The profile name "${name}" must be 1 to 64 of [A-Za-z0-9._-], not starting with a dot.`);
  return name;
}

export function loginCachePath(profile: string, home = homeDir()): string {
  return join(home, '.aliyun', 'ramgate', `${checkedProfileName(profile)}.json`);
}

export async function readLoginCache(profile: string): Promise<CachedLogin | undefined> {
  const path = loginCachePath(profile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const cached = JSON.parse(text) as CachedLogin;
    if (cached.version === 1 && typeof cached.result?.Credentials?.Expiration === 'string') return cached;
  } catch {
    // reported below
  }
  throw new Error(`${path} is damaged; run ramgate login --profile ${profile} again.`);
}

export async function saveLoginCache(
  profile: string,
  login: BrowserLoginParams,
  result: LoginResult,
): Promise<void> {
  const { noBrowser: _noBrowser, timeoutMs: _timeoutMs, ...kept } = login;
  const cached: CachedLogin = { version: 1, login: kept, result };
  await writePrivateFileAtomic(loginCachePath(profile), `${JSON.stringify(cached, null, 2)}\n`);
}

export interface FreshCredentialsOptions {
  profile: string;
  refreshBeforeSeconds?: number | undefined;
  /** Login parameters for a profile never logged in (or to override the cached ones). */
  login?: Partial<BrowserLoginParams> | undefined;
  now?: () => number;
}

function definedEntries<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The cached credentials while they stay valid long enough; otherwise a new sign-in, cached. */
export async function freshCredentials(options: FreshCredentialsOptions, io: CliIo): Promise<LoginResult> {
  const cached = await readLoginCache(options.profile);
  const now = options.now?.() ?? Date.now();
  const margin = (options.refreshBeforeSeconds ?? DEFAULT_REFRESH_BEFORE_SECONDS) * 1000;
  if (cached && Date.parse(cached.result.Credentials.Expiration) - now > margin) return cached.result;
  const login = { ...cached?.login, ...definedEntries(options.login) } as Partial<BrowserLoginParams>;
  if (!login.gateway || !login.provider) {
    throw new Error(
      `No cached login for profile "${options.profile}": run ramgate login --gateway <url> --provider <name> --profile ${options.profile} first.`,
    );
  }
  io.err(
    cached
      ? `The credentials of profile "${options.profile}" expire at ${cached.result.Credentials.Expiration}; signing in again.\n`
      : `Profile "${options.profile}" has no credentials yet; signing in.\n`,
  );
  const params = login as BrowserLoginParams;
  // Loaded only for a sign-in: serving the cache stays a file read (credential-process runs before every SDK call).
  const { browserLogin } = await import('./browser-login.js');
  const result = await browserLogin(params, io);
  await saveLoginCache(options.profile, params, result);
  return result;
}

/** The External-mode document the aliyun CLI (and @alicloud/credentials) read from stdout. */
export function externalModeJson(result: LoginResult): string {
  const c = result.Credentials;
  return `${JSON.stringify({
    mode: 'StsToken',
    access_key_id: c.AccessKeyId,
    access_key_secret: c.AccessKeySecret,
    sts_token: c.SecurityToken,
    expiration: c.Expiration,
  })}\n`;
}

export interface CredentialsServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * A CredentialsURI endpoint on loopback. Requests whose Host is not this loopback address are
 * refused (a web page cannot reach it through DNS rebinding); concurrent requests share one refresh.
 */
export async function startCredentialsServer(
  options: FreshCredentialsOptions & { port?: number; host?: string },
  io: CliIo,
): Promise<CredentialsServer> {
  const host = options.host ?? '127.0.0.1';
  let inFlight: Promise<LoginResult> | undefined;
  const credentials = () =>
    (inFlight ??= freshCredentials(options, io).finally(() => {
      inFlight = undefined;
    }));
  let allowedHosts = new Set<string>();
  const server = createServer((req, res) => {
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || !allowedHosts.has(req.headers.host ?? ''))
      return send(403, {
        Code: 'Forbidden',
        Message: 'Only GET from this machine, addressed to the loopback host.',
      });
    credentials().then(
      (r) => send(200, { Code: 'Success', ...r.Credentials }),
      (error: unknown) => send(500, { Code: 'Failure', Message: (error as Error).message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  allowedHosts = new Set([`${hostPart}:${port}`, `localhost:${port}`]);
  return {
    url: `http://${hostPart}:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function helperOptions(command: Command): Command {
  return command
    .requiredOption('--profile <name>', 'profile whose cached login is used', 'default')
    .option('--gateway <url>', 'gateway base URL (when the profile has no cached login)')
    .option('--provider <name>', 'SAML provider: <name>, <account>:<name> or its ARN')
    .option('--account <id>', 'account of the SAML provider')
    .option('--role <arn|name>', 'role to sign in to')
    .option('--no-browser', 'print the sign-in URL instead of opening a browser')
    .addOption(
      new Option('--refresh-before <seconds>', 'sign in again when the credentials expire sooner than this')
        .default(DEFAULT_REFRESH_BEFORE_SECONDS)
        .argParser(secondsOption('--refresh-before')),
    )
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for a browser sign-in (the SDKs wait 60 s)')
        .default(DEFAULT_HELPER_TIMEOUT_SECONDS)
        .argParser(secondsOption('--timeout')),
    );
}

interface HelperFlags {
  profile: string;
  gateway?: string;
  provider?: string;
  account?: string;
  role?: string;
  browser: boolean;
  refreshBefore: number;
  timeout: number;
}

function optionsFrom(flags: HelperFlags): FreshCredentialsOptions {
  return {
    profile: checkedProfileName(flags.profile),
    refreshBeforeSeconds: flags.refreshBefore,
    login: {
      gateway: flags.gateway,
      provider: flags.provider,
      account: flags.account,
      role: flags.role,
      noBrowser: !flags.browser,
      timeoutMs: flags.timeout * 1000,
    },
  };
}

export function credentialProcessCommand(): Command {
  return helperOptions(new Command('credential-process'))
    .description(
      'print External-mode credentials (aliyun CLI process_command) from the cache, signing in when needed',
    )
    .action(async (flags: HelperFlags) => {
      await withInterrupts(async (signal) => {
        const io = processIo(signal);
        io.out(externalModeJson(await freshCredentials(optionsFrom(flags), io)));
      });
    });
}

export function credentialsServerCommand(): Command {
  return helperOptions(new Command('credentials-server'))
    .description('serve the profile credentials as a CredentialsURI endpoint on loopback')
    .addOption(new Option('--port <port>', 'port (0 = any free port)').default(0).argParser(Number))
    .action(async (flags: HelperFlags & { port: number }) => {
      const io = processIo();
      const running = await startCredentialsServer({ ...optionsFrom(flags), port: flags.port }, io);
      io.err(`Serving credentials of profile "${flags.profile}" at ${running.url} (Ctrl-C to stop)\n`);
      io.out(`export ALIBABA_CLOUD_CREDENTIALS_URI=${running.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
    });
}
