import { afterAll, describe, expect, it } from 'vitest';
import { MemoryEphemeral } from '../../../src/core/store/memory-ephemeral.js';
import {
  checkNonceShape,
  checkTimestampWindow,
  consumeNonce,
  parseSignedTimestamp,
} from '../../../src/http/rpc/freshness.js';
import { codeOf } from './error-code.js';

describe('signed timestamps', () => {
  it('parses the SDK format yyyy-MM-ddTHH:mm:ssZ', () => {
    expect(parseSignedTimestamp('2026-11-22T16:05:39Z', 'Timestamp')).toBe(Date.UTC(2026, 10, 22, 16, 5, 39));
  });

  it.each([
    '2026-11-22T16:05:39.000Z',
    '2026-11-22T16:05:39+00:00',
    '2026-11-22 16:05:39Z',
    '2026-02-30T00:00:00Z',
    '2026-11-22T24:00:00Z',
    'Sun, 22 Nov 2026 16:05:39 GMT',
    '1763827539',
  ])('refuses %s as InvalidTimeStamp.Format', (text) => {
    expect(codeOf(() => parseSignedTimestamp(text, 'Timestamp'))).toBe('InvalidTimeStamp.Format');
  });

  it('a missing timestamp is MissingParameter', () => {
    expect(codeOf(() => parseSignedTimestamp(undefined, 'Timestamp'))).toBe('MissingParameter');
    expect(codeOf(() => parseSignedTimestamp('', 'x-acs-date'))).toBe('MissingParameter');
  });

  it('accepts ±15 minutes inclusive, refuses beyond, both directions', () => {
    const now = Date.UTC(2026, 0, 1);
    const window = 15 * 60_000;
    expect(codeOf(() => checkTimestampWindow(now - window, now, window, 'Timestamp'))).toBe('no error');
    expect(codeOf(() => checkTimestampWindow(now + window, now, window, 'Timestamp'))).toBe('no error');
    expect(codeOf(() => checkTimestampWindow(now - window - 1000, now, window, 'Timestamp'))).toBe(
      'InvalidTimeStamp.Expired',
    );
    expect(codeOf(() => checkTimestampWindow(now + window + 1000, now, window, 'Timestamp'))).toBe(
      'InvalidTimeStamp.Expired',
    );
  });
});

describe('nonces', () => {
  const store = new MemoryEphemeral();
  afterAll(() => store.close());

  it('are single-use per AccessKey', async () => {
    const now = Date.now();
    await consumeNonce(store, 'AK1', 'n-1', now, now, 900_000);
    await expect(consumeNonce(store, 'AK1', 'n-1', now, now, 900_000)).rejects.toMatchObject({
      code: 'SignatureNonceUsed',
    });
    await expect(consumeNonce(store, 'AK2', 'n-1', now, now, 900_000)).resolves.toBeUndefined();
  });

  it('are kept until the signed timestamp leaves the window', async () => {
    const ttls: number[] = [];
    const recorder = { putIfAbsent: async (_k: string, _v: string, ttl: number) => (ttls.push(ttl), true) };
    const now = 1_000_000_000;
    await consumeNonce(recorder, 'AK', 'a', now - 60_000, now, 900_000);
    await consumeNonce(recorder, 'AK', 'b', now + 60_000, now, 900_000);
    expect(ttls).toEqual([841_000, 961_000]);
  });

  it('must be present and bounded', () => {
    expect(codeOf(() => checkNonceShape(undefined, 'SignatureNonce'))).toBe('MissingParameter');
    expect(codeOf(() => checkNonceShape('x'.repeat(257), 'SignatureNonce'))).toBe('InvalidParameter');
    expect(checkNonceShape('abc', 'SignatureNonce')).toBe('abc');
  });
});
