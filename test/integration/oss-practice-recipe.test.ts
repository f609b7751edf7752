/**
 * docs/oss-sts-practice.md, run as written: its `recipe` blocks in order against a demo gateway,
 * each output compared with the `recipe-output` block after it. A change to the simulator, the
 * policy engine or the CLI's output that the doc does not follow fails here.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';

const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const doc = readFileSync(join(repo, 'docs/oss-sts-practice.md'), 'utf8');

type Block = { lang: string; info: string; body: string };
const blocks: Block[] = [...doc.matchAll(/```(\w+) (recipe[^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1] ?? '',
  info: m[2] ?? '',
  body: m[3] ?? '',
}));

let gateway: RunningGateway;
let home: string;
// Inside node_modules, so that the script's bare imports resolve to this repository's packages.
const scripts = join(repo, 'node_modules/.cache/ramgate-recipe');

beforeAll(async () => {
  gateway = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
  home = mkdtempSync(join(tmpdir(), 'ramgate-recipe-home-'));
  mkdirSync(scripts, { recursive: true });
});
afterAll(async () => {
  await gateway?.close();
  rmSync(home, { recursive: true, force: true });
});

async function execute(block: Block): Promise<{ stdout: string; code: number }> {
  const env = { ...process.env, HOME: home, GATEWAY: gateway.url };
  const argv =
    block.lang === 'js'
      ? (() => {
          const file = join(scripts, /recipe=(\S+)/.exec(block.info)?.[1] ?? 'script.mjs');
          writeFileSync(file, block.body);
          return ['node', [file]] as const;
        })()
      : ([
          'bash',
          ['-c', `ramgate() { node ${join(repo, 'bin/ramgate.js')} "$@"; }\nset -e\n${block.body}`],
        ] as const);
  try {
    const { stdout } = await run(argv[0], [...argv[1]], { env, timeout: 60_000 });
    return { stdout, code: 0 };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { stdout: e.stdout ?? '', code: e.code };
  }
}

describe('docs/oss-sts-practice.md', () => {
  it('has commands and their expected outputs', () => {
    expect(blocks.filter((b) => b.info.startsWith('recipe-output')).length).toBeGreaterThanOrEqual(6);
  });

  it('runs every command as written and prints what the doc says', { timeout: 120_000 }, async () => {
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i] as Block;
      if (block.info.startsWith('recipe-output')) continue;
      const result = await execute(block);
      const expectedExit = Number(/exit=(\d+)/.exec(block.info)?.[1] ?? 0);
      expect([block.body.slice(0, 80), result.code]).toEqual([block.body.slice(0, 80), expectedExit]);
      const next = blocks[i + 1];
      if (next?.info.startsWith('recipe-output')) expect(result.stdout).toBe(next.body);
    }
  });
});
