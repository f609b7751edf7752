/**
 * The in-memory ephemeral store must hold only the characters it was given. V8 keeps a substring
 * as a slice of its parent, so a replay key cut from a decoded SAMLResponse used to keep the whole
 * document alive until the entry expired (~13 KB per login; a gigabyte per ~80,000 logins).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MemoryEphemeral } from '../../../src/core/store/memory-ephemeral.js';

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/** A fresh 64 KB one-byte string per call (never shared between calls). */
function largeDocument(i: number): string {
  return `<Response ID="_${i.toString(16).padStart(32, '0')}">${'x'.repeat(64 * 1024)}</Response>`;
}

describe('memory ephemeral store: what entries keep alive', () => {
  it('keys and values cut from large strings do not keep those strings alive', async () => {
    const store = new MemoryEphemeral();
    const entries = 2_000;
    const before = heapAfterGc();
    for (let i = 0; i < entries; i++) {
      const doc = largeDocument(i);
      const id = doc.slice(14, 47); // "_000…": a slice of the 64 KB document
      const issuer = doc.slice(1, 9); // "Response"
      await store.putIfAbsent(`saml:replay:${id}`, issuer, 60_000);
      await store.set(`pending:${id}`, doc.slice(14, 30), 60_000);
    }
    const grown = heapAfterGc() - before;
    store.close();
    // Retained documents would be 2,000 × 64 KB = 128 MB; the entries themselves are well under 2 MB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});
