/**
 * The memory store's security state (replay records, request nonces, revocation watermarks) kept in
 * `<dataDir>/security-state.jsonl` so a restart does not re-open replays or un-revoke sessions:
 * every write is appended as one JSON line before the store answers (the kernel has it when the
 * process dies, even by SIGKILL), the file is fsynced every second and when the store closes, and at
 * open it is read back (expired entries dropped) and rewritten compactly. Budgeted entries (pending
 * sign-ins, sessions, codes, rate buckets) are not kept: a restart forgets them.
 */
import { closeSync, fsync, openSync, writeSync } from 'node:fs';
import { DataFile } from './data-file.js';
import type { EphemeralJournal } from './memory-ephemeral.js';

const FILE_NAME = 'security-state.jsonl';
const FSYNC_INTERVAL_MS = 1000;
/** Rewrite the file when it holds this many lines more than twice the live entries. */
const COMPACT_SLACK = 10_000;

export type JournalEntry = { key: string; value: string; expiresAtEpochMs: number };
/** The store's live security state: how many entries (cheap, every second) and the entries (compaction). */
export type CompactionSource = { count: () => number; entries: () => Iterable<JournalEntry> };
type Line = { k: string; v?: string; e?: number; d?: 1 };

export class SecurityJournal implements EphemeralJournal {
  private fd: number;
  private dirty = false;
  private lines: number;
  private readonly timer: NodeJS.Timeout;
  private source: CompactionSource | undefined;
  /** Lines appended while a compaction is being written (they go to the new file too). */
  private compacting: string[] | undefined;

  private constructor(
    private readonly file: DataFile,
    private readonly restored: JournalEntry[],
  ) {
    this.fd = openSync(file.path, 'a', 0o600);
    this.lines = restored.length;
    this.timer = setInterval(() => this.flush(), FSYNC_INTERVAL_MS);
    this.timer.unref();
  }

  /** Read the kept state (live entries only) and rewrite the file with just those. */
  static async open(dir: string): Promise<SecurityJournal> {
    const file = new DataFile(dir, FILE_NAME);
    const live = replay((await file.read()) ?? '', Date.now());
    await file.write(live.map((e) => `${JSON.stringify(line(e))}\n`).join(''));
    return new SecurityJournal(file, live);
  }

  /** The entries read at open. */
  entries(): JournalEntry[] {
    return this.restored;
  }

  /** Where compaction reads the live state from (the store). */
  compactFrom(source: CompactionSource): void {
    this.source = source;
  }

  put(key: string, value: string, expiresAtEpochMs: number): void {
    this.append({ k: key, v: value, e: expiresAtEpochMs });
  }

  delete(key: string): void {
    this.append({ k: key, d: 1 });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((resolve) => fsync(this.fd, () => resolve()));
    closeSync(this.fd);
  }

  private append(entry: Line): void {
    const text = `${JSON.stringify(entry)}\n`;
    writeSync(this.fd, text);
    this.compacting?.push(text);
    this.dirty = true;
    this.lines += 1;
  }

  private flush(): void {
    if (this.source && !this.compacting && this.lines > 2 * this.source.count() + COMPACT_SLACK)
      return void this.compact([...this.source.entries()]);
    if (!this.dirty) return;
    this.dirty = false;
    fsync(this.fd, () => undefined);
  }

  /** Replace the file by the live entries; appends go to the new file from then on. */
  private compact(live: JournalEntry[]): void {
    const fd = this.fd;
    const appended: string[] = [];
    this.compacting = appended;
    this.file.write(live.map((e) => `${JSON.stringify(line(e))}\n`).join('')).then(
      () => {
        this.fd = openSync(this.file.path, 'a', 0o600);
        closeSync(fd);
        for (const text of appended) writeSync(this.fd, text);
        this.lines = live.length + appended.length;
        this.compacting = undefined;
      },
      () => (this.compacting = undefined), // the old file still holds everything; tried again later
    );
  }
}

function line(entry: JournalEntry): Line {
  return { k: entry.key, v: entry.value, e: entry.expiresAtEpochMs };
}

/** The live entries a journal text leaves; a torn last line (a crash mid-write) is ignored. */
export function replay(text: string, now: number): JournalEntry[] {
  const state = new Map<string, JournalEntry>();
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let entry: Line;
    try {
      entry = JSON.parse(raw) as Line;
    } catch {
      continue;
    }
    if (typeof entry.k !== 'string') continue;
    if (entry.d) state.delete(entry.k);
    else if (typeof entry.v === 'string' && typeof entry.e === 'number')
      state.set(entry.k, { key: entry.k, value: entry.v, expiresAtEpochMs: entry.e });
  }
  return [...state.values()].filter((e) => e.expiresAtEpochMs > now);
}
