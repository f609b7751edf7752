/**
 * The CLI's loopback listener (RFC 8252): 127.0.0.1 on a port the system picks, one callback path,
 * accepting exactly one code whose state matches this login. Other requests get a short page and
 * do not end the wait.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackListener {
  /** http://127.0.0.1:<port>/callback */
  redirectUri: string;
  /** Resolves with the code; rejects on timeout, abort, or the failure the gateway sent back. */
  waitForCode(timeoutMs: number, signal?: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

const CALLBACK_PATH = '/callback';

function page(res: ServerResponse, status: number, title: string, message: string): void {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · ramgate</title></head>` +
      `<body><main><h1>${escape(title)}</h1><p>${escape(message)}</p></main></body></html>`,
  );
}

/** What the gateway reported instead of a code (error, error_description, request_id), as one message. */
export function gatewayFailure(params: URLSearchParams): Error {
  // Control and format characters (terminal escapes, bidi overrides) never reach the terminal.
  const clip = (value: string | null, max: number) =>
    (value ?? '').replace(/[\p{Cc}\p{Cf}]/gu, ' ').slice(0, max);
  const requestId = clip(params.get('request_id'), 64);
  return new Error(
    `The sign-in failed at the gateway: ${clip(params.get('error'), 100)}: ${clip(params.get('error_description'), 400)}` +
      `${requestId ? ` (RequestId ${requestId})` : ''}. Nothing was written.`,
  );
}

export async function startLoopbackListener(expectedState: string): Promise<LoopbackListener> {
  let deliver: (outcome: string | Error) => void = () => undefined;
  const received = new Promise<string | Error>((resolve) => (deliver = resolve));
  let done = false;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      page(
        res,
        404,
        'Not found',
        'This is the ramgate login listener; it only answers the sign-in callback.',
      );
      return;
    }
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state');
    if (done) {
      page(res, 409, 'Already signed in', 'This login has already completed; you can close this tab.');
    } else if (state === expectedState && url.searchParams.has('error')) {
      done = true;
      const failure = gatewayFailure(url.searchParams);
      page(
        res,
        200,
        'Sign-in failed',
        `${failure.message} The ramgate command has stopped; you can close this tab.`,
      );
      deliver(failure);
    } else if (!code || state !== expectedState) {
      page(res, 400, 'Not this login', 'The callback does not belong to the waiting ramgate login.');
    } else {
      done = true;
      page(
        res,
        200,
        'Signed in',
        'ramgate received the sign-in; return to your terminal. You can close this tab.',
      );
      deliver(code);
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    waitForCode(timeoutMs, signal) {
      return new Promise<string>((resolve, reject) => {
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          settle();
        };
        const timer = setTimeout(() => {
          const seconds = Math.round(timeoutMs / 1000);
          finish(() =>
            reject(
              new Error(`Timed out after ${seconds} s waiting for the browser sign-in; nothing was written.`),
            ),
          );
        }, timeoutMs);
        const onAbort = () =>
          finish(() => reject(signal?.reason ?? new Error('Cancelled: nothing was written.')));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        void received.then((outcome) =>
          finish(() => (outcome instanceof Error ? reject(outcome) : resolve(outcome))),
        );
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
