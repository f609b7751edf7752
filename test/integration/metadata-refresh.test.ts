/**
 * IdP metadata refresh from a metadata URL (a tiny loopback server serving changing metadata):
 * two-certificate rollover, refusals that keep the current metadata, audit events, the schedule,
 * and config re-applies that leave refreshed metadata alone.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { applyConfig, loadConfigFile } from '../../src/core/config/index.js';
import type { JsonLinesAuditSink } from '../../src/core/audit.js';
import { MetadataRefresher, type RefreshTarget } from '../../src/sso/metadata-refresh.js';
import { WebSession } from '../support/gateway-client.js';
import { testKeys, type TestKeyPair } from '../support/keys.js';
import { TestIdp } from '../support/test-idp.js';

const ACCOUNT = '1234567890123456';
const keys = testKeys();
const idp = new TestIdp();

let served: { status: number; body: string } = { status: 200, body: idp.metadata() };
let fetches = 0;
let metadataServer: Server;
let metadataUrl: string;
let dir: string;
let configFile: string;
let gateway: RunningGateway;
let target: RefreshTarget;

function serve(body: string, status = 200) {
  served = { status, body };
}

beforeAll(async () => {
  metadataServer = createServer((_req, res) => {
    fetches++;
    res.writeHead(served.status, { 'content-type': 'application/samlmetadata+xml' }).end(served.body);
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  metadataUrl = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata.xml`;
  dir = mkdtempSync(join(tmpdir(), 'ramgate-metadata-refresh-'));
  writeFileSync(join(dir, 'idp.xml'), idp.metadata());
  configFile = join(dir, 'ramgate.yaml');
  const config = {
    accounts: [
      {
        id: ACCOUNT,
        samlProviders: [
          { name: 'test-idp', metadataFile: 'idp.xml', metadataUrl, metadataRefreshSeconds: 3600 },
        ],
        roles: [{ name: 'readonly', trustedSamlProviders: ['test-idp'], policies: ['ReadOnlyAccess'] }],
      },
    ],
  };
  writeFileSync(configFile, JSON.stringify(config));
  gateway = await startGateway({ config: configFile, logger: pino({ level: 'silent' }) });
  target = { accountId: ACCOUNT, providerName: 'test-idp', url: metadataUrl, intervalMs: 3_600_000 };
  // The refresh made at start finds the document it was configured with.
  expect(await gateway.refresher?.refresh(target)).toBe('unchanged');
});

afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => metadataServer?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Sign in at the role ACS with a response signed by `key`; the HTTP status tells whether it was trusted. */
async function signInWith(key: TestKeyPair): Promise<number> {
  const signer = new TestIdp({
    signingKey: key,
    sp: { entityId: 'urn:alibaba:cloudcomputing', acsUrl: `${gateway.url}/saml-role/sso` },
  });
  const { base64 } = signer.response({
    roles: [`acs:ram::${ACCOUNT}:role/readonly,acs:ram::${ACCOUNT}:saml-provider/test-idp`],
  });
  return (await new WebSession().request(`${gateway.url}/saml-role/sso`, { SAMLResponse: base64 })).status;
}

async function storedMetadata(): Promise<string> {
  const { SAMLProvider } = await gateway.gw.directory.GetSAMLProvider(ACCOUNT, {
    SAMLProviderName: 'test-idp',
  });
  return Buffer.from(SAMLProvider.EncodedSAMLMetadataDocument, 'base64').toString('utf8');
}

function lastRefreshEvent() {
  const events = (gateway.gw.audit as JsonLinesAuditSink).recent.filter(
    (e) => e.event === 'metadata.refresh',
  );
  return events.at(-1);
}

const rollover = idp.metadata({ certs: [keys.idp, keys.idpNext] });

describe('metadata refresh', () => {
  it('takes a new certificate published alongside the old one, and audits the change', async () => {
    expect(await signInWith(keys.idpNext)).toBe(401);
    serve(rollover);
    expect(await gateway.refresher?.refresh(target)).toBe('updated');
    expect(await storedMetadata()).toBe(rollover);
    expect(await signInWith(keys.idpNext)).toBe(303);
    expect(await signInWith(keys.idp)).toBe(303);
    expect(lastRefreshEvent()).toMatchObject({
      outcome: 'success',
      accountId: ACCOUNT,
      provider: `acs:ram::${ACCOUNT}:saml-provider/test-idp`,
      detail: {
        url: metadataUrl,
        before: [keys.idp.cert.fingerprint256],
        after: [keys.idp.cert.fingerprint256, keys.idpNext.cert.fingerprint256],
      },
    });
    expect(await gateway.refresher?.refresh(target)).toBe('unchanged');
  });

  it.each([
    ['invalid XML', () => serve('<md:EntityDescriptor'), 'metadata'],
    ['an HTTP error', () => serve('oops', 500), 'fetch'],
    [
      'another entityID',
      () => serve(idp.metadata({ entityId: 'https://evil.example/idp' })),
      'metadata-entity-id',
    ],
    [
      'keys swapped without overlap',
      () => serve(idp.metadata({ certs: [keys.attacker] })),
      'metadata-continuity',
    ],
    [
      'three certificates',
      () => serve(idp.metadata({ certs: [keys.idp, keys.idpNext, keys.attacker] })),
      'metadata',
    ],
  ])(
    'keeps the current metadata when the URL serves %s, and audits the refusal',
    async (_what, arrange, check) => {
      arrange();
      expect(await gateway.refresher?.refresh(target)).toBe('refused');
      expect(await storedMetadata()).toBe(rollover);
      expect(lastRefreshEvent()).toMatchObject({ outcome: 'failure', check, detail: { url: metadataUrl } });
      expect(await signInWith(keys.idp)).toBe(303);
      expect(await signInWith(keys.attacker)).toBe(401);
    },
  );

  it('completes the rollover when the IdP drops the old certificate', async () => {
    serve(idp.metadata({ certs: [keys.idpNext] }));
    expect(await gateway.refresher?.refresh(target)).toBe('updated');
    expect(await signInWith(keys.idp)).toBe(401);
    expect(await signInWith(keys.idpNext)).toBe(303);
  });

  it('leaves refreshed metadata alone when the config is applied again (a restart)', async () => {
    const loaded = await loadConfigFile(configFile);
    await applyConfig(gateway.gw.directory, loaded.config, {
      baseDir: loaded.baseDir,
      samlRecipient: gateway.gw.roleSp.acsUrl,
    });
    expect(await storedMetadata()).toBe(idp.metadata({ certs: [keys.idpNext] }));
  });

  it('refreshes on its schedule and refuses metadata URLs that are neither https nor loopback', async () => {
    const before = fetches;
    const scheduled = new MetadataRefresher(gateway.gw, [{ ...target, intervalMs: 100 }]);
    scheduled.start();
    await sleep(450);
    await scheduled.stop();
    expect(fetches - before).toBeGreaterThanOrEqual(3);
    const plain = new MetadataRefresher(gateway.gw, []);
    expect(await plain.refresh({ ...target, url: 'http://idp.example/metadata.xml' })).toBe('refused');
    expect(lastRefreshEvent()).toMatchObject({ outcome: 'failure', check: 'metadata-url' });
  });
});
