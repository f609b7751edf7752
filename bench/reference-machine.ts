/**
 * How fast this machine is against the reference machine of /work/shared/reference/perf-baseline.md,
 * measured in the same run: node `crypto.verify` (RSA-2048, SHA-256, a KeyObject parsed once) did
 * 36,843/s there. Targets written for that machine are compared with figures scaled by this factor,
 * always printed next to what was measured here.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';

export const REFERENCE_RSA_VERIFY_PER_SECOND = 36_843;

export interface MachineSpeed {
  /** RSA-2048 verifications per CPU second here. */
  rsaVerifyPerSecond: number;
  /** Reference speed ÷ speed here: > 1 when this machine is slower. */
  slowdown: number;
}

export function measureMachineSpeed(seconds = 1.5): MachineSpeed {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.alloc(600, 0x61);
  const signature = sign('sha256', data, privateKey);
  for (let i = 0; i < 500; i++) verify('sha256', data, publicKey, signature);
  const cpuStart = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) verify('sha256', data, publicKey, signature);
    n += 100;
  }
  const cpu = process.cpuUsage(cpuStart);
  const rsaVerifyPerSecond = n / ((cpu.user + cpu.system) / 1e6);
  return { rsaVerifyPerSecond, slowdown: REFERENCE_RSA_VERIFY_PER_SECOND / rsaVerifyPerSecond };
}

export function describeMachine(speed: MachineSpeed): string {
  return (
    `machine: RSA-2048 verify ${Math.round(speed.rsaVerifyPerSecond).toLocaleString('en')}/CPU-s here, ` +
    `${REFERENCE_RSA_VERIFY_PER_SECOND.toLocaleString('en')}/s on the reference machine → this one is ` +
    `${speed.slowdown.toFixed(2)}× slower now; "ref≈" figures are scaled by such readings (estimates)`
  );
}
