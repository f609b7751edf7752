/**
 * A /login flood from one client address, on the memory store and on a real redis-server with
 * maxmemory: the flooding client runs out of its own budget of pending sign-ins, then many
 * addresses exhaust the total, and through all of it replay protection, signed API calls and other
 * clients' sign-ins keep working; /readyz names the exhausted budget. Parameters of /login are
 * refused before anything is stored; rate limits are per route class and (on Redis) shared by
 * instances.
 */
import * as OpenApi from '@alicloud/openapi-core';
import Sts from '@alicloud/sts20150401';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';
import type { StoreOptions } from '../../src/core/store/index.js';
import { WebSession, demoIdpResponse } from '../support/gateway-client.js';
import { fromAddress } from '../support/from-address.js';
import { startRedis, type RedisServer } from '../support/redis.js';

const StsClient = (Sts.default ?? Sts) as typeof Sts.default;
const ACCOUNT = '1234567890123456';
const ROOT = { accessKeyId: 'LTAIdemo0000000000000001', accessKeySecret: 'demoSecretDoNotUseInProduction' };
const PER_CLIENT = 40;
const TOTAL = 100;
const budgets = { authnRequest: { total: TOTAL, perClient: PER_CLIENT } };
const silent = pino({ level: 'silent' });
/** The longest role parameter accepted: a role ARN of the provider's account. */
const ROLE = `acs:ram::${ACCOUNT}:role/${'r'.repeat(64)}`;

type Setup = {
  store: () => StoreOptions;
  before?: () => Promise<void>;
  after?: () => Promise<void>;
  allowEviction?: boolean;
};
let redis: RedisServer | undefined;

const setups: Array<[string, Setup]> = [
  ['memory', { store: () => ({ kind: 'memory', budgets }) }],
  [
    'redis (maxmemory 64mb, noeviction)',
    {
      before: async () => {
        redis = await startRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction']);
      },
      store: () => ({ kind: 'redis', url: redis!.url, keyPrefix: 'flood:', budgets }),
      after: async () => redis?.stop(),
    },
  ],
  [
    // Eviction explicitly allowed (the case issue 14 saw erase security records): the budgets keep
    // the flood far below maxmemory, so nothing is evicted.
    'redis (maxmemory 64mb, volatile-lru allowed)',
    {
      before: async () => {
        redis = await startRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru']);
      },
      store: () => ({ kind: 'redis', url: redis!.url, keyPrefix: 'flood:', budgets }),
      after: async () => redis?.stop(),
      allowEviction: true,
    },
  ],
];

describe.each(setups)('a /login flood on %s', (_name, setup) => {
  let gateway: RunningGateway;
  let url: string;
  const login = (address: string, query = `provider=${ACCOUNT}:demo-idp&role=${encodeURIComponent(ROLE)}`) =>
    fromAddress(address, `${url}/login?${query}`);
  const callerIdentity = async () => {
    const config = new OpenApi.$OpenApiUtil.Config({
      endpoint: new URL(url).host,
      protocol: 'http',
      ...ROOT,
    });
    return (await new StsClient(config).getCallerIdentity()).body?.arn;
  };
  const bobSignsInOnce = async () => {
    const { acsUrl, samlResponse } = await demoIdpResponse(url, 'bob', 'role');
    const first = await new WebSession().request(acsUrl, { SAMLResponse: samlResponse });
    const again = await new WebSession().request(acsUrl, { SAMLResponse: samlResponse });
    return {
      first: first.status,
      again: again.status,
      replayNamed: again.html.includes('<code>replay</code>'),
    };
  };
  const ready = async () => {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, body: (await res.json()) as { reason?: string; error?: string } };
  };

  beforeAll(async () => {
    await setup.before?.();
    gateway = await startGateway({
      demo: true,
      store: setup.store(),
      rateLimits: { login: 100_000 },
      ...(setup.allowEviction ? { redisAllowEviction: true } : {}),
      logger: silent,
    });
    url = gateway.url;
  });
  afterAll(async () => {
    await gateway?.close();
    await setup.after?.();
  });

  it('refuses /login and /cli/login parameters that are not what they must be, storing nothing', async () => {
    const before = (await gateway.gw.store.ephemeral.budgetUsage()).find((b) => b.purpose === 'authnRequest');
    const cases = [
      `provider=${ACCOUNT}:demo-idp&role=${'x'.repeat(300)}`,
      `provider=${ACCOUNT}:demo-idp&role=${encodeURIComponent('acs:ram::999:role/admin')}`,
      `provider=${ACCOUNT}:demo-idp&return_to=${encodeURIComponent('https://evil.example/')}`,
      `provider=${ACCOUNT}:demo-idp&return_to=${encodeURIComponent(`/${'a'.repeat(600)}`)}`,
      `provider=${ACCOUNT}:demo-idp&duration=forever`,
      `provider=${'p'.repeat(400)}`,
    ];
    for (const query of cases) {
      const answer = await login('127.0.0.1', query);
      expect(answer.status, query.slice(0, 80)).toBe(400);
      expect(answer.body).toMatch(/InvalidParameter/);
    }
    const cli = new URLSearchParams({
      provider: `${ACCOUNT}:demo-idp`,
      cli_redirect: 'http://127.0.0.1:45678/callback',
      cli_state: 'state-0123456789abcdef',
      cli_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    });
    for (const [name, value] of [
      ['role', 'r'.repeat(300)],
      ['role', 'acs:ram::999:role/admin'],
      ['duration', '1h'],
    ] as const) {
      const query = new URLSearchParams(cli);
      query.set(name, value);
      const answer = await fromAddress('127.0.0.1', `${url}/cli/login?${query}`);
      expect(answer.status, `${name}=${value}`).toBe(400);
    }
    const valid = await fromAddress('127.0.0.1', `${url}/cli/login?${cli}`);
    expect(valid.status).toBe(302);
    const usage = await gateway.gw.store.ephemeral.budgetUsage();
    expect(usage.find((b) => b.purpose === 'authnRequest')?.used).toBe((before?.used ?? 0) + 1);
    expect(usage.find((b) => b.purpose === 'cliRequest')?.used).toBe(1);
  });

  it('stops one client at its own budget; other clients, replay protection and signed calls keep working', async () => {
    const statuses: number[] = [];
    let refusal = '';
    for (let i = 0; i < PER_CLIENT + 4; i++) {
      const answer = await login('127.0.0.1');
      statuses.push(answer.status);
      if (answer.status !== 302) refusal = answer.body;
    }
    // One place of this client's budget went to the valid /cli/login above.
    expect(statuses.filter((s) => s === 302)).toHaveLength(PER_CLIENT - 1);
    expect(statuses.slice(PER_CLIENT - 1)).toEqual([400, 400, 400, 400, 400]);
    expect(refusal).toContain('Throttling.User');
    expect((await login('127.0.0.2')).status).toBe(302);
    expect(await bobSignsInOnce()).toEqual({ first: 303, again: 401, replayNamed: true });
    expect(await callerIdentity()).toBe(`acs:ram::${ACCOUNT}:root`);
    expect((await ready()).status).toBe(200);
  });

  it('when many addresses exhaust the total, refuses only new pending sign-ins and says so in /readyz', async () => {
    for (const address of ['127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      for (let i = 0; i < PER_CLIENT; i++) await login(address);
    }
    const refused = await login('127.0.0.6');
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('Throttling');
    const readiness = await ready();
    expect(readiness.status).toBe(503);
    expect(readiness.body.reason).toBe('budget-exhausted');
    expect(readiness.body.error).toMatch(/pending sign-ins/);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(`ramgate_budget_entries{purpose="authnRequest"} ${TOTAL}`);
    expect(metrics).toContain(`ramgate_budget_limit_entries{purpose="authnRequest"} ${TOTAL}`);
    // Security state and the other budgets are untouched.
    expect(await bobSignsInOnce()).toEqual({ first: 303, again: 401, replayNamed: true });
    expect(await callerIdentity()).toBe(`acs:ram::${ACCOUNT}:root`);
  });
});

describe('rate limits by route class', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ demo: true, rateLimits: { login: 3, acs: 2 }, logger: silent });
  });
  afterAll(() => gateway?.close());

  it('throttles one class per client address without touching the other classes or clients', async () => {
    const login = (address: string) =>
      fromAddress(address, `${gateway.url}/login?provider=${ACCOUNT}:demo-idp`);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login('127.0.1.1')).status);
    expect(statuses).toEqual([302, 302, 302, 400]);
    expect((await login('127.0.1.1')).body).toContain('Throttling.User');
    expect((await login('127.0.1.2')).status).toBe(302);
    // The ACS class has its own bucket: two posts, then throttled.
    const acs = () => fromAddress('127.0.1.1', `${gateway.url}/saml-role/sso`, { SAMLResponse: 'eA==' });
    expect([(await acs()).status, (await acs()).status, (await acs()).status]).toEqual([401, 401, 400]);
  });
});

describe('rate limits shared by two instances on one Redis', () => {
  let server: RedisServer;
  const gateways: RunningGateway[] = [];
  beforeAll(async () => {
    server = await startRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction']);
    for (let i = 0; i < 2; i++)
      gateways.push(
        await startGateway({
          demo: true,
          store: { kind: 'redis', url: server.url, keyPrefix: 'shared:' },
          rateLimits: { login: 4 },
          logger: silent,
        }),
      );
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await server?.stop();
  });

  it('counts one client across both instances', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const g = gateways[i % 2]!;
      statuses.push((await fromAddress('127.0.2.1', `${g.url}/login?provider=${ACCOUNT}:demo-idp`)).status);
    }
    expect(statuses).toEqual([302, 302, 302, 302, 400, 400]);
  });
});
