import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderActionList } from '../../../src/core/actions/catalogue.js';
import { ACTION_TABLE } from '../../../src/core/actions/index.js';

describe("the README's action list", () => {
  it('is the one the action table renders (run `npx tsx scripts/readme-actions.ts` after changing the table)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderActionList());
  });

  it('says that Applications (OAuth apps, AppSecrets) are out of scope', () => {
    expect(renderActionList()).toMatch(
      /Out of scope: Applications[^]*CreateApplication[^]*OAuth[^]*AppSecret/,
    );
  });

  it('names every (version, action) of the table once', () => {
    const lines = renderActionList()
      .split('\n')
      .filter((l) => /^\| \d{4}-\d\d-\d\d \|/.test(l));
    expect(lines.length).toBe(ACTION_TABLE.reduce((n, r) => n + r.versions.length, 0));
  });
});
