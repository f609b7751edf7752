/**
 * V8 keeps String.prototype in dictionary mode once a library subclasses String (ioredis 6 does), and
 * every string method call in optimized code then takes the generic lookup stub. These tests read
 * V8's own answer (%HasFastProperties) in a child process.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

function stringPrototypeIsFastAfter(imports: string[]): string {
  const script = [
    "const hasFast = new Function('o', 'return %HasFastProperties(o)');",
    ...imports.map((specifier) => `await import(${JSON.stringify(specifier)});`),
    'process.stdout.write(String(hasFast(String.prototype)));',
  ].join('\n');
  const child = spawnSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', cwd: new URL('../../..', import.meta.url).pathname },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout;
}

const redisStore = pathToFileURL(new URL('../../../src/core/store/redis.ts', import.meta.url).pathname).href;

describe('String.prototype and the Redis client', () => {
  it('importing ioredis alone leaves String.prototype slow (why the store repairs it)', () => {
    expect(stringPrototypeIsFastAfter(['ioredis'])).toBe('false');
  });

  it('stays fast once the Redis store module has loaded', () => {
    expect(stringPrototypeIsFastAfter([redisStore])).toBe('true');
  });
});
