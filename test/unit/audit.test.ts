import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLinesAuditSink } from '../../src/core/audit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('JsonLinesAuditSink', () => {
  it('writes one JSON line per event, with its time and without the members left undefined', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ramgate-audit-'));
    dirs.push(dir);
    const file = join(dir, 'logs', 'audit.jsonl');
    const sink = new JsonLinesAuditSink(file);
    sink.write({
      event: 'api.AssumeRoleWithSAML',
      outcome: 'success',
      requestId: 'R1',
      principal: undefined,
    });
    sink.write({ event: 'login.role', outcome: 'failure', requestId: 'R2', check: 'audience', code: 'X' });
    await sink.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['time', 'event', 'outcome', 'requestId']);
    expect(Date.parse(String(first.time))).not.toBeNaN();
    expect(sink.recent.map((r) => [r.requestId, r.check])).toEqual([
      ['R1', undefined],
      ['R2', 'audience'],
    ]);
  });

  it('keeps only the latest records in memory', () => {
    const sink = new JsonLinesAuditSink(undefined, 3);
    for (let i = 0; i < 5; i++) sink.write({ event: 'e', outcome: 'success', requestId: `R${i}` });
    expect(sink.recent.map((r) => r.requestId)).toEqual(['R2', 'R3', 'R4']);
  });
});
