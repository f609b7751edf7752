/**
 * Temporary credentials minted and decoded per second on one core (target ≥ 20,000/s), with
 * jose's CompactEncrypt/compactDecrypt measured in the same run for comparison.
 * Run: npm run bench:sts
 */
import { createSecretKey } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { decodeSecurityToken, mintCredentials, type SessionSubject } from '../src/core/sts/credentials.js';
import { TokenKeyring, newTokenKey } from '../src/core/sts/keyring.js';
import { describeMachine, measureMachineSpeed } from './reference-machine.js';

const subject: SessionSubject = {
  acct: '1234567890123456',
  kind: 'AssumedRoleUser',
  role: 'Admin',
  roleId: '3000000000000000001',
  session: 'alice@example.com',
  via: 'sts:AssumeRoleWithSAML',
  source: 'acs:ram::1234567890123456:saml-provider/okta',
  policy: JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'oss:Get*', Resource: '*' }],
  }),
};
const ring = new TokenKeyring([newTokenKey(Date.now())]);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function measure(name: string, op: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2000; i++) await op(); // warm-up
  const samples: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    await op();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const rate = samples.length / SECONDS;
  const pct = (p: number) => ((samples[Math.floor(samples.length * p)] ?? 0) * 1000).toFixed(1);
  console.log(
    `${name.padEnd(34)} ${Math.round(rate).toLocaleString('en').padStart(9)}/s  p50 ${pct(0.5)} µs  p99 ${pct(0.99)} µs`,
  );
  return rate;
}

const ours = await measure('ramgate mint+decode', () => {
  const { credentials } = mintCredentials(ring, subject, 3600, Date.now());
  decodeSecurityToken(ring, credentials.SecurityToken, credentials.AccessKeyId, Date.now());
});
const key = ring.current;
const joseKey = createSecretKey(key.secret);
const encoder = new TextEncoder();
const theirs = await measure('jose CompactEncrypt+compactDecrypt', async () => {
  const { claims } = mintCredentials(ring, subject, 3600, Date.now());
  const token = await new CompactEncrypt(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: key.kid })
    .encrypt(joseKey);
  await compactDecrypt(token, joseKey);
});
const machine = measureMachineSpeed();
const estimate = ours * machine.slowdown;
console.log(describeMachine(machine));
console.log(
  `ratio ramgate/jose: ${(ours / theirs).toFixed(1)}x   target ≥ 20,000/s on the reference machine: ` +
    `${Math.round(ours).toLocaleString('en')}/s here, ref≈ ${Math.round(estimate).toLocaleString('en')}/s (${estimate >= 20_000 ? 'met' : 'NOT met'})`,
);
