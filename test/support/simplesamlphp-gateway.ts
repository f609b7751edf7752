/**
 * A gateway trusting a real SimpleSAMLphp IdP, for end-to-end tests: SimpleSAMLphp first (its
 * entityID depends on its port), then the gateway's config (a temp dir with the IdP metadata next
 * to it) and the gateway on a reserved port, then the gateway's SPs registered in SimpleSAMLphp.
 *
 *   const env = await startSimpleSamlPhpGateway({ users });
 *   await env.registerRoleSp({ signResponse: false });   // per test: how the IdP signs/encrypts
 *   await env.close();                                    // in afterAll
 */
import * as OpenApi from '@alicloud/openapi-core';
import Sts from '@alicloud/sts20150401';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/cli/start.js';
import { TEST_KEYS_DIR, testKeys } from './keys.js';
import { freePort } from './redis.js';
import {
  ALIYUN_ROLE_ATTRIBUTE,
  ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE,
  startSimpleSamlPhp,
  type IdpUser,
  type SimpleSamlPhpIdp,
  type SpRegistration,
} from './simplesamlphp.js';

export const ACCOUNT = '1234567890123456';
export const ALIAS = 'ssp';
export const PROVIDER = 'ssp';
export const PROVIDER_ARN = `acs:ram::${ACCOUNT}:saml-provider/${PROVIDER}`;
export const ROLE_SP_ENTITY_ID = 'urn:alibaba:cloudcomputing';
/** The attribute SimpleSAMLphp turns into the NameID for user-based SSO (simplesaml.nameidattribute). */
export const UPN_ATTRIBUTE = 'urn:ramgate:test:upn';
/** The same user under the account's domain alias. */
export const DOMAIN_ALIAS = 'corp.example';
export const ALIAS_UPN_ATTRIBUTE = 'urn:ramgate:test:alias-upn';
/** An address in a domain the account does not own. */
export const MAIL_ATTRIBUTE = 'urn:ramgate:test:mail';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export const roleArn = (role: string) => `acs:ram::${ACCOUNT}:role/${role}`;
export const upn = (user: string) => `${user}@${ALIAS}.onaliyun.com`;

/** An IdP user carrying the Alibaba role attributes (role ARN, provider ARN pairs) and a UPN. */
export function ssoUser(username: string, password: string, roles: string[]): IdpUser {
  return {
    username,
    password,
    attributes: {
      [ALIYUN_ROLE_ATTRIBUTE]: roles.map((r) => `${roleArn(r)},${PROVIDER_ARN}`),
      [ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE]: upn(username),
      [UPN_ATTRIBUTE]: upn(username),
      [ALIAS_UPN_ATTRIBUTE]: `${username}@${DOMAIN_ALIAS}`,
      [MAIL_ATTRIBUTE]: `${username}@elsewhere.example`,
    },
  };
}

/** RAM users and roles of the test account; the roles trust the SimpleSAMLphp provider. */
function gatewayConfig(userNames: string[]): Record<string, unknown> {
  return {
    accounts: [
      {
        id: ACCOUNT,
        alias: ALIAS,
        domainAlias: DOMAIN_ALIAS,
        samlProviders: [{ name: PROVIDER, metadataFile: 'ssp-idp.xml', authnSignAlgo: 'rsa-sha256' }],
        ssoSettings: { enabled: true, metadataFile: 'ssp-idp.xml', loginWithDomain: true },
        users: userNames.map((name) => ({ name })),
        roles: [
          { name: 'Admin', trustedSamlProviders: [PROVIDER], policies: ['AdministratorAccess'] },
          { name: 'ReadOnly', trustedSamlProviders: [PROVIDER], policies: ['ReadOnlyAccess'] },
        ],
      },
    ],
  };
}

// Node's ESM loader exposes the CJS module object as the default export, vitest the class itself.
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;

/** GetCallerIdentity through the official STS SDK, signed with (temporary) credentials. */
export async function callerIdentity(
  gatewayUrl: string,
  keys: { accessKeyId: string; accessKeySecret: string; securityToken: string },
) {
  const endpoint = new URL(gatewayUrl).host;
  const sts = new StsClient(new OpenApi.$OpenApiUtil.Config({ endpoint, protocol: 'http', ...keys }));
  return (await sts.getCallerIdentity()).body;
}

export interface SimpleSamlPhpGateway {
  idp: SimpleSamlPhpIdp;
  gateway: RunningGateway;
  roleAcs: string;
  userAcs: string;
  /** Registers the role SP (urn:alibaba:cloudcomputing → /saml-role/sso; signed AuthnRequests, no encryption unless asked). */
  registerRoleSp(options?: Partial<SpRegistration>): Promise<void>;
  /** Registers the account's user SP (NameID = the UPN attribute, emailAddress format). */
  registerUserSp(options?: Partial<SpRegistration>): Promise<void>;
  /**
   * Another gateway on the same config and public URL (so Destination and Recipient still match)
   * but its own port and store, e.g. with other options; returns the address it really listens on.
   */
  startTwin(options: Partial<StartOptions>): Promise<string>;
  /** The SP certificates, as the IdP should know them. */
  spCerts: { signingCertPem: string; encryptionCertPem: string };
  close(): Promise<void>;
}

export async function startSimpleSamlPhpGateway(options: {
  users: IdpUser[];
  allowAesCbc?: boolean;
  /** The gateway's public host name (it listens on 127.0.0.1); 'localhost' makes it another site than the IdP's. */
  publicHost?: string;
}): Promise<SimpleSamlPhpGateway> {
  const idp = await startSimpleSamlPhp({ users: options.users });
  const dir = await mkdtemp(join(tmpdir(), 'ramgate-ssp-gateway-'));
  const started: RunningGateway[] = [];
  const close = async () => {
    await Promise.all(started.map((g) => g.close()));
    await idp.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const keys = testKeys();
    const configFile = join(dir, 'ramgate.json');
    await writeFile(join(dir, 'ssp-idp.xml'), idp.metadataXml);
    await writeFile(configFile, JSON.stringify(gatewayConfig(options.users.map((u) => u.username))));
    const keyFile = (name: string, kind: 'key' | 'cert') => join(TEST_KEYS_DIR, `${name}.${kind}.pem`);
    const base: StartOptions = {
      config: configFile,
      sp: {
        keyFile: keyFile(keys.spSigning.name, 'key'),
        certFile: keyFile(keys.spSigning.name, 'cert'),
        decryptionKeyFiles: [keyFile(keys.spEncryption.name, 'key')],
        encryptionCertFile: keyFile(keys.spEncryption.name, 'cert'),
      },
      allowAesCbcProviders: options.allowAesCbc ? [PROVIDER_ARN] : [],
      logger: pino({ level: 'silent' }),
    };
    const port = await freePort();
    const gateway = await startGateway({
      ...base,
      port,
      ...(options.publicHost ? { baseUrl: `http://${options.publicHost}:${port}` } : {}),
    });
    started.push(gateway);
    const roleAcs = `${gateway.url}/saml-role/sso`;
    const userAcs = `${gateway.url}/${ACCOUNT}/saml/SSO`;
    const spCerts = {
      signingCertPem: keys.spSigning.certPem,
      encryptionCertPem: keys.spEncryption.certPem,
    };
    return {
      idp,
      gateway,
      roleAcs,
      userAcs,
      spCerts,
      registerRoleSp: (sp = {}) =>
        idp.registerSp({
          entityId: ROLE_SP_ENTITY_ID,
          acsUrls: roleAcs,
          signingCertPem: spCerts.signingCertPem,
          ...sp,
        }),
      registerUserSp: (sp = {}) =>
        idp.registerSp({
          entityId: userAcs,
          acsUrls: userAcs,
          signingCertPem: spCerts.signingCertPem,
          nameIdFormat: EMAIL_FORMAT,
          nameIdAttribute: UPN_ATTRIBUTE,
          ...sp,
        }),
      startTwin: async (twin) => {
        const other = await startGateway({ ...base, baseUrl: gateway.url, ...twin });
        started.push(other);
        return `http://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
