/**
 * When each long-term AccessKey last signed a request (IMS GetAccessKeyLastUsed, the credential
 * report's access_key_N_last_used). The API authenticator records a use after the signature is
 * verified, cheaply: at most one directory write per key and minute — an in-process throttle first,
 * then a one-minute gate in the shared ephemeral store, so that several instances write once too.
 */
import { Lru } from '../lru.js';
import type { DirectoryStore, EphemeralStore } from '../store/types.js';
import { formatDate } from './ids.js';
import { C, json, read, type DirectoryContext } from './storage.js';

export type AccessKeyUsageRecord = { LastUsedDate: string; ServiceName: string };

/** How often a key's use is written at most. */
export const USAGE_WRITE_INTERVAL_MS = 60_000;
/** Keys remembered by the in-process throttle (beyond them the shared gate still holds). */
const THROTTLE_ENTRIES = 10_000;
const GATE_PREFIX = 'akused:';

export class AccessKeyUsageRecorder {
  private readonly recent = new Lru<string, number>(THROTTLE_ENTRIES);

  constructor(
    private readonly stores: { directory: DirectoryStore; ephemeral: Pick<EphemeralStore, 'putIfAbsent'> },
    private readonly now: () => number,
  ) {}

  /** Record that `accessKeyId` (of `accountId`) signed a request to `serviceName` (Sts, Ims, Ram). */
  async record(accountId: string, accessKeyId: string, serviceName: string): Promise<void> {
    const now = this.now();
    const last = this.recent.get(accessKeyId);
    if (last !== undefined && now - last < USAGE_WRITE_INTERVAL_MS) return;
    this.recent.set(accessKeyId, now);
    const first = await this.stores.ephemeral.putIfAbsent(
      `${GATE_PREFIX}${accessKeyId}`,
      '1',
      USAGE_WRITE_INTERVAL_MS,
    );
    if (!first) return;
    const usage: AccessKeyUsageRecord = { LastUsedDate: formatDate(new Date(now)), ServiceName: serviceName };
    await this.stores.directory.batch([
      { op: 'put', scope: accountId, collection: C.accessKeyUsage, key: accessKeyId, value: json(usage) },
    ]);
  }
}

export function readAccessKeyUsage(ctx: DirectoryContext, accountId: string, accessKeyId: string) {
  return read<AccessKeyUsageRecord>(ctx, accountId, C.accessKeyUsage, accessKeyId);
}
