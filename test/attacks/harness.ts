/**
 * The attack suite's harness: a test IdP on a fixed clock, the verifier options an SP would use
 * for it, and assertions that a response is accepted or refused by exactly one named check.
 */
import { expect } from 'vitest';
import type { ResponseCheck } from '../../src/saml/checks.js';
import type { VerifyOptions, VerifyResult } from '../../src/saml/types.js';
import { verifyResponse } from '../../src/saml/verify.js';
import { MemoryEphemeral } from '../../src/core/store/memory-ephemeral.js';
import { testKeys } from '../support/keys.js';
import { DEFAULT_SP, TestIdp, type ResponseOptions } from '../support/test-idp.js';

export const keys = testKeys();
export const idp = new TestIdp();
/** The clock every attack response is built and verified at. */
export const NOW = Date.parse('2026-06-01T12:00:00.000Z');

export function build(o: ResponseOptions = {}): string {
  return idp.response({ now: NOW, ...o }).xml;
}

export function options(over: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    idp: idp.trustedIdp(),
    audience: DEFAULT_SP.entityId,
    acsUrl: DEFAULT_SP.acsUrl,
    replay: new MemoryEphemeral(),
    encoding: 'xml',
    now: () => NOW,
    spDecryptionKeys: [keys.spEncryption.privateKey],
    ...over,
  };
}

export function verify(xml: string, over: Partial<VerifyOptions> = {}): Promise<VerifyResult> {
  return verifyResponse(xml, options(over));
}

export async function expectAccepted(xml: string, over: Partial<VerifyOptions> = {}) {
  const result = await verify(xml, over);
  if (!result.ok) expect.fail(`control refused by ${result.check}: ${result.message}`);
  return result.assertion;
}

/** Refused by exactly `check`, with a deliberate message (not a crash inside that step). */
export async function expectRefused(
  xml: string,
  check: ResponseCheck,
  over: Partial<VerifyOptions> = {},
): Promise<string> {
  const result = await verify(xml, over);
  if (result.ok)
    return expect.fail(`accepted, expected refusal by ${check}: NameID ${result.assertion.nameId}`);
  expect(result.check, result.message).toBe(check);
  expect(result.message).not.toMatch(/unexpected error|internal:/);
  return result.message;
}

/**
 * The core assertion of every attack test: the unmutated control passes and the attack is refused
 * by `check` (so a test cannot pass because everything fails).
 */
export async function expectAttackRefused(
  control: string,
  attack: string,
  check: ResponseCheck,
  over: Partial<VerifyOptions> = {},
): Promise<string> {
  expect(attack).not.toBe(control);
  await expectAccepted(control, over);
  return expectRefused(attack, check, over);
}
