/**
 * What a login costs a store, for bench/http.ts: Redis round trips per login (seen through MONITOR)
 * and the memory 10,000 live console sessions take in each store.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import type { Store } from '../src/core/store/index.js';
import { mintCredentials } from '../src/core/sts/credentials.js';
import { TokenKeyring, newTokenKey } from '../src/core/sts/keyring.js';
import { newOpaqueId, saveSession, type ConsoleSession } from '../src/sso/sessions.js';
import { ACCOUNT, PROVIDER } from './signed-forms.js';

/**
 * Round trips per login: the commands clients sent, seen through MONITOR (commands a Lua script
 * runs inside Redis are not round trips and are left out), by name and key family.
 */
export async function roundTripsPerLogin(url: string, redisUrl: string, bodies: Buffer[]): Promise<void> {
  const redis = new Redis(redisUrl);
  const monitor = await redis.monitor();
  const seen = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const key = /^evalsha$/i.test(args[0] ?? '') ? args[3] : args[1];
    const family = (key ?? '')
      .replace(/{[^}]*}/, '{…}')
      .split(':')
      .slice(0, 4)
      .join(':');
    const name = `${(args[0] ?? '').toLowerCase()} ${family}`.trim();
    seen.set(name, (seen.get(name) ?? 0) + 1);
  });
  let ok = 0;
  for (const form of bodies) {
    const res = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString('latin1'),
    });
    if (res.status === 200) ok++;
    await res.arrayBuffer();
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // the last MONITOR lines
  monitor.disconnect();
  redis.disconnect();
  const total = [...seen.values()].reduce((sum, n) => sum + n, 0);
  const detail = [...seen].map(([name, n]) => `${name} ${(n / Math.max(ok, 1)).toFixed(2)}`).join(', ');
  console.log(
    `Redis round trips per login            ${(total / Math.max(ok, 1)).toFixed(2)}  (${ok} logins: ${detail})`,
  );
}

export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** 10,000 console sessions (with real minted credentials) in a store; returns the bytes they take. */
export async function sessionMemory(store: Store, measure: () => Promise<number>): Promise<number> {
  const ring = new TokenKeyring([newTokenKey(Date.now())]);
  const before = await measure();
  const now = Date.now();
  for (let i = 0; i < 10_000; i++) {
    const { credentials } = mintCredentials(
      ring,
      {
        acct: ACCOUNT,
        kind: 'AssumedRoleUser',
        role: 'readonly',
        roleId: '300000000000000001',
        session: `user${i}@example.com`,
        via: 'sts:AssumeRoleWithSAML',
        source: PROVIDER,
      },
      3600,
      now,
    );
    const session: ConsoleSession = {
      id: newOpaqueId(),
      kind: 'role',
      accountId: ACCOUNT,
      arn: `acs:ram::${ACCOUNT}:assumed-role/readonly/user${i}@example.com`,
      roleName: 'readonly',
      sessionName: `user${i}@example.com`,
      provider: PROVIDER,
      credentials,
      expiresAt: now + 3_600_000,
      csrf: newOpaqueId(),
    };
    await saveSession(store.ephemeral, session, now, `10.0.${(i >> 8) & 255}.${i & 255}`);
  }
  return (await measure()) - before;
}
