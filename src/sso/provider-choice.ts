/**
 * Which provider's keys verify a role-based response. Several accounts may register providers with
 * one IdP entityID (each with its own metadata): the response is tried against each distinct key set
 * of those providers, the ones it names first (its pending request's provider, the provider ARNs of
 * its Role attribute, peeked before verification), until one verifies. So no account can make
 * another's genuine sign-ins fail by registering its entityID; and what the response names is
 * honoured only once it verified with that provider's keys.
 */
import { isApiError } from '../core/errors.js';
import type { VerifiedAssertion } from '../saml/verify.js';
import type { Gateway } from './gateway.js';
import { sameSigningKeys, type ProviderTrust } from './providers.js';
import { verifyOrThrow, type VerifyInput } from './verify.js';

/** At most this many key sets are tried for one response (each try costs one signature check). */
export const MAX_KEY_SETS_TRIED = 8;

/** The failures that mean "not signed with these keys": the next key set may verify it. */
const WRONG_KEY_CHECKS = new Set(['signature-value', 'assertion-signed']);

/** One provider per distinct key set, those whose ARN (lower-case) is in `named` first. */
export function keySetsToTry(candidates: ProviderTrust[], named: string[]): ProviderTrust[] {
  const rank = (p: ProviderTrust) => {
    const i = named.indexOf(p.arn.toLowerCase());
    return i < 0 ? named.length : i;
  };
  const ordered = [...candidates].sort((a, b) => rank(a) - rank(b));
  const representatives: ProviderTrust[] = [];
  for (const provider of ordered) {
    if (!representatives.some((r) => sameSigningKeys(r, provider))) representatives.push(provider);
  }
  return representatives.slice(0, MAX_KEY_SETS_TRIED);
}

/** Verify with each key set in turn; the first that verifies wins, otherwise the first failure is thrown. */
export async function verifyWithCandidates(
  gw: Gateway,
  input: Omit<VerifyInput, 'idp' | 'allowSha1' | 'allowAesCbc'>,
  keySets: ProviderTrust[],
): Promise<{ provider: ProviderTrust; assertion: VerifiedAssertion }> {
  let first: unknown;
  for (const provider of keySets) {
    try {
      const assertion = await verifyOrThrow(gw, {
        ...input,
        idp: provider.metadata,
        allowSha1: provider.allowSha1,
        allowAesCbc: provider.allowAesCbc,
      });
      return { provider, assertion };
    } catch (err) {
      if (!(isApiError(err) && err.check !== undefined && WRONG_KEY_CHECKS.has(err.check))) throw err;
      first ??= err;
    }
  }
  throw first;
}
