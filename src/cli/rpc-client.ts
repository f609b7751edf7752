/**
 * A signed call to the gateway's RPC API with credentials from an aliyun CLI profile (AK or
 * StsToken mode), signed as the official SDKs sign (RPC v1, HMAC-SHA1, POST form).
 */
import { randomUUID } from 'node:crypto';
import { rpcV1Signature, rpcV1StringToSign } from '../http/rpc/signatures.js';
import { aliyunConfigPath, findProfile, readAliyunConfig } from './aliyun-config.js';

export interface ProfileKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** The keys of a profile of `~/.aliyun/config.json`; only modes that hold keys (AK, StsToken) qualify. */
export async function profileKeys(name: string, path = aliyunConfigPath()): Promise<ProfileKeys> {
  const config = await readAliyunConfig(path);
  const profile = findProfile(config, name);
  if (!profile)
    throw new Error(`${path} has no profile "${name}" (ramgate login --profile ${name} makes one).`);
  const id = profile['access_key_id'];
  const secret = profile['access_key_secret'];
  if (typeof id !== 'string' || typeof secret !== 'string' || id === '' || secret === '')
    throw new Error(
      `The profile "${name}" (mode ${String(profile.mode)}) holds no AccessKey: use an AK or StsToken profile.`,
    );
  const token = profile['sts_token'];
  return {
    accessKeyId: id,
    accessKeySecret: secret,
    ...(typeof token === 'string' && token ? { securityToken: token } : {}),
  };
}

export interface RpcAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function signedCall(
  gateway: string,
  keys: ProfileKeys,
  action: string,
  version: string,
  params: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RpcAnswer> {
  const all = new Map<string, string>(
    Object.entries({
      ...params,
      Action: action,
      Version: version,
      Format: 'JSON',
      AccessKeyId: keys.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(keys.securityToken ? { SecurityToken: keys.securityToken } : {}),
    }),
  );
  all.set('Signature', rpcV1Signature(rpcV1StringToSign('POST', all), keys.accessKeySecret));
  const res = await fetch(new URL('/', gateway), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...all]),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
