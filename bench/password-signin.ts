/**
 * Password sign-in timing: how long an answer takes for a wrong password of a real user, an unknown
 * user, an unknown domain and a user without a login profile (the same scrypt work each: the figures
 * should be close), and for the right password. In-process demo gateway, loopback only.
 *
 *   npx tsx bench/password-signin.ts [-- --runs 15]
 *
 * Prints ms per answer (median, p90) by case; never fails on speed.
 */
import { startGateway } from '../src/cli/start.js';
import { createLogger } from '../src/http/logger.js';
import { WebSession } from '../test/support/gateway-client.js';
import {
  createPasswordAccount,
  PW_DOMAIN,
  submitLogon,
  userWithPassword,
} from '../test/support/password-signin.js';
import { runsOption } from './runs-option.js';

const RUNS = runsOption(15);
const PASSWORD = 'Bench-password-1';

const gateway = await startGateway({
  demo: true,
  logger: createLogger({ level: 'silent' }),
  rateLimits: { login: 0 },
});
await createPasswordAccount(gateway);
await userWithPassword(gateway, 'bench', PASSWORD);
await gateway.gw.directory.CreateUser('2000000000000017', { UserName: 'noprofile' });

const cases: Array<[string, string, string]> = [
  ['wrong password', `bench@${PW_DOMAIN}`, 'Wrong-password-1'],
  ['unknown user', `nosuch@${PW_DOMAIN}`, 'Wrong-password-1'],
  ['unknown domain', 'bench@nosuch.example.com', 'Wrong-password-1'],
  ['no login profile', `noprofile@${PW_DOMAIN}`, 'Wrong-password-1'],
  ['right password', `bench@${PW_DOMAIN}`, PASSWORD],
];
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let run = 0; run < RUNS; run++)
  for (const [name, logonName, password] of cases) {
    const web = new WebSession();
    await web.request(`${gateway.url}/signin/user`);
    const started = performance.now();
    await submitLogon(gateway, web, { logonName, password });
    times.get(name)?.push(performance.now() - started);
  }
const at = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const medianOf = (list: number[]) =>
  at(
    [...list].sort((a, b) => a - b),
    0.5,
  );
// The peer of every failure is the right password in the same run: a ratio far from 1 would tell
// an attacker which users exist.
const rightMedian = medianOf(times.get('right password') ?? []);
for (const [name, list] of times) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(18)} median ${at(sorted, 0.5).toFixed(1)} ms  p90 ${at(sorted, 0.9).toFixed(1)} ms  ` +
      `×${(at(sorted, 0.5) / rightMedian).toFixed(2)} of the right password  (${RUNS} runs, form GET included)`,
  );
}
await gateway.close();
