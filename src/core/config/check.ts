/**
 * Every problem of a config file at once: the config is applied to a scratch in-memory directory
 * (same Alibaba rules, same metadata check) collecting each failed step with its path and line,
 * before anything touches the real store. A clean dry run is then applied for real.
 */
import { Directory } from '../ram/index.js';
import { MemoryStore } from '../store/memory.js';
import { applyConfig, type ApplyOptions } from './apply.js';
import type { LoadedConfig } from './load.js';
import { configProblemsError, type ConfigProblem } from './problems.js';

export type CheckOptions = Omit<ApplyOptions, 'problems' | 'source' | 'baseDir'> & {
  validateIdpMetadata: (document: string) => { entityId: string };
};

/**
 * Throws one InvalidParameter.Config error listing every problem of the file, in line order: the
 * schema problems a `collect` load found, and the rest found in the part that passed the schema.
 */
export async function checkConfig(loaded: LoadedConfig, options: CheckOptions): Promise<void> {
  const { validateIdpMetadata, ...apply } = options;
  const store = await MemoryStore.open();
  try {
    const scratch = new Directory({ store: store.directory, validateIdpMetadata });
    const found: ConfigProblem[] = [];
    await applyConfig(scratch, loaded.config, { ...apply, baseDir: loaded.baseDir, problems: found });
    const toFile = loaded.originalPath ?? ((path) => path);
    const problems = [
      ...(loaded.schemaProblems ?? []),
      ...found.map((p) => ({ ...p, path: toFile(p.path) })),
    ];
    if (problems.length > 0)
      throw configProblemsError(
        loaded.text !== undefined ? { name: loaded.source, text: loaded.text } : undefined,
        problems,
      );
  } finally {
    await store.close();
  }
}
