/**
 * Debian's nginx on loopback, running a site file of the repo (docs/deployment/nginx-ramgate.conf)
 * with only its lines marked `# test: <label>` replaced: every marked label must be given a
 * replacement and every replacement must be used, so the file under test is the file in the guide.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
const MARK = /^(\s*).*# test: (.+?)\s*$/;

export interface Nginx {
  process: ChildProcess;
  /** The site file as nginx runs it. */
  site: string;
  errorLog(): string;
  accessLog(): string;
  stop(): Promise<void>;
}

/** The site file with each marked line replaced by `replacements[label]` (indented as the original). */
export function siteForTest(file: string, replacements: Record<string, string>): string {
  const unused = new Set(Object.keys(replacements));
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => {
      const mark = MARK.exec(line);
      if (!mark) return line;
      const [, indent = '', label = ''] = mark;
      const replacement = replacements[label];
      if (replacement === undefined)
        throw new Error(`${file}: no replacement for the line marked "${label}"`);
      unused.delete(label);
      return `${indent}${replacement} # test: ${label}`;
    });
  if (unused.size) throw new Error(`${file}: no line is marked ${[...unused].join(', ')}`);
  return lines.join('\n');
}

export async function startNginx(options: {
  dir: string;
  siteFile: string;
  replacements: Record<string, string>;
  /** A port nginx listens on (127.0.0.1), polled until it accepts. */
  readyPort: number;
}): Promise<Nginx> {
  const { dir } = options;
  await mkdir(join(dir, 'temp'), { recursive: true });
  await chmod(join(dir, 'temp'), 0o777); // the workers (nobody) buffer bodies there
  const site = siteForTest(options.siteFile, options.replacements);
  await writeFile(join(dir, 'ramgate.conf'), site);
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'temp', name)};`;
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} info;`,
      'daemon off;',
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}`,
      `  include ${join(dir, 'ramgate.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) =>
      reject(new Error(`cannot run ${NGINX} (${e.message}); scripts/ensure-system-deps.sh installs it`)),
    ),
  );
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([accepts(options.readyPort), spawnError]))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`nginx did not start: ${output}${read('error.log')}`);
    await sleep(50);
  }
  return {
    process: child,
    site,
    errorLog: () => read('error.log'),
    accessLog: () => read('access.log'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
