/**
 * One process per data directory: `<dir>/lock` is created exclusively and holds the owner's pid.
 * A second process refuses to start, naming the holder. A lock whose process is gone (a crash) is
 * taken over: it is first renamed aside (atomic, so of two processes racing for a stale lock only
 * one moves it) and the new lock is created exclusively again.
 */
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holderPid: number | undefined,
  ) {
    super(
      `The data directory ${dir} is in use by another ramgate process` +
        (holderPid === undefined ? '' : ` (pid ${holderPid})`) +
        `: one process per --data-dir (stop it, or give this one another directory).`,
    );
    this.name = 'DataDirLockedError';
  }
}

export class DataDirLock {
  private constructor(private readonly path: string) {}

  static async acquire(dir: string): Promise<DataDirLock> {
    const path = join(dir, 'lock');
    if (await create(path)) return new DataDirLock(path);
    const holder = await holderOf(path);
    if (holder !== undefined && alive(holder)) throw new DataDirLockedError(dir, holder);
    // Stale: move it aside; only the process whose rename succeeded may create the new lock.
    const aside = `${path}.stale.${process.pid}`;
    try {
      await rename(path, aside);
    } catch {
      throw new DataDirLockedError(dir, await holderOf(path));
    }
    await rm(aside, { force: true });
    if (await create(path)) return new DataDirLock(path);
    throw new DataDirLockedError(dir, await holderOf(path));
  }

  /** Remove the lock if it is still ours. */
  async release(): Promise<void> {
    if ((await holderOf(this.path)) === process.pid) await rm(this.path, { force: true });
  }
}

/**
 * Create the lock file with our pid; false when it exists. Written aside first and hard-linked in
 * place, so the lock never exists without its pid (an empty lock would look stale to a racer).
 */
async function create(path: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(`${process.pid}\n`, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

async function holderOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
