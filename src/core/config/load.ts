/** Reading the declarative config: YAML or JSON text → validated RamgateConfig, every problem with its line. */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configProblemsError, explainFileError, type ConfigProblem, type ConfigSource } from './problems.js';
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

/** Parse and validate config text. `source` names it in errors. */
export function parseConfig(
  text: string,
  options: { format?: 'yaml' | 'json'; source?: string } = {},
): RamgateConfig {
  const source = options.source ?? '(inline)';
  if (text.length > MAX_CONFIG_CHARS)
    throw configError(source, [`it is larger than ${MAX_CONFIG_CHARS} characters`]);
  const parsed = parseText(text, options.format ?? 'yaml', source);
  const result = configSchema.safeParse(parsed);
  if (!result.success)
    throw configProblemsError(
      { name: source, text } satisfies ConfigSource,
      formatIssues(result.error.issues),
    );
  return result.data;
}

/** Read and validate a config file; `.json` files are read as strict JSON, anything else as YAML. */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    throw configError(path, [`cannot read the config file: ${explainFileError(e, absolute)}`]);
  }
  const format = extname(absolute).toLowerCase() === '.json' ? 'json' : 'yaml';
  return {
    config: parseConfig(text, { format, source: path }),
    baseDir: dirname(absolute),
    source: path,
    text,
  };
}
