/** A signed-in aliyun CLI profile as `ramgate login` caches it (`~/.aliyun/ramgate/<profile>.json`), valid for an hour. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CachedLogin {
  accessKeyId: string;
  /** ISO 8601 expiry written into the cache. */
  expiration: string;
}

export function writeCachedLogin(home: string, profile: string, accessKeyId = `STS.${profile}`): CachedLogin {
  mkdirSync(join(home, '.aliyun', 'ramgate'), { recursive: true, mode: 0o700 });
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  const cached = {
    version: 1,
    login: { gateway: 'https://signin.example.com', provider: '1234567890123456:idp' },
    result: {
      Credentials: {
        AccessKeyId: accessKeyId,
        AccessKeySecret: 'secret',
        SecurityToken: 'token',
        Expiration: expiration,
      },
      AssumedRoleUser: { Arn: `acs:ram::1234567890123456:assumed-role/ReadOnly/${profile}` },
      AccountId: '1234567890123456',
      RoleSessionName: profile,
    },
  };
  writeFileSync(join(home, '.aliyun', 'ramgate', `${profile}.json`), JSON.stringify(cached), { mode: 0o600 });
  return { accessKeyId, expiration };
}
