/**
 * Child process of the crash test: opens a memory store on the data dir given as argument and
 * writes batches forever, printing the number of each batch once it resolved. Every batch moves a
 * counter to n, creates item n and deletes item n-WINDOW, so a consistent directory holds exactly
 * the items (n-WINDOW, n] for its counter n.
 */
import { pathToFileURL } from 'node:url';
import { MemoryStore } from '../../../src/core/store/memory.js';

export const WINDOW = 50;
export const itemKey = (n: number) => `item-${String(n).padStart(9, '0')}`;

async function main(dataDir: string): Promise<void> {
  const store = await MemoryStore.open({ dataDir });
  const counter = await store.directory.get('1', 'meta', 'counter');
  let n = typeof counter?.n === 'number' ? counter.n : 0;
  const padding = 'x'.repeat(4000);
  for (;;) {
    n += 1;
    const result = await store.directory.batch([
      { op: 'put', scope: '1', collection: 'meta', key: 'counter', value: { n } },
      { op: 'create', scope: '1', collection: 'item', key: itemKey(n), value: { n, padding } },
      ...(n > WINDOW
        ? [{ op: 'delete' as const, scope: '1', collection: 'item', key: itemKey(n - WINDOW) }]
        : []),
    ]);
    if (!result.ok) throw new Error(`batch ${n} failed: ${JSON.stringify(result)}`);
    process.stdout.write(`${n}\n`);
  }
}

const [, script, dataDir] = process.argv;
if (script && dataDir && import.meta.url === pathToFileURL(script).href) {
  main(dataDir).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(2);
  });
}
