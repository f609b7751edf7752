import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One HTTP-POST binding message received by the capturing ACS. */
export interface CapturedPost {
  path: string;
  samlResponse: string | undefined;
  relayState: string | undefined;
}

export interface CapturingAcs {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Every POST received so far, oldest first. */
  posts: CapturedPost[];
  /** Resolves with the oldest POST not yet taken by nextPost, waiting for one if needed. */
  nextPost(timeoutMs?: number): Promise<CapturedPost>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/**
 * A stand-in SP for harness tests: a loopback HTTP server that records every form POST (any path)
 * and answers with a small page naming what it got, so a browser test can see it landed.
 */
export async function startCapturingAcs(): Promise<CapturingAcs> {
  const posts: CapturedPost[] = [];
  const untaken: CapturedPost[] = [];
  const waiters: ((post: CapturedPost) => void)[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const post: CapturedPost = {
        path: req.url ?? '/',
        samlResponse: form.get('SAMLResponse') ?? undefined,
        relayState: form.get('RelayState') ?? undefined,
      };
      posts.push(post);
      const waiter = waiters.shift();
      if (waiter) waiter(post);
      else untaken.push(post);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>Captured</title><h1 id="captured">SAMLResponse received at ${escapeHtml(post.path)}</h1>` +
          `<p id="relay-state">${escapeHtml(post.relayState ?? '')}</p>` +
          `<p id="size">${post.samlResponse?.length ?? 0} base64 characters</p>`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    posts,
    nextPost: (timeoutMs = 10_000) => {
      const ready = untaken.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const waiter = (post: CapturedPost) => {
          clearTimeout(timer);
          resolve(post);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no POST reached the capturing ACS within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
