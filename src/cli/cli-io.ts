/**
 * What the login commands need from the outside world, injectable for tests: where results and
 * progress go, how a URL is opened, how a person picks a role, and cancellation (Ctrl-C).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import type { CliLoginResult } from '../sso/cli-login.js';

export type LoginResult = CliLoginResult;

export interface RoleOption {
  roleArn: string;
  roleName: string;
  accountId: string;
  providerArn: string;
}

export interface CliIo {
  /** Results (profile JSON, `export` lines): stdout. */
  out(text: string): void;
  /** Progress and messages for the person: stderr. */
  err(text: string): void;
  /** Opens the sign-in URL in a browser. */
  openUrl(url: string): Promise<void>;
  /** Index of the chosen role; undefined when nobody can be asked (no terminal). */
  chooseRole(roles: RoleOption[]): Promise<number | undefined>;
  signal?: AbortSignal | undefined;
}

/** Opens a URL with the platform's opener, detached; resolves once it started (or failed to). */
export function openWithSystemBrowser(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

async function promptForRole(roles: RoleOption[]): Promise<number | undefined> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write('The SAML assertion offers several roles:\n');
    roles.forEach((r, i) => process.stderr.write(`  [${i + 1}] ${r.roleName} (${r.roleArn})\n`));
    for (;;) {
      const answer = (await rl.question(`Choose a role [1-${roles.length}]: `)).trim();
      const index = /^[0-9]{1,3}$/.test(answer) ? Number(answer) - 1 : -1;
      if (roles[index]) return index;
      process.stderr.write(`Type a number from 1 to ${roles.length}.\n`);
    }
  } finally {
    rl.close();
  }
}

export function processIo(signal?: AbortSignal): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    openUrl: openWithSystemBrowser,
    chooseRole: promptForRole,
    signal,
  };
}

/** An AbortSignal fired by Ctrl-C (SIGINT) or SIGTERM while `run` is in progress. */
export async function withInterrupts<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort(new Error('Cancelled: nothing was written.'));
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

const GATEWAY_TIMEOUT_MS = 30_000;

/** A commander argParser for a whole number of seconds (or another unit; at most 6 digits). */
export function secondsOption(name: string, unit = 'seconds') {
  return (value: string): number => {
    if (!/^[0-9]{1,6}$/.test(value))
      throw new Error(`${name} must be a whole number of ${unit}, not ${value}.`);
    return Number(value);
  };
}

/** A gateway base URL: http(s), no query or fragment; returned without the trailing slash. */
export function gatewayBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--gateway ${JSON.stringify(raw)} is not a URL (e.g. https://signin.example.com).`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username)
    throw new Error(`--gateway must be an http(s) URL without query, fragment or credentials, not ${raw}.`);
  return url.href.replace(/\/+$/, '');
}

/** POST a form to the gateway and return its JSON, or throw the Alibaba error as a readable message. */
export function postToGateway(
  url: string,
  form: Record<string, string>,
  signal?: AbortSignal,
): Promise<unknown> {
  return callGateway(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form),
    },
    signal,
  );
}

/** GET JSON from the gateway, or throw the Alibaba error as a readable message. */
export function getFromGateway(url: string, signal?: AbortSignal): Promise<unknown> {
  return callGateway(url, { headers: { accept: 'application/json' } }, signal);
}

async function callGateway(url: string, init: RequestInit, signal?: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(GATEWAY_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(
      `Cannot reach the gateway at ${new URL(url).origin} (${reason}): is it running, and is --gateway right?`,
    );
  }
  const text = await res.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (res.ok && body) return body;
  if (body && typeof body.Code === 'string') {
    throw new Error(
      `The gateway refused: ${body.Code}: ${String(body.Message)} (RequestId ${String(body.RequestId)})`,
    );
  }
  throw new Error(`The gateway answered HTTP ${res.status} at ${url}: ${text.slice(0, 200)}`);
}
