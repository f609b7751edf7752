/** The mapping rules of docs/idp-recipes.md, read from its `# recipe: <name>` YAML blocks (so the tests exercise exactly what the docs say). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const RECIPE_ACCOUNT = '1234567890123456';

export function recipes(): Record<string, unknown> {
  const text = readFileSync(join(process.cwd(), 'docs/idp-recipes.md'), 'utf8');
  const out: Record<string, unknown> = {};
  for (const m of text.matchAll(/```yaml\n# recipe: ([a-z-]+)\n([\s\S]*?)```/g))
    out[m[1] as string] = parse(m[2] as string) as unknown;
  return out;
}
