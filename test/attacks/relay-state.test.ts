/**
 * saml-attacks.md §1.13 RelayState open redirect: a RelayState the IdP echoes back is honoured only
 * as a same-origin path (after WHATWG URL parsing, as a browser resolves a Location header).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../src/sso/role-sso.js';

const ORIGIN = 'https://gateway.example';
const sameOrigin = (path: string) => new URL(path, `${ORIGIN}/console`).origin === ORIGIN;

describe('RelayState open redirect (§1.13)', () => {
  it('same-origin paths are kept', () => {
    for (const path of ['/', '/console', '/console?tab=roles#top', '/%09/evil.example']) {
      expect(safeReturnPath(path)).toBe(path);
    }
  });

  it('absolute, scheme-relative, backslash and control-character forms are dropped', () => {
    for (const attack of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      ' /evil',
      'javascript:alert(1)',
      'evil.example',
      '',
      `/${'a'.repeat(600)}`,
    ]) {
      expect(safeReturnPath(attack), JSON.stringify(attack)).toBeUndefined();
    }
  });

  it('whatever is kept resolves to the gateway origin (property over arbitrary strings)', () => {
    const chars = fc.constantFrom(
      '/',
      '\\',
      ':',
      '.',
      '@',
      '%',
      '?',
      '#',
      '\t',
      ' ',
      'a',
      'e',
      'x',
      '0',
      '\u3002',
    );
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 24 }).map((a) => a.join('')),
        (candidate) => {
          const kept = safeReturnPath(candidate);
          return kept === undefined || (kept === candidate && sameOrigin(kept));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
