/** The clock, test IdP and verifyResponse options the SAML unit tests share. */
import type { VerifyOptions } from '../../../src/saml/types.js';
import { DEFAULT_SP, TestIdp } from '../../support/test-idp.js';

export const NOW = Date.parse('2026-03-01T10:00:00Z');
export const idp = new TestIdp();

export function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    idp: idp.trustedIdp(),
    audience: DEFAULT_SP.entityId,
    acsUrl: DEFAULT_SP.acsUrl,
    replay: 'skip',
    now: () => NOW,
    ...extra,
  };
}
