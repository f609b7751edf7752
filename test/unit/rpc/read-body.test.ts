/** Reading a request body within a size limit, on a real loopback HTTP server. */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../../src/core/errors.js';
import { readBodyWithinLimit } from '../../../src/http/rpc/params.js';

const LIMIT = 1024;
let server: Server;
let port = 0;
/** What the server made of each request, in arrival order. */
const outcomes: Array<Promise<string>> = [];

function outcomeOf(req: IncomingMessage): Promise<string> {
  return readBodyWithinLimit(req, LIMIT).then(
    (body) => `body ${body.length} ${body.subarray(0, 8).toString('latin1')}`,
    (error: unknown) => (isApiError(error) ? `refused ${error.code}` : `failed ${String(error)}`),
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const outcome = outcomeOf(req);
    outcomes.push(outcome);
    void outcome.then((text) => {
      if (text.startsWith('refused')) res.setHeader('connection', 'close');
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `chunks` as a chunked body (no Content-Length) and returns the answer. */
function post(chunks: Buffer[], headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readBodyWithinLimit', () => {
  it('joins a body sent in several chunks', async () => {
    const chunks = [Buffer.from('Action=A'), Buffer.alloc(300, 0x61), Buffer.alloc(300, 0x62)];
    expect(await post(chunks)).toBe('body 608 Action=A');
  });

  it('reads an empty body', async () => {
    expect(await post([])).toBe('body 0 ');
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/refused RequestTooLarge$/);
  });

  it('refuses a chunked body once it passes the limit, and keeps serving', async () => {
    const chunks = Array.from({ length: 8 }, () => Buffer.alloc(200, 0x63));
    expect(await post(chunks)).toBe('refused RequestTooLarge');
    expect(await post([Buffer.from('after=1')])).toBe('body 7 after=1');
  });

  it('a client that goes away mid-body ends the read with a failure, not a hang', async () => {
    const before = outcomes.length;
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nAction=');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    while (outcomes.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await outcomes[before]).toMatch(/^failed /);
  });
});
