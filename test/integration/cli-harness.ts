/**
 * Helpers of the CLI login tests: an in-memory CliIo whose "browser" is a test driver, a fetch
 * driver of the built-in demo IdP (fast), and the official SDKs reading what the CLI produced.
 */
import Credential, { CLIProfileCredentialsProvider, URICredentialsProvider } from '@alicloud/credentials';
import * as OpenApi from '@alicloud/openapi-core';
import Sts from '@alicloud/sts20150401';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { CliIo, RoleOption } from '../../src/cli/cli-io.js';
import { DEMO_ACCOUNT } from '../../src/cli/demo.js';
import type { LoginOptions } from '../../src/cli/login.js';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { createLogger } from '../../src/http/logger.js';

export interface TestIo extends CliIo {
  stdout(): string;
  stderr(): string;
  opened: string[];
}

/** `browse(url)` plays the browser; its failure cancels the login at once (no waiting for the timeout). */
export function testIo(
  browse: (url: string) => Promise<void>,
  options: { choose?: (roles: RoleOption[]) => number | undefined; signal?: AbortSignal } = {},
): TestIo {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason));
  let out = '';
  let err = '';
  const opened: string[] = [];
  const play = (url: string) => browse(url).catch((error: unknown) => controller.abort(error));
  return {
    out: (text) => void (out += text),
    err: (text) => {
      err += text;
      // --no-browser: the person copies the printed URL into a browser.
      const printed = /^Open this URL in a browser to sign in:\s+(\S+)/.exec(text)?.[1];
      if (printed) setImmediate(() => void play(printed));
    },
    openUrl: async (url) => {
      opened.push(url);
      await play(url);
    },
    chooseRole: async (roles) => options.choose?.(roles),
    signal: controller.signal,
    stdout: () => out,
    stderr: () => err,
    opened,
  };
}

export const noBrowser = async () => undefined;

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function hiddenInputs(html: string): Map<string, string> {
  const inputs = new Map<string, string>();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    inputs.set(m[1] as string, unescapeHtml(m[2] as string));
  return inputs;
}

export function formAction(html: string): string {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in the page: ${html.slice(0, 500)}`);
  return unescapeHtml(action);
}

async function get(url: string, cookie = ''): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

async function post(url: string, form: Record<string, string>, cookie = ''): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form),
  });
}

async function expectRedirect(res: Response, what: string): Promise<string> {
  const location = res.headers.get('location');
  if (res.status < 300 || res.status > 399 || !location)
    throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 800)}`);
  return location;
}

/** The gateway hands a CLI sign-in back with a page that moves on to the loopback callback. */
async function expectCliHandOff(res: Response, what: string): Promise<string> {
  const text = await res.text();
  const href = /<a id="cli-continue" href="([^"]+)"/.exec(text)?.[1];
  if (res.status !== 200 || !href) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 800)}`);
  return unescapeHtml(href);
}

/**
 * The browser leg through the built-in demo IdP up to the gateway's last answer: /cli/login →
 * demo IdP form → ACS → (role picker, choosing index `pick`) → the hand-off page to the CLI's
 * loopback callback, whose URL is returned.
 */
export async function demoIdpLogin(
  startUrl: string,
  user: { username: string; password: string },
  pick?: number,
): Promise<string> {
  const { acs, acsUrl } = await demoIdpToAcs(startUrl, user);
  if (pick === undefined) return expectCliHandOff(acs, 'POST /saml-role/sso');
  const picker = await acs.text();
  const cookie = (acs.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const choice = { ...Object.fromEntries(hiddenInputs(picker)), role: String(pick) };
  const chooseUrl = new URL(formAction(picker), acsUrl).href;
  return expectCliHandOff(await post(chooseUrl, choice, cookie), 'role choice');
}

/** The browser leg up to the gateway's answer at the ACS (a hand-off, a picker or an error page). */
export async function demoIdpToAcs(
  startUrl: string,
  user: { username: string; password: string },
): Promise<{ acs: Response; acsUrl: string }> {
  const origin = new URL(startUrl).origin;
  const idpUrl = new URL(await expectRedirect(await get(startUrl), 'GET /cli/login'), origin).href;
  const loginPage = await (await get(idpUrl)).text();
  const idpOrigin = new URL(idpUrl).origin;
  const submit = await post(`${idpOrigin}/demo-idp/login`, {
    ...Object.fromEntries(hiddenInputs(loginPage)),
    ...user,
  });
  const postPage = await submit.text();
  if (submit.status !== 200)
    throw new Error(`demo IdP login: HTTP ${submit.status} ${postPage.slice(0, 500)}`);
  const acsUrl = formAction(postPage);
  const acs = await post(acsUrl, Object.fromEntries(hiddenInputs(postPage)));
  return { acs, acsUrl };
}

/**
 * A browser leg that fails at the gateway: the error page (status and text), and the browser then
 * follows its hand-off of the failure to the CLI's loopback listener (whose page is returned too).
 */
export async function demoIdpFailure(startUrl: string, user: { username: string; password: string }) {
  const { acs } = await demoIdpToAcs(startUrl, user);
  const page = await acs.text();
  const href = /<a id="cli-continue" href="([^"]+)"/.exec(page)?.[1];
  const listener = href ? await (await get(unescapeHtml(href))).text() : undefined;
  return { status: acs.status, page, cliReturn: href && unescapeHtml(href), listener };
}

/** demoIdpLogin, then the browser follows the redirect to the CLI's listener. */
export function demoIdpBrowser(user: { username: string; password: string }, pick?: number) {
  return async (startUrl: string): Promise<void> => {
    const landing = await get(await demoIdpLogin(startUrl, user, pick));
    if (landing.status !== 200)
      throw new Error(`loopback callback: HTTP ${landing.status} ${await landing.text()}`);
  };
}

// Node's ESM loader exposes a CJS module object as the default export, vitest the class itself.
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;
const CredentialClient = (Credential.default ?? Credential) as typeof Credential.default;
type CredentialClient = InstanceType<typeof CredentialClient>;

/** GetCallerIdentity through the official STS SDK, signed with what the credentials client provides. */
export async function callerIdentityWith(credential: CredentialClient, gatewayUrl: string) {
  const client = new StsClient(
    new OpenApi.$OpenApiUtil.Config({ credential, endpoint: new URL(gatewayUrl).host, protocol: 'http' }),
  );
  const { body } = await client.getCallerIdentity();
  return body;
}

export function profileCredential(profile: string): CredentialClient {
  return new CredentialClient(null, CLIProfileCredentialsProvider.builder().withProfileName(profile).build());
}

export function uriCredential(uri: string): CredentialClient {
  return new CredentialClient(null, URICredentialsProvider.builder().withCredentialsURI(uri).build());
}

/** `ramgate …` as a process (from the sources); resolves with the sign-in URL it prints, and its end. */
export function ramgate(home: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'cli-entry.ts'), ...args],
    {
      env: { ...process.env, HOME: home, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const printed = /(http:\/\/\S+\/cli\/login\S+)/.exec(stderr)?.[1];
      if (printed) resolve(printed);
    });
    child.once('exit', () => reject(new Error(`ramgate exited before printing a URL: ${stderr}`)));
  });
  void url.catch(() => undefined); // awaited only by the tests that expect a URL
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, url, exit };
}

/**
 * A demo gateway for a CLI test file and a fresh $HOME per test (the aliyun CLI config lives there);
 * `options()` are `ramgate login`'s options against that gateway's demo IdP.
 */
export function demoCliSession(homePrefix: string) {
  const session = { gateway: undefined as unknown as RunningGateway, home: '' };
  const originalHome = process.env.HOME;
  beforeAll(async () => {
    session.gateway = await startGateway({ demo: true, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await session.gateway?.close();
    process.env.HOME = originalHome;
  });
  beforeEach(async () => {
    session.home = await mkdtemp(join(tmpdir(), homePrefix));
    process.env.HOME = session.home;
    return () => rm(session.home, { recursive: true, force: true });
  });
  const options = (extra: Partial<LoginOptions> = {}): LoginOptions => ({
    gateway: session.gateway.url,
    provider: 'demo-idp',
    account: DEMO_ACCOUNT,
    profile: 'demo',
    output: 'profile',
    noBrowser: true,
    timeoutMs: 20_000,
    ...extra,
  });
  return { session, options };
}
