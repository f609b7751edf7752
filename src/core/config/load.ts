/** Reading the declarative config: YAML or JSON text → validated RamgateConfig, errors as "path: problem". */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ApiError } from '../errors.js';
import { configSchema, type RamgateConfig } from './schema.js';

/** A config larger than this is refused before parsing. */
export const MAX_CONFIG_CHARS = 4 * 1024 * 1024;

export type LoadedConfig = { config: RamgateConfig; baseDir: string; source: string };

function configError(source: string, problems: string[]): ApiError {
  return new ApiError(
    'InvalidParameter.Config',
    `The config ${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}

/** `accounts[0].users[2].name` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(top level)' : out;
}

function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
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
    throw configError(source, [`cannot parse as ${format.toUpperCase()}: ${(e as Error).message}`]);
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
  if (!result.success) throw configError(source, formatIssues(result.error.issues));
  return result.data;
}

/** Read and validate a config file; `.json` files are read as strict JSON, anything else as YAML. */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    throw configError(path, [`cannot read the file: ${(e as Error).message}`]);
  }
  const format = extname(absolute).toLowerCase() === '.json' ? 'json' : 'yaml';
  return { config: parseConfig(text, { format, source: path }), baseDir: dirname(absolute), source: path };
}
