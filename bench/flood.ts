/**
 * Honest sign-ins during a flood (issue 14). A gateway process (`ramgate serve --demo`, default
 * limits and budgets) is driven for BENCH_SECONDS (30) twice: once with honest traffic only, once
 * while BENCH_FLOOD_CONNECTIONS (32) connections from BENCH_FLOOD_ADDRESSES (1) loopback addresses
 * (127.0.0.1, then 127.0.3.x) send, as fast as they are answered, GET /login with the longest
 * accepted role parameter and POST /saml-role/sso with an already used (valid, signed) response.
 * The honest clients are BENCH_HONEST_ADDRESSES (8) other addresses (127.0.0.2, 127.0.1.x), each
 * doing a whole SP-initiated sign-in (GET /login → the demo IdP → its login form → ACS → 303) every
 * BENCH_HONEST_INTERVAL_MS (700) ms, which stays under the default rate limits. Printed side by side:
 * honest success rate, p50/p99/max latency of a whole sign-in, and what the flood got.
 * Figures only, never a pass/fail. Run: npm run bench:flood (BENCH_STORE=redis for a redis-server
 * with maxmemory 256mb and noeviction).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { resolve } from 'node:path';
import { fromAddress, type AddressedAnswer } from '../test/support/from-address.js';
import { startRedis, freePort, type RedisServer } from '../test/support/redis.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const FLOOD_CONNECTIONS = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 32);
const FLOOD_ADDRESSES = Number(process.env.BENCH_FLOOD_ADDRESSES ?? 1);
const HONEST_ADDRESSES = Number(process.env.BENCH_HONEST_ADDRESSES ?? 8);
const HONEST_INTERVAL_MS = Number(process.env.BENCH_HONEST_INTERVAL_MS ?? 700);
const STORE = process.env.BENCH_STORE === 'redis' ? 'redis' : 'memory';
const ACCOUNT = '1234567890123456';
const ROLE = `acs:ram::${ACCOUNT}:role/${'r'.repeat(64)}`;
const BIN = resolve(import.meta.dirname, '../bin/ramgate.js');

const agents = new Map<string, Agent>();

function send(address: string, url: string, form?: Record<string, string>): Promise<AddressedAnswer> {
  let agent = agents.get(address);
  if (!agent) agents.set(address, (agent = new Agent({ keepAlive: true, maxSockets: 64 })));
  return fromAddress(address, url, form, agent);
}

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}"\\s+value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';

/** One whole SP-initiated sign-in of bob from `address`; true when it ended in the console. */
async function honestSignIn(base: string, address: string): Promise<boolean> {
  const start = await send(address, `${base}/login?provider=${ACCOUNT}:demo-idp`);
  if (start.status !== 302 || !start.location) return false;
  const idpPage = await send(address, new URL(start.location, base).href);
  const request = hidden(idpPage.body, 'request');
  if (!request) return false;
  const posted = await send(address, `${base}/demo-idp/login`, {
    sp: 'role',
    request,
    relay: hidden(idpPage.body, 'relay'),
    username: 'bob',
    password: 'bob',
  });
  const samlResponse = hidden(posted.body, 'SAMLResponse');
  if (!samlResponse) return false;
  const acs = await send(address, `${base}/saml-role/sso`, { SAMLResponse: samlResponse });
  return acs.status === 303 && acs.location === '/console';
}

/** A response bob already used once: every replay of it costs a full verification before "replay". */
async function usedResponse(base: string): Promise<string> {
  const page = await send('127.0.0.9', `${base}/demo-idp/login`, {
    sp: 'role',
    request: '',
    relay: '',
    username: 'bob',
    password: 'bob',
  });
  const samlResponse = hidden(page.body, 'SAMLResponse');
  await send('127.0.0.9', `${base}/saml-role/sso`, { SAMLResponse: samlResponse });
  return samlResponse;
}

type Phase = {
  logins: number;
  succeeded: number;
  latencies: number[];
  flood: Map<string, number>;
  floodRequests: number;
};

async function phase(base: string, flood: boolean): Promise<Phase> {
  const result: Phase = { logins: 0, succeeded: 0, latencies: [], flood: new Map(), floodRequests: 0 };
  const replayed = await usedResponse(base);
  const until = performance.now() + SECONDS * 1000;
  const honest = Array.from({ length: HONEST_ADDRESSES }, (_, i) => (i === 0 ? '127.0.0.2' : `127.0.1.${i}`));
  const honestLoops = honest.map(async (address, i) => {
    await sleep((HONEST_INTERVAL_MS * i) / HONEST_ADDRESSES);
    while (performance.now() < until) {
      const started = performance.now();
      const ok = await honestSignIn(base, address).catch(() => false);
      const took = performance.now() - started;
      result.logins += 1;
      if (ok) result.succeeded += 1;
      result.latencies.push(took);
      await sleep(Math.max(0, HONEST_INTERVAL_MS - took));
    }
  });
  const floodAddresses = Array.from({ length: FLOOD_ADDRESSES }, (_, i) =>
    i === 0 ? '127.0.0.1' : `127.0.${3 + Math.floor(i / 250)}.${(i % 250) + 1}`,
  );
  const floodLoops = flood
    ? Array.from({ length: FLOOD_CONNECTIONS }, async (_, c) => {
        for (let n = 0; performance.now() < until; n++) {
          const address = floodAddresses[(c + n) % floodAddresses.length] as string;
          const answer =
            n % 2 === 0
              ? await send(
                  address,
                  `${base}/login?provider=${ACCOUNT}:demo-idp&role=${encodeURIComponent(ROLE)}`,
                )
              : await send(address, `${base}/saml-role/sso`, { SAMLResponse: replayed });
          const code =
            /<code>((?:Throttling|AuthenticationFail)[A-Za-z.]*)<\/code>/.exec(answer.body)?.[1] ?? '';
          const key = `${n % 2 === 0 ? 'login' : 'acs'} ${answer.status}${code ? ` ${code}` : ''}`;
          result.flood.set(key, (result.flood.get(key) ?? 0) + 1);
          result.floodRequests += 1;
        }
      })
    : [];
  await Promise.all([...honestLoops, ...floodLoops]);
  return result;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function startServer(redis: RedisServer | undefined): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const store = redis ? ['--store', 'redis', '--redis', redis.url] : [];
  const child = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', String(port), ...store], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ramgate is listening')) done();
    });
    child.once('exit', () => fail(new Error(`the gateway exited: ${out}`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

async function run(flood: boolean): Promise<Phase> {
  const redis =
    STORE === 'redis'
      ? await startRedis(['--maxmemory', '256mb', '--maxmemory-policy', 'noeviction'])
      : undefined;
  const server = await startServer(redis);
  try {
    return await phase(server.base, flood);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((done) => server.child.once('exit', done));
    await redis?.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

const quiet = await run(false);
const flooded = await run(true);
const row = (label: string, a: string, b: string) =>
  process.stdout.write(`${label.padEnd(34)}${a.padStart(16)}${b.padStart(16)}\n`);
const sortedQuiet = [...quiet.latencies].sort((x, y) => x - y);
const sortedFlood = [...flooded.latencies].sort((x, y) => x - y);
const ms = (v: number) => `${v.toFixed(1)} ms`;
process.stdout.write(
  `\nHonest SP-initiated sign-ins, ${STORE} store, ${SECONDS} s per run, ${HONEST_ADDRESSES} honest addresses ` +
    `(one sign-in each per ${HONEST_INTERVAL_MS} ms); flood: ${FLOOD_CONNECTIONS} connections from ` +
    `${FLOOD_ADDRESSES} address(es), GET /login + replayed POST /saml-role/sso\n\n`,
);
row('', 'no flood', 'flood');
row('honest sign-ins', String(quiet.logins), String(flooded.logins));
row(
  'succeeded',
  `${((100 * quiet.succeeded) / Math.max(1, quiet.logins)).toFixed(2)} %`,
  `${((100 * flooded.succeeded) / Math.max(1, flooded.logins)).toFixed(2)} %`,
);
row('p50 of a whole sign-in', ms(percentile(sortedQuiet, 50)), ms(percentile(sortedFlood, 50)));
row('p99 of a whole sign-in', ms(percentile(sortedQuiet, 99)), ms(percentile(sortedFlood, 99)));
row('max', ms(sortedQuiet.at(-1) ?? NaN), ms(sortedFlood.at(-1) ?? NaN));
row(
  'flood requests answered',
  '-',
  `${flooded.floodRequests} (${(flooded.floodRequests / SECONDS).toFixed(0)}/s)`,
);
for (const [answer, count] of [...flooded.flood].sort((a, b) => b[1] - a[1]))
  row(`  ${answer}`, '', String(count));
for (const agent of agents.values()) agent.destroy();
