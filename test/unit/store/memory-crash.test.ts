import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/core/store/memory.js';
import { WINDOW, itemKey } from './crash-writer.js';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
let dataDir: string;
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs the writer until it acknowledged `acks` more batches, waits a random moment, SIGKILLs it. */
async function runAndKill(acks: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').length > acks) resolve();
    });
    void exited.then(() => reject(new Error(`the writer exited early: ${err}`)));
  });
  await sleep(Math.random() * 15);
  child.kill('SIGKILL');
  await exited;
  const acknowledged = out.split('\n').filter((line) => /^\d+$/.test(line));
  return Number(acknowledged.at(-1));
}

describe('memory store crash safety', () => {
  it('reloads a consistent directory holding every acknowledged batch after SIGKILL at random points', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ramgate-crash-'));
    for (let round = 0; round < 8; round++) {
      const lastAcknowledged = await runAndKill(5 + Math.floor(Math.random() * 20));
      const store = await MemoryStore.open({ dataDir });
      const counter = (await store.directory.get('1', 'meta', 'counter'))?.n as number;
      // Durable: nothing acknowledged is lost; at most the one batch in flight made it too.
      expect(counter).toBeGreaterThanOrEqual(lastAcknowledged);
      expect(counter).toBeLessThanOrEqual(lastAcknowledged + 1);
      // Consistent: exactly the items of that counter, each complete.
      const items = await store.directory.list('1', 'item');
      const first = Math.max(1, counter - WINDOW + 1);
      expect(items.map((item) => item.key)).toEqual(
        Array.from({ length: counter - first + 1 }, (_, i) => itemKey(first + i)),
      );
      expect(items.every((item) => item.value.n === Number(item.key.slice(5)))).toBe(true);
      await store.close();
    }
  });
});
