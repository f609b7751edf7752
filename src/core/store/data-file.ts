import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const DIRECTORY_FILE = 'directory.json';

/**
 * A data file of the memory store (the directory; the security-state snapshot), replaced atomically: the new content goes to a
 * temporary file that is fsynced and renamed over the old one, then the directory is fsynced so
 * the rename itself is durable. A crash at any point leaves either the old or the new file.
 * One process per data directory.
 */
export class DataFile {
  readonly path: string;
  private readonly tempPath: string;

  constructor(
    private readonly dir: string,
    name = DIRECTORY_FILE,
  ) {
    this.path = join(dir, name);
    this.tempPath = join(dir, `${name}.tmp`);
  }

  /** The current content, or undefined when no file was written yet. Removes a leftover temp file. */
  async read(): Promise<string | undefined> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await rm(this.tempPath, { force: true });
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(content: string): Promise<void> {
    const file = await open(this.tempPath, 'w', 0o600);
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(this.tempPath, this.path);
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
