/**
 * §1.9 InResponseTo, at the SSO layer: the pending AuthnRequest a response claims to answer must
 * not be spent by a response that fails verification. The ACS runs findPendingRequest (on the
 * UNVERIFIED Response/@InResponseTo) and then verifyResponse with expectedRequestId; this test
 * runs the same two steps.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEphemeral } from '../../src/core/store/memory-ephemeral.js';
import { startAuthnRequest } from '../../src/saml/authn-request.js';
import { ACS_MAX_RESPONSE_LENGTH, claimPendingRequest, findPendingRequest } from '../../src/sso/verify.js';
import { DEFAULT_SP, toBase64 } from '../support/test-idp.js';
import { build, idp, verify } from './harness.js';

async function pendingLogin(store: MemoryEphemeral) {
  const started = await startAuthnRequest(store, {
    idpSsoUrl: idp.ssoUrl,
    spEntityId: DEFAULT_SP.entityId,
    acsUrl: DEFAULT_SP.acsUrl,
    returnTo: '/console',
    context: { cli: 'cli-nonce' },
    client: '192.0.2.1',
  });
  return started.id;
}

/** What the ACS does with one POSTed SAMLResponse: find the pending request, verify against it, then spend it. */
async function acs(store: MemoryEphemeral, xml: string) {
  const { pending } = await findPendingRequest(store, toBase64(xml), ACS_MAX_RESPONSE_LENGTH);
  const result = await verify(xml, {
    replay: store,
    ...(pending ? { expectedRequestId: pending.id } : {}),
  });
  if (result.ok) await claimPendingRequest(store, pending);
  return { pending, result };
}

describe('pending AuthnRequests and unverified responses', () => {
  it('control: the genuine response finds its pending request and is accepted', async () => {
    const store = new MemoryEphemeral();
    const id = await pendingLogin(store);
    const { pending, result } = await acs(store, build({ inResponseTo: id }));
    expect(pending?.context).toEqual({ cli: 'cli-nonce' });
    expect(result.ok).toBe(true);
  });

  // Regression: the pending request used to be consumed on the strength of the UNVERIFIED
  // Response/@InResponseTo, so a forged response could burn a victim's login (and a CLI's binding).
  it('a forged unverified response does not spend the victim’s pending request', async () => {
    const store = new MemoryEphemeral();
    const id = await pendingLogin(store);
    const forged = await acs(store, build({ sign: 'none', inResponseTo: id, roleSessionName: 'attacker' }));
    expect(forged.result.ok ? 'accepted' : forged.result.check).toBe('signature-present');
    const genuine = await acs(store, build({ inResponseTo: id }));
    expect(genuine.pending?.id).toBe(id);
    expect(genuine.result.ok).toBe(true);
  });
});
