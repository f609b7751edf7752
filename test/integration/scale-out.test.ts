/**
 * Several gateway instances behind one (imaginary) load balancer, sharing one Redis: every flow
 * that starts on one instance finishes on another, single-use things stay single-use across
 * instances, and revoking a role's sessions takes effect everywhere.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import RPCClient from '@alicloud/pop-core';
import * as OpenApi from '@alicloud/openapi-core';
import Sts, { AssumeRoleWithSAMLRequest } from '@alicloud/sts20150401';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import { WebSession, demoIdpResponse, inputValue, textOfId } from '../support/gateway-client.js';
import { startRedis, type RedisServer } from '../support/redis.js';

// Node's ESM loader exposes the CJS module object as the default export, vitest the class itself.
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;
const ACCOUNT = '1234567890123456';
const PROVIDER_ARN = `acs:ram::${ACCOUNT}:saml-provider/demo-idp`;
const ROOT = { accessKeyId: 'LTAIdemo0000000000000001', accessKeySecret: 'demoSecretDoNotUseInProduction' };
/** The public URL of the load balancer; nothing listens there, tests talk to each instance. */
const BALANCER = 'http://signin.ramgate.test';
type Keys = { accessKeyId: string; accessKeySecret: string; securityToken: string };

let redis: RedisServer;
let keyDir: string;
const instances: RunningGateway[] = [];
function hostOf(i: number): string {
  const address = instances[i]?.server.address();
  if (!address || typeof address === 'string') throw new Error(`instance ${i} is not listening`);
  return `127.0.0.1:${address.port}`;
}
const origin = (i: number) => `http://${hostOf(i)}`;
/** A URL under the balancer's base URL, sent to instance `i` instead. */
const via = (i: number, url: string) => url.replace(BALANCER, origin(i));

beforeAll(async () => {
  redis = await startRedis();
  keyDir = mkdtempSync(join(tmpdir(), 'ramgate-scale-out-'));
  // One after the other: the first instance makes the shared demo IdP key, the others read it.
  for (let i = 0; i < 3; i++) {
    instances.push(
      await startGateway({
        demo: true,
        demoKeyDir: keyDir,
        baseUrl: BALANCER,
        store: { kind: 'redis', url: redis.url },
        logger: pino({ level: 'silent' }),
      }),
    );
  }
});

afterAll(async () => {
  for (const instance of instances) await instance.close();
  await redis?.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

/** A role-SSO SAMLResponse from the demo IdP served by instance `i`. */
async function idpResponse(i: number, user: 'alice' | 'bob', request?: string) {
  const { acsUrl, samlResponse } = await demoIdpResponse(origin(i), user, 'role', request ? { request } : {});
  expect(acsUrl).toBe(`${BALANCER}/saml-role/sso`);
  return samlResponse;
}

const sts = (i: number, keys?: Keys) =>
  new StsClient(new OpenApi.$OpenApiUtil.Config({ endpoint: hostOf(i), protocol: 'http', ...keys }));
const ram = (i: number, keys: Omit<Keys, 'securityToken'> & { securityToken?: string } = ROOT) =>
  new RPCClient({ endpoint: origin(i), apiVersion: '2015-05-01', ...keys });

const samlRequest = (assertion: string, roleName: string) =>
  new AssumeRoleWithSAMLRequest({
    SAMLAssertion: assertion,
    SAMLProviderArn: PROVIDER_ARN,
    roleArn: `acs:ram::${ACCOUNT}:role/${roleName}`,
    durationSeconds: 900,
  });

async function credentialsFrom(i: number, user: 'alice' | 'bob', roleName: string): Promise<Keys> {
  const answer = await sts(i).assumeRoleWithSAML(samlRequest(await idpResponse(i, user), roleName));
  const { accessKeyId = '', accessKeySecret = '', securityToken = '' } = answer.body?.credentials ?? {};
  return { accessKeyId, accessKeySecret, securityToken };
}

async function callerArn(i: number, keys: Keys): Promise<string> {
  const { body } = await sts(i, keys).getCallerIdentity();
  return body?.arn ?? '';
}

/** The error code of a failing SDK call (or 'none' when it succeeded). */
async function errorCode(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'none',
    (e: unknown) =>
      String(
        (e as { code?: unknown; data?: { Code?: unknown } }).data?.Code ?? (e as { code?: unknown }).code,
      ),
  );
}

async function consoleOn(i: number, browser: WebSession) {
  return browser.request(`${origin(i)}/console`);
}

async function signInOn(i: number, user: 'bob'): Promise<WebSession> {
  const browser = new WebSession();
  const answer = await browser.request(`${origin(i)}/saml-role/sso`, {
    SAMLResponse: await idpResponse(i, user),
  });
  expect(answer.status).toBe(303);
  return browser;
}

/** Polls `check` until it holds: other instances may serve a cached watermark for up to 1 s. */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(100);
  }
}

describe('gateway instances sharing one Redis', () => {
  it('completes on instance B an SP-initiated login started on instance A, and the session works on C', async () => {
    const browser = new WebSession();
    const start = await browser.request(`${origin(0)}/login?provider=${ACCOUNT}:demo-idp&return_to=/console`);
    expect(start.status).toBe(302);
    expect(start.location?.startsWith(`${BALANCER}/demo-idp/sso?`)).toBe(true);
    const idpPage = await browser.request(via(0, start.location ?? ''));
    const requestId = inputValue(idpPage.html, 'request') ?? '';
    expect(requestId).toMatch(/^_[0-9a-f]{40}$/);
    const answer = await browser.request(`${origin(1)}/saml-role/sso`, {
      SAMLResponse: await idpResponse(1, 'bob', requestId),
    });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console');
    const page = await consoleOn(2, browser);
    expect(page.status).toBe(200);
    expect(textOfId(page.html, 'arn')).toBe(
      `acs:ram::${ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`,
    );
    // The AuthnRequest is used up on every instance.
    const again = await new WebSession().request(`${origin(2)}/saml-role/sso`, {
      SAMLResponse: await idpResponse(2, 'bob', requestId),
    });
    expect(again.status).toBe(401);
    expect(again.html).toContain('<code>in-response-to</code>');
  });

  it('refuses on instance B, as a replay, an assertion instance A accepted', async () => {
    const samlResponse = await idpResponse(0, 'bob');
    const first = await new WebSession().request(`${origin(0)}/saml-role/sso`, {
      SAMLResponse: samlResponse,
    });
    expect(first.status).toBe(303);
    const replayed = await new WebSession().request(`${origin(1)}/saml-role/sso`, {
      SAMLResponse: samlResponse,
    });
    expect(replayed.status).toBe(401);
    expect(replayed.html).toContain('<code>replay</code>');
    // The same for the STS API: an assertion used at one ACS cannot be exchanged at another instance.
    const code = await errorCode(sts(2).assumeRoleWithSAML(samlRequest(samlResponse, 'ReadOnly')));
    expect(code).toMatch(/^AuthenticationFail\.SAMLAssertion/);
  });

  it('authenticates on instance B the temporary credentials instance A minted', async () => {
    const keys = await credentialsFrom(0, 'bob', 'ReadOnly');
    expect(keys.accessKeyId).toMatch(/^STS\./);
    expect(await callerArn(1, keys)).toBe(`acs:ram::${ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`);
    expect(await callerArn(2, keys)).toBe(`acs:ram::${ACCOUNT}:assumed-role/ReadOnly/bob@demo.onaliyun.com`);
  });
});

describe('RevokeRoleSessions', () => {
  it('refuses, on every instance, the credentials and console sessions of the role issued before it', async () => {
    const readOnly = await credentialsFrom(0, 'bob', 'ReadOnly');
    const admin = await credentialsFrom(1, 'alice', 'Admin');
    const browser = await signInOn(1, 'bob');
    // Every instance has looked at the ReadOnly watermark (none yet) and may cache that for 1 s.
    for (const i of [0, 1, 2]) expect(await callerArn(i, readOnly)).toContain('assumed-role/ReadOnly/');
    expect((await consoleOn(0, browser)).status).toBe(200);

    const answer = (await ram(2).request(
      'RevokeRoleSessions',
      { RoleName: 'readonly' },
      { method: 'POST' },
    )) as {
      RoleName: string;
      RevokedBefore: string;
    };
    expect(answer.RoleName).toBe('ReadOnly');
    expect(answer.RevokedBefore).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The revoking instance refuses at once; the others within their 1 s watermark cache.
    expect(await errorCode(sts(2, readOnly).getCallerIdentity())).toBe('InvalidSecurityToken.Revoked');
    for (const i of [0, 1])
      await eventually(
        async () =>
          (await errorCode(sts(i, readOnly).getCallerIdentity())) === 'InvalidSecurityToken.Revoked',
      );
    const refused = await consoleOn(0, browser);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('InvalidSecurityToken.Revoked');
    expect((await consoleOn(1, browser)).status).toBe(303); // the session was ended

    // Another role of the account is untouched.
    expect(await callerArn(0, admin)).toContain('assumed-role/Admin/');

    // Sessions issued after the watermark's second work again.
    const revokedBefore = Date.parse(answer.RevokedBefore);
    await sleep(Math.max(0, revokedBefore + 1000 - Date.now()) + 50);
    const fresh = await credentialsFrom(1, 'bob', 'ReadOnly');
    for (const i of [0, 1, 2]) expect(await callerArn(i, fresh)).toContain('assumed-role/ReadOnly/');
  });

  it('is authorized by the policy engine as ram:RevokeRoleSessions and names an existing role', async () => {
    const readOnly = await credentialsFrom(0, 'bob', 'ReadOnly');
    const denied = await errorCode(
      ram(1, readOnly).request('RevokeRoleSessions', { RoleName: 'Admin' }, { method: 'POST' }),
    );
    expect(denied).toBe('NoPermission');
    expect(
      await errorCode(ram(1).request('RevokeRoleSessions', { RoleName: 'NoSuchRole' }, { method: 'POST' })),
    ).toBe('EntityNotExist.Role');
    expect(await errorCode(ram(1).request('RevokeRoleSessions', {}, { method: 'POST' }))).toBe(
      'MissingParameter',
    );
  });
});

describe('credentials bound to identities across instances', () => {
  it('a role deleted and re-created through one instance refuses its old sessions on every instance', async () => {
    const trust = JSON.stringify({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
      ],
    });
    const call = (i: number, action: string, params: Record<string, unknown>, keys?: Keys) =>
      ram(i, keys).request(action, params, { method: 'POST' });
    await call(0, 'CreateRole', { RoleName: 'Deployer', AssumeRolePolicyDocument: trust });
    await call(0, 'CreateUser', { UserName: 'deploy-bot' });
    await call(0, 'AttachPolicyToUser', {
      PolicyType: 'System',
      PolicyName: 'AliyunSTSAssumeRoleAccess',
      UserName: 'deploy-bot',
    });
    const { AccessKey } = (await call(0, 'CreateAccessKey', { UserName: 'deploy-bot' })) as {
      AccessKey: { AccessKeyId: string; AccessKeySecret: string };
    };
    const bot = new RPCClient({
      endpoint: origin(1),
      apiVersion: '2015-04-01',
      accessKeyId: AccessKey.AccessKeyId,
      accessKeySecret: AccessKey.AccessKeySecret,
    });
    const { Credentials } = (await bot.request(
      'AssumeRole',
      { RoleArn: `acs:ram::${ACCOUNT}:role/Deployer`, RoleSessionName: 'before' },
      { method: 'POST' },
    )) as { Credentials: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string } };
    const old: Keys = {
      accessKeyId: Credentials.AccessKeyId,
      accessKeySecret: Credentials.AccessKeySecret,
      securityToken: Credentials.SecurityToken,
    };
    for (const i of [0, 1, 2]) expect(await callerArn(i, old)).toContain('assumed-role/Deployer/before');
    await call(2, 'DeleteRole', { RoleName: 'Deployer' });
    await call(2, 'CreateRole', { RoleName: 'Deployer', AssumeRolePolicyDocument: trust });
    await call(2, 'AttachPolicyToRole', {
      PolicyType: 'System',
      PolicyName: 'AdministratorAccess',
      RoleName: 'Deployer',
    });
    // The instance that wrote refuses at once; the others once their 5 s directory cache has turned over.
    expect(await errorCode(sts(2, old).getCallerIdentity())).toBe('InvalidSecurityToken.Expired');
    for (const i of [0, 1])
      await eventually(
        async () => (await errorCode(sts(i, old).getCallerIdentity())) === 'InvalidSecurityToken.Expired',
        7_000,
      );
  });
});

describe('federated CLI login across instances', () => {
  it('starts on A, completes on B, and its one-time code redeems once, on any instance', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      provider: `${ACCOUNT}:demo-idp`,
      cli_redirect: 'http://127.0.0.1:9/callback',
      cli_state: randomBytes(16).toString('base64url'),
      cli_challenge: challenge,
      cli_challenge_method: 'S256',
    });
    const browser = new WebSession();
    const start = await browser.request(`${origin(0)}/cli/login?${query}`);
    expect(start.status).toBe(302);
    const idpPage = await browser.request(via(0, start.location ?? ''));
    const requestId = inputValue(idpPage.html, 'request') ?? '';
    const done = await browser.request(`${origin(1)}/saml-role/sso`, {
      SAMLResponse: await idpResponse(1, 'bob', requestId),
    });
    expect(done.status).toBe(200);
    const callback = /id="cli-continue" href="([^"]+)"/.exec(done.html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const code = new URL(callback).searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const redeem = (i: number) =>
      fetch(`${origin(i)}/cli/token`, {
        method: 'POST',
        body: new URLSearchParams({ code, code_verifier: verifier }),
      });
    const first = await redeem(2);
    expect(first.status).toBe(200);
    const { Credentials } = (await first.json()) as { Credentials: { AccessKeyId: string } };
    expect(Credentials.AccessKeyId).toMatch(/^STS\./);
    for (const i of [0, 1, 2]) expect((await redeem(i)).status).toBeGreaterThanOrEqual(400);
  });
});
