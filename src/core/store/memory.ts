import { DataFile } from './data-file.js';
import { MemoryDirectory } from './memory-directory.js';
import { MemoryEphemeral, type MemoryEphemeralOptions } from './memory-ephemeral.js';
import { StoreUnavailableError, type Store } from './types.js';

export type MemoryStoreOptions = MemoryEphemeralOptions & {
  /** Persist the directory to `<dataDir>/directory.json` after every batch; memory only when absent. */
  dataDir?: string;
};

/** The embedded store of a single gateway process. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private closed = false;

  private constructor(
    readonly directory: MemoryDirectory,
    readonly ephemeral: MemoryEphemeral,
  ) {}

  /** Open the store, loading the directory from the data file when there is one. */
  static async open(options: MemoryStoreOptions = {}): Promise<MemoryStore> {
    const file = options.dataDir === undefined ? undefined : new DataFile(options.dataDir);
    const directory = await MemoryDirectory.open(file);
    return new MemoryStore(directory, new MemoryEphemeral(options));
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StoreUnavailableError('The memory store is closed.');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ephemeral.close();
    await this.directory.close();
  }
}
