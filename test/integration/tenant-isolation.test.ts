/**
 * Two accounts register SAML providers with one IdP entityID, each with its own key (account A
 * first in account order, with a stranger's key). IdP-initiated role responses of both must sign
 * in, and A's key must never obtain B's roles.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import type { StoreOptions } from '../../src/core/store/index.js';
import { WebSession } from '../support/gateway-client.js';
import { testKeys, type TestKeyPair } from '../support/keys.js';
import { TestIdp } from '../support/test-idp.js';

const ACCOUNT_A = '1000000000000001';
const ACCOUNT_B = '2000000000000002';
const keys = testKeys();
const idp = new TestIdp();
const stores: Array<[string, () => StoreOptions]> = [
  ['memory', () => ({ kind: 'memory' })],
  ['redis', () => ({ kind: 'redis', url: inject('redisUrl'), keyPrefix: `tenants${Date.now()}:` })],
];

describe.each(stores)('tenant isolation of IdP-initiated role sign-in (%s store)', (_name, store) => {
  let dir: string;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ramgate-tenants-'));
    writeFileSync(join(dir, 'a.xml'), idp.metadata({ certs: [keys.attacker] }));
    writeFileSync(join(dir, 'b.xml'), idp.metadata());
    const account = (id: string, provider: string, file: string) => ({
      id,
      samlProviders: [{ name: provider, metadataFile: file }],
      roles: [{ name: 'readonly', trustedSamlProviders: [provider], policies: ['ReadOnlyAccess'] }],
    });
    const config = {
      accounts: [account(ACCOUNT_A, 'copycat', 'a.xml'), account(ACCOUNT_B, 'corp', 'b.xml')],
    };
    writeFileSync(join(dir, 'ramgate.json'), JSON.stringify(config));
    gateway = await startGateway({
      config: join(dir, 'ramgate.json'),
      store: store(),
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const role = (account: string, provider: string) =>
    `acs:ram::${account}:role/readonly,acs:ram::${account}:saml-provider/${provider}`;

  async function signIn(key: TestKeyPair, roles: string[]) {
    const signer = new TestIdp({
      signingKey: key,
      sp: { entityId: 'urn:alibaba:cloudcomputing', acsUrl: `${gateway.url}/saml-role/sso` },
    });
    const browser = new WebSession();
    const answer = await browser.request(`${gateway.url}/saml-role/sso`, {
      SAMLResponse: signer.response({ roles }).base64,
    });
    const console = answer.status === 303 ? await browser.request(`${gateway.url}/console`) : undefined;
    return { status: answer.status, html: answer.html, console: console?.html ?? '' };
  }

  it("signs B's genuine response in, although A registered B's entityID first", async () => {
    const b = await signIn(keys.idp, [role(ACCOUNT_B, 'corp')]);
    expect(b.status).toBe(303);
    expect(b.console).toContain(`acs:ram::${ACCOUNT_B}:assumed-role/readonly/`);
  });

  it("signs A's own response in with A's key", async () => {
    const a = await signIn(keys.attacker, [role(ACCOUNT_A, 'copycat')]);
    expect(a.status).toBe(303);
    expect(a.console).toContain(`acs:ram::${ACCOUNT_A}:assumed-role/readonly/`);
  });

  it("never gives B's roles to a response signed with A's key", async () => {
    const forged = await signIn(keys.attacker, [role(ACCOUNT_B, 'corp')]);
    expect(forged.status).not.toBe(303);
    expect(forged.console).toBe('');
  });

  it("signs B's response in when it also names A's provider", async () => {
    const b = await signIn(keys.idp, [role(ACCOUNT_B, 'corp'), role(ACCOUNT_A, 'copycat')]);
    // Verified with B's key: only B's role is offered, so B signs straight in.
    expect(b.status).toBe(303);
    expect(b.console).toContain(`acs:ram::${ACCOUNT_B}:assumed-role/readonly/`);
  });

  it('refuses a response signed by neither key with the signature check', async () => {
    const stranger = await signIn(keys.idpNext, [role(ACCOUNT_B, 'corp')]);
    expect(stranger.status).toBe(401);
    expect(stranger.html).toContain('<code>signature-value</code>');
  });
});
