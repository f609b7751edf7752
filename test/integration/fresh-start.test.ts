/**
 * Issue 16 point 13: the README's run command, as written, in a fresh copy of the repository. `npm ci`
 * (here from the npm cache only: no test leaves loopback) builds dist/ through `prepare`, and the gateway
 * then starts from that dist/, not from a copy npx installs into its cache. How long it takes is
 * bench/fresh-start.ts's business (`npm run bench:fresh-start`); this file asserts what happens.
 * Also: the package ships dist/ and runs without dev dependencies (samlify and saxes are bench-only).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis.js';
import {
  REPO,
  copyTrackedFiles,
  npxEntriesFor,
  offlineNpmEnv,
  readmeFirstCommands,
  runUntilListening,
} from '../support/fresh-clone.js';

const run = promisify(execFile);

describe("the README's first two commands", () => {
  it('are one that runs the gateway (demo) and one that runs the whole suite, as .ci/run does', () => {
    const [serve, test, ...more] = readmeFirstCommands();
    expect(more).toEqual([]);
    expect(serve).toBe('npm ci && npm start -- --demo');
    expect(test).toBe('npm ci && npm test');
    const ci = readFileSync(join(REPO, '.ci/run'), 'utf8');
    expect(ci.split('\n').filter((l) => /^npm /.test(l))).toEqual(['npm ci', 'npm test']);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe('node bin/ramgate.js serve');
    expect(pkg.scripts.prepare).toBe('npm run build');
  });
});

describe('in a fresh copy of the repository', { timeout: 400_000 }, () => {
  let clone: string;
  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'ramgate-fresh-'));
    expect(copyTrackedFiles(clone)).toBeGreaterThan(100);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
  });
  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it("the README's run command, run literally, builds dist/ and starts the demo gateway from it", async () => {
    const [command] = readmeFirstCommands();
    const port = await freePort(); // RAMGATE_PORT: the command stays as written
    const gateway = await runUntilListening(
      command as string,
      clone,
      offlineNpmEnv({ RAMGATE_PORT: String(port) }),
    );
    try {
      expect(gateway.url).toBe(`http://127.0.0.1:${port}`);
      expect(existsSync(join(clone, 'dist', 'cli', 'main.js'))).toBe(true);
      const home = await fetch(`${gateway.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('demo');
      const stsMetadata = await fetch(`${gateway.url}/saml-role/sp-metadata.xml`);
      expect(stsMetadata.status).toBe(200);
      // The gateway runs from the copy itself: npx did not install the copy into its cache.
      expect(npxEntriesFor(clone)).toEqual([]);
      expect(gateway.output()).toContain('> node bin/ramgate.js serve --demo');
    } finally {
      await gateway.stop();
    }
  });

  it('the package ships dist/ and runs without its dev dependencies (samlify and saxes are bench-only)', async () => {
    // dist/ is there from the test above (npm ci ran prepare); list the package as it would be published.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
      cwd: clone,
      env: offlineNpmEnv(),
    });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = packed?.files.map((f) => f.path) ?? [];
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('bin/ramgate.js');
    expect(files).toContain('config/demo.yaml');
    expect(files.filter((f) => /^(src|test|bench)\//.test(f))).toEqual([]);

    // A production install: what the lockfile keeps without dev dependencies (offline, from node_modules).
    await run('npm', ['prune', '--omit=dev'], { cwd: clone, env: offlineNpmEnv() });
    const modules = join(clone, 'node_modules');
    for (const devOnly of ['samlify', 'saxes', 'typescript', 'vitest'])
      expect(existsSync(join(modules, devOnly)), `${devOnly} is not installed in production`).toBe(false);
    expect(existsSync(join(modules, 'koa'))).toBe(true);
    const gateway = await runUntilListening(
      'node bin/ramgate.js serve --demo --port 0',
      clone,
      offlineNpmEnv(),
    );
    try {
      expect((await fetch(`${gateway.url}/`)).status).toBe(200);
      const login = await fetch(`${gateway.url}/login?provider=1234567890123456:demo-idp`, {
        redirect: 'manual',
      });
      expect(login.status).toBe(302);
    } finally {
      await gateway.stop();
    }
  });
});
