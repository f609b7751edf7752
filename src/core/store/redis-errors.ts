import { StoreUnavailableError, StoreUsageError } from './types.js';

/** Redis replies that mean "not now" (the 503 kind), not "wrong request". */
const UNAVAILABLE_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|BUSY|NOREPLICAS|OOM)\b/;

/** Map a client error: connection trouble → StoreUnavailableError; Redis refusing the request → thrown as is. */
export function storeError(err: unknown, what: string): Error {
  if (err instanceof StoreUsageError || err instanceof StoreUnavailableError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const isReply = err instanceof Error && err.name === 'ReplyError';
  if (isReply && /not an integer/.test(message)) return new StoreUsageError(`${what}: ${message}`);
  if (isReply && !UNAVAILABLE_REPLY.test(message)) return err;
  return new StoreUnavailableError(`Redis is unavailable (${what}): ${message}`, { cause: err });
}

/** Runs a client call, turning its failures into store errors. */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw storeError(err, what);
  }
}
