/**
 * Demo mode (`ramgate serve --demo`): the demo account of config/demo.yaml and the built-in
 * DEVELOPMENT IdP, so a newcomer signs in within a minute. Never part of a real deployment.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import { applyConfig, loadConfigFile } from '../core/config/index.js';
import { demoIdpRoutes, type DemoUser } from '../http/demo-idp-routes.js';
import { DemoIdp } from '../saml/demo-idp.js';
import type { Gateway } from '../sso/gateway.js';
import { setUpPasswordDemo } from './demo-password.js';
import { selfSignedPair } from './openssl.js';

export const DEMO_CONFIG = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/demo.yaml');
export const DEMO_ACCOUNT = '1234567890123456';
export const DEMO_PROVIDER = 'demo-idp';

export const DEMO_USERS: DemoUser[] = [
  {
    username: 'alice',
    password: 'alice',
    displayName: 'Alice, two roles',
    nameId: 'alice@demo.onaliyun.com',
    roles: ['Admin', 'ReadOnly'],
  },
  {
    username: 'bob',
    password: 'bob',
    displayName: 'Bob, one role',
    nameId: 'bob@demo.onaliyun.com',
    roles: ['ReadOnly'],
  },
];

export interface DemoSetup {
  router: Router;
  loginHints: Array<{ label: string; href: string }>;
  resolveBuiltinMetadata: (name: string) => string;
}

export async function setUpDemo(gw: Gateway, logger: Logger, keyDir?: string): Promise<DemoSetup> {
  const pair = selfSignedPair(
    'ramgate demo IdP (development only)',
    keyDir ? join(keyDir, 'demo-idp') : undefined,
  );
  const idp = new DemoIdp({
    entityId: `${gw.baseUrl}/demo-idp/metadata.xml`,
    ssoUrl: `${gw.baseUrl}/demo-idp/sso`,
    keyPem: pair.keyPem,
    certPem: pair.certPem,
  });
  const resolveBuiltinMetadata = (name: string) => {
    if (name !== 'builtin-demo-idp') throw new Error(`unknown built-in metadata ${name}`);
    return idp.metadataXml();
  };
  const loaded = await loadConfigFile(DEMO_CONFIG);
  await applyConfig(gw.directory, loaded.config, {
    baseDir: loaded.baseDir,
    samlRecipient: gw.roleSp.acsUrl,
    resolveBuiltinMetadata,
  });
  const passwordHint = await setUpPasswordDemo(gw);
  logger.warn(
    'demo mode: the built-in development IdP and the demo account are enabled; never use them in production',
  );
  return {
    router: demoIdpRoutes(gw, {
      idp,
      accountId: DEMO_ACCOUNT,
      providerName: DEMO_PROVIDER,
      users: DEMO_USERS,
    }),
    resolveBuiltinMetadata,
    loginHints: [
      { label: 'Sign in to a RAM role (demo IdP)', href: '/demo-idp/sso?sp=role' },
      { label: 'Sign in as a RAM user (demo IdP)', href: '/demo-idp/sso?sp=user' },
      { label: 'SP-initiated role sign-in', href: `/login?provider=${DEMO_ACCOUNT}:${DEMO_PROVIDER}` },
      passwordHint,
    ],
  };
}
