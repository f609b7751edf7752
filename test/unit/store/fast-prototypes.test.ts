/**
 * V8 keeps String.prototype in dictionary mode once a library subclasses String (ioredis 6 does), and
 * every string method call in optimized code then takes the generic lookup stub. These tests read
 * V8's own answer (%HasFastProperties) in a child process.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const BUILTIN_PROTOTYPES =
  '{ String, Object, Array, Function, Map, Set, Promise, Error, RegExp, Number, Date, Uint8Array, Buffer }';

/** The builtin prototypes V8 holds in dictionary (slow) mode after `imports`, by name ('' when none). */
function slowPrototypesAfter(imports: string[]): string {
  const script = [
    "const hasFast = new Function('o', 'return %HasFastProperties(o)');",
    ...imports.map((specifier) => `await import(${JSON.stringify(specifier)});`),
    `const builtins = ${BUILTIN_PROTOTYPES};`,
    'const slow = Object.entries(builtins).filter(([, c]) => !hasFast(c.prototype)).map(([name]) => name);',
    "process.stdout.write(slow.join(' '));",
  ].join('\n');
  const child = spawnSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', cwd: new URL('../../..', import.meta.url).pathname },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout;
}

const source = (path: string) =>
  pathToFileURL(new URL(`../../../src/${path}`, import.meta.url).pathname).href;

describe('builtin prototypes stay fast', () => {
  it('importing ioredis alone leaves String.prototype slow (why the Redis store repairs it)', () => {
    expect(slowPrototypesAfter(['ioredis'])).toBe('String');
  });

  it('after the Redis store module has loaded', () => {
    expect(slowPrototypesAfter([source('core/store/redis.ts')])).toBe('');
  });

  it('after everything the gateway imports has loaded', () => {
    expect(slowPrototypesAfter([source('cli/start.ts'), source('cli/main.ts')])).toBe('');
  });
});
