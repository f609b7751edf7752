import { mkdir } from 'node:fs/promises';
import { DataDirLock } from './data-dir-lock.js';
import { DataFile } from './data-file.js';
import { MemoryDirectory } from './memory-directory.js';
import { MemoryEphemeral, type MemoryEphemeralOptions } from './memory-ephemeral.js';
import { SecurityJournal } from './security-journal.js';
import { StoreUnavailableError, type Store } from './types.js';

export type MemoryStoreOptions = Omit<MemoryEphemeralOptions, 'journal'> & {
  /**
   * Persist the directory to `<dataDir>/directory.json` after every batch, and the security state
   * (replay records, nonces, revocations) to `<dataDir>/security-state.jsonl`; memory only when
   * absent. The directory is locked: a second process on it is refused (DataDirLockedError).
   */
  dataDir?: string;
};

type Persistence = { lock: DataDirLock; journal: SecurityJournal };

/** The embedded store of a single gateway process. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private closed = false;

  private constructor(
    readonly directory: MemoryDirectory,
    readonly ephemeral: MemoryEphemeral,
    private readonly persistence: Persistence | undefined,
  ) {}

  /** Whether replay records, nonces and revocations survive a restart (a data dir is kept). */
  get persistent(): boolean {
    return this.persistence !== undefined;
  }

  /** Open the store: lock the data dir and load the directory and security state from it, when there is one. */
  static async open(options: MemoryStoreOptions = {}): Promise<MemoryStore> {
    if (options.dataDir === undefined) {
      return new MemoryStore(await MemoryDirectory.open(undefined), new MemoryEphemeral(options), undefined);
    }
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const lock = await DataDirLock.acquire(options.dataDir);
    try {
      const directory = await MemoryDirectory.open(new DataFile(options.dataDir));
      const journal = await SecurityJournal.open(options.dataDir);
      const ephemeral = new MemoryEphemeral({ ...options, journal });
      ephemeral.restore(journal.entries());
      journal.compactFrom({ count: () => ephemeral.securityCount, entries: () => ephemeral.securityState() });
      return new MemoryStore(directory, ephemeral, { lock, journal });
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StoreUnavailableError('The memory store is closed.');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ephemeral.close();
    await this.directory.close();
    await this.persistence?.journal.close();
    await this.persistence?.lock.release();
  }
}
