/** The memory store's data dir: security state kept across reopen (until it expires), the lock. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../../src/core/store/data-dir-lock.js';
import { MemoryStore } from '../../../src/core/store/index.js';
import { replay } from '../../../src/core/store/security-journal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ramgate-persist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('memory store security state across a restart', () => {
  it('keeps replay records, nonces and revocations until they expire, and forgets budgeted state', async () => {
    const first = await MemoryStore.open({ dataDir: dir });
    expect(first.persistent).toBe(true);
    const e = first.ephemeral;
    expect(await e.putIfAbsent('saml:replay:idp:_a1', '1', 60_000)).toBe(true);
    expect(await e.putIfAbsent('rpc-nonce:LTAI:n1', '1', 60_000)).toBe(true);
    await e.set('revoke:42:admin', '100', 60_000);
    await e.set('revoke:42:admin', '200', 60_000);
    await e.putIfAbsent('saml:replay:idp:_short', '1', 100);
    await e.set('saml:replay:idp:_deleted', '1', 60_000);
    await e.delete('saml:replay:idp:_deleted');
    await e.set('saml:authn:_pending', '{}', 60_000, '192.0.2.1');
    await e.set('console:session:s', '{}', 60_000, '192.0.2.1');
    await first.close();
    await sleep(150);

    const second = await MemoryStore.open({ dataDir: dir });
    const f = second.ephemeral;
    expect(await f.putIfAbsent('saml:replay:idp:_a1', '1', 60_000)).toBe(false);
    expect(await f.putIfAbsent('rpc-nonce:LTAI:n1', '1', 60_000)).toBe(false);
    expect(await f.get('revoke:42:admin')).toBe('200');
    expect(await f.get('saml:replay:idp:_short')).toBeUndefined();
    expect(await f.get('saml:replay:idp:_deleted')).toBeUndefined();
    expect(await f.get('saml:authn:_pending')).toBeUndefined();
    expect(await f.get('console:session:s')).toBeUndefined();
    await second.close();
    // The file was rewritten compactly at open: the expired and deleted entries are gone from it.
    const kept = readFileSync(join(dir, 'security-state.jsonl'), 'utf8');
    expect(kept).not.toContain('_short');
    expect(kept).not.toContain('_deleted');
  });

  it('compacts the file while running, keeping every entry written before and during it', async () => {
    const store = await MemoryStore.open({ dataDir: dir });
    for (let i = 0; i <= 10_500; i++) await store.ephemeral.set('revoke:42:admin', String(i), 60_000);
    const file = join(dir, 'security-state.jsonl');
    expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThan(10_000);
    for (let i = 0; i < 40 && readFileSync(file, 'utf8').split('\n').length > 100; i++) {
      await sleep(100);
      await store.ephemeral.putIfAbsent(`saml:replay:idp:_during${i}`, '1', 60_000);
    }
    expect(readFileSync(file, 'utf8').split('\n').length).toBeLessThan(100);
    await store.ephemeral.putIfAbsent('saml:replay:idp:_after', '1', 60_000);
    await store.close();
    const reopened = await MemoryStore.open({ dataDir: dir });
    expect(await reopened.ephemeral.get('revoke:42:admin')).toBe('10500');
    expect(await reopened.ephemeral.get('saml:replay:idp:_during0')).toBe('1');
    expect(await reopened.ephemeral.get('saml:replay:idp:_after')).toBe('1');
    await reopened.close();
  });

  it('ignores a torn last line (a crash in the middle of a write)', () => {
    const future = Date.now() + 60_000;
    const text = `${JSON.stringify({ k: 'a', v: '1', e: future })}\n{"k":"b","v":"1","e":`;
    expect(replay(text, Date.now())).toEqual([{ key: 'a', value: '1', expiresAtEpochMs: future }]);
  });

  it('writes each security entry to the file before answering (what a SIGKILL leaves is complete)', async () => {
    const first = await MemoryStore.open({ dataDir: dir });
    await first.ephemeral.putIfAbsent('saml:replay:idp:_k', '1', 60_000);
    // Not closed, as after a SIGKILL: the entry is in the file already.
    const lines = readFileSync(join(dir, 'security-state.jsonl'), 'utf8');
    expect(lines).toContain('saml:replay:idp:_k');
    await first.close();
  });
});

describe('data dir lock', () => {
  it('refuses a second store on the same dir, naming the holder, until the first closes', async () => {
    const first = await MemoryStore.open({ dataDir: dir });
    const error = await MemoryStore.open({ dataDir: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    await first.close();
    const again = await MemoryStore.open({ dataDir: dir });
    await again.close();
  });

  it('takes over the lock of a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, 'lock'), `${gone.stdout.toString()}\n`);
    const store = await MemoryStore.open({ dataDir: dir });
    expect(readFileSync(join(dir, 'lock'), 'utf8').trim()).toBe(String(process.pid));
    await store.close();
  });

  it('refuses a lock file of a live process even if it is not ours', async () => {
    appendFileSync(join(dir, 'lock'), '1\n'); // pid 1 is always alive
    await expect(MemoryStore.open({ dataDir: dir })).rejects.toThrow(/pid 1\)/);
  });
});
