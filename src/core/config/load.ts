/** Reading the declarative config: YAML or JSON text → validated RamgateConfig, every problem with its line. */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  configProblemsError,
  explainFileError,
  type ConfigPath,
  type ConfigProblem,
  type ConfigSource,
} from './problems.js';
import { pruneToValid } from './prune.js';
import { configSchema, type RamgateConfig } from './schema.js';

export { formatPath } from './problems.js';

/** A config larger than this is refused before parsing. */
export const MAX_CONFIG_CHARS = 4 * 1024 * 1024;

export type LoadedConfig = {
  config: RamgateConfig;
  baseDir: string;
  source: string;
  /** The file's text: problems found later (while applying) name its lines. */
  text?: string;
  /**
   * Only when loaded with `collect`: the file's schema problems. `config` is then the part that
   * passes the schema (to find its other problems in the same run; never to apply), and
   * `originalPath` maps its paths back to the file's.
   */
  schemaProblems?: ConfigProblem[];
  originalPath?: (path: ConfigPath) => ConfigPath;
};

function configError(source: string, problems: string[]): Error {
  return configProblemsError(
    { name: source, text: '' },
    problems.map((message) => ({ path: [], message })),
  );
}

function formatIssues(issues: z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.map((issue) => ({ path: issue.path as ConfigProblem['path'], message: issue.message }));
}

function lineOfParseError(e: unknown): number | undefined {
  const yamlLine = (e as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
  return typeof yamlLine === 'number' ? yamlLine : undefined;
}

function parseText(text: string, format: 'yaml' | 'json', source: string): unknown {
  try {
    if (format === 'json') return JSON.parse(text) as unknown;
    return parseYaml(text, {
      strict: true,
      uniqueKeys: true,
      maxAliasCount: 100,
      prettyErrors: true,
    }) as unknown;
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? '';
    throw configProblemsError({ name: source, text }, [
      { path: [], line: lineOfParseError(e), message: `cannot parse as ${format.toUpperCase()}: ${message}` },
    ]);
  }
}

function validate(document: unknown) {
  const result = configSchema.safeParse(document);
  return result.success
    ? { ok: true as const, value: result.data }
    : { ok: false as const, problems: formatIssues(result.error.issues) };
}

type ParseOptions = { format?: 'yaml' | 'json'; source?: string };

/** Parse and validate config text; with schema problems, the part of it that passes, if any. */
function parseCollecting(
  text: string,
  options: ParseOptions,
): Pick<LoadedConfig, 'schemaProblems' | 'originalPath'> & { config?: RamgateConfig } {
  const source = options.source ?? '(inline)';
  if (text.length > MAX_CONFIG_CHARS)
    throw configError(source, [`it is larger than ${MAX_CONFIG_CHARS} characters`]);
  const parsed = parseText(text, options.format ?? 'yaml', source);
  const result = validate(parsed);
  if (result.ok) return { config: result.value };
  const paths = result.problems.map((p) => p.path);
  const pruned = pruneToValid(parsed, paths, (document) => {
    const again = validate(document);
    return again.ok ? again : { ok: false, paths: again.problems.map((p) => p.path) };
  });
  return {
    schemaProblems: result.problems,
    ...(pruned ? { config: pruned.value, originalPath: pruned.originalPath } : {}),
  };
}

/** Parse and validate config text. `source` names it in errors. */
export function parseConfig(text: string, options: ParseOptions = {}): RamgateConfig {
  const parsed = parseCollecting(text, options);
  if (parsed.schemaProblems || !parsed.config)
    throw configProblemsError(
      { name: options.source ?? '(inline)', text } satisfies ConfigSource,
      parsed.schemaProblems ?? [],
    );
  return parsed.config;
}

/**
 * Read and validate a config file; `.json` files are read as strict JSON, anything else as YAML.
 * Schema problems throw, unless `collect` asks for them in `schemaProblems` with the part of the
 * file that passes (throws when no part does).
 */
export async function loadConfigFile(
  path: string,
  options: { collect?: boolean } = {},
): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    throw configError(path, [`cannot read the config file: ${explainFileError(e, absolute)}`]);
  }
  const format = extname(absolute).toLowerCase() === '.json' ? 'json' : 'yaml';
  const common = { baseDir: dirname(absolute), source: path, text };
  if (!options.collect) return { ...common, config: parseConfig(text, { format, source: path }) };
  const parsed = parseCollecting(text, { format, source: path });
  if (!parsed.config) throw configProblemsError({ name: path, text }, parsed.schemaProblems ?? []);
  return { ...common, ...parsed, config: parsed.config };
}
