/**
 * A fresh copy of this repository (what `git clone` gives: the tracked files, as they are in the
 * working tree), the README's first two commands, and a way to run a command until the gateway's
 * "listening" banner. Shared by test/integration/fresh-start.test.ts and bench/fresh-start.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');

/** Copy the files git tracks (working-tree content, modes kept) into `dest`: a clone without the history. */
export function copyTrackedFiles(dest: string): number {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(join(REPO, f)));
  for (const file of files) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(REPO, file), join(dest, file));
  }
  return files.length;
}

/** The README's opening block: one command that runs the gateway, one that runs the test suite (comments dropped). */
export function readmeFirstCommands(readme = readFileSync(join(REPO, 'README.md'), 'utf8')): string[] {
  const block = /^# ramgate\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md does not open with a sh block after its title');
  return block
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.replace(/\s+#.*$/, '').trim());
}

/** npm never leaves loopback in a test: everything comes from the npm cache the CI's own `npm ci` filled. */
export function offlineNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    RAMGATE_LOG_LEVEL: 'warn',
    ...extra,
  };
}

export interface Listening {
  url: string;
  /** Milliseconds from spawn to the banner. */
  ms: number;
  output: () => string;
  stop: () => Promise<void>;
}

/** Run `command` with sh in `cwd` until it prints "ramgate is listening on <url>" (rejects if it exits first). */
export function runUntilListening(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 300_000,
): Promise<Listening> {
  const started = performance.now();
  const child = spawn('sh', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        /* already gone */
      }
      await exited;
    }
  };
  return new Promise<Listening>((resolveListening, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no "listening" banner after ${timeoutMs} ms from: ${command}\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /ramgate is listening on (https?:\/\/\S+)\n/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolveListening({ url, ms: performance.now() - started, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

/** npx cache entries (`~/.npm/_npx/<hash>`) that link or hold the package at `dir` (what `npx ramgate` makes in a clone). */
export function npxEntriesFor(dir: string): string[] {
  const root = join(process.env.npm_config_cache ?? join(homedir(), '.npm'), '_npx');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((hash) => join(root, hash))
    .filter((entry) => {
      const linked = join(entry, 'node_modules', 'ramgate');
      if (!existsSync(linked)) return false;
      const stat = statSync(linked, { throwIfNoEntry: false });
      if (!stat) return false;
      try {
        return resolve(join(entry, 'node_modules'), readlinkSync(linked)) === resolve(dir);
      } catch {
        return false; // a packed copy, not a link to `dir`
      }
    });
}
