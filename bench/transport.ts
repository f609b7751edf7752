/**
 * Cost of deriving the client address and TLS fact of one request (src/http/transport.ts): the
 * direct case (no trusted proxy), one nginx hop, and a 4-hop chain of X-Forwarded-For / Forwarded.
 * Prints µs per request; never fails. Run: npm run bench:transport
 */
import type { IncomingMessage } from 'node:http';
import { deriveTransport, TrustedProxies } from '../src/http/transport.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const trust = TrustedProxies.parse('10.0.0.0/8, 127.0.0.1, fd00::/8');
const none = new TrustedProxies();

function request(peer: string, headers: Record<string, string> = {}): IncomingMessage {
  const headersDistinct = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  return { socket: { remoteAddress: peer }, headersDistinct } as unknown as IncomingMessage;
}

const cases: Array<[string, IncomingMessage, TrustedProxies]> = [
  ['direct, no trusted proxy', request('::ffff:198.51.100.7'), none],
  [
    'one nginx hop (X-Forwarded-For + Proto)',
    request('127.0.0.1', { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https' }),
    trust,
  ],
  [
    'four hops of X-Forwarded-For',
    request('10.0.0.2', {
      'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.9, 10.0.0.5',
      'x-forwarded-proto': 'https',
    }),
    trust,
  ],
  [
    'four hops of Forwarded',
    request('10.0.0.2', {
      forwarded: 'for=6.6.6.6, for="[2001:db8::7]:4711";proto=https, for=10.0.0.9, for=10.0.0.5:80',
    }),
    trust,
  ],
];

for (const [name, req, proxies] of cases) {
  for (let i = 0; i < 20_000; i++) deriveTransport(req, proxies); // warm-up
  let n = 0;
  const started = process.hrtime.bigint();
  const until = started + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < until) {
    for (let i = 0; i < 1000; i++) deriveTransport(req, proxies);
    n += 1000;
  }
  const us = Number(process.hrtime.bigint() - started) / 1000 / n;
  console.log(`${name.padEnd(42)} ${us.toFixed(3)} µs/request (${(1 / us).toFixed(2)} M/s, ${n} runs)`);
}
