/** createHttpServer: Node's own refusals (slow or oversized requests) still answer in the Alibaba error body. */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/rpc/index.js';

let server: ReturnType<typeof createHttpServer>;
let port: number;
beforeAll(async () => {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  server = createHttpServer(app, {
    headersTimeout: 300,
    requestTimeout: 600,
    connectionsCheckingInterval: 50,
    maxHeaderSize: 8 * 1024,
    hostId: 'h.test',
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

/** Writes raw bytes, then collects everything the server sends until it closes. */
function rawExchange(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

function parse(response: string) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0], head, body: JSON.parse(body) as Record<string, string> };
}

it('applies the configured timeouts and the default keep-alive to the server', () => {
  expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout]).toEqual([300, 600, 5_000]);
});

it('headers that never finish arriving get RequestTimeout 408 with a request id', async () => {
  const { statusLine, head, body } = parse(await rawExchange('POST / HTTP/1.1\r\nHost: x\r\n'));
  expect(statusLine).toBe('HTTP/1.1 408 Request Timeout');
  expect(body).toMatchObject({ Code: 'RequestTimeout', HostId: 'h.test' });
  expect(head).toContain(`x-acs-request-id: ${body.RequestId}`);
});

it('a request line beyond maxHeaderSize gets RequestTooLarge 413', async () => {
  const { statusLine, body } = parse(
    await rawExchange(`GET /?a=${'x'.repeat(9 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`),
  );
  expect(statusLine).toBe('HTTP/1.1 413 Payload Too Large');
  expect(body.Code).toBe('RequestTooLarge');
});

it('a malformed request line gets InvalidParameter 400', async () => {
  const { statusLine, body } = parse(await rawExchange('NOT HTTP AT ALL\r\n\r\n'));
  expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
  expect(body.Code).toBe('InvalidParameter');
});
