/**
 * The native HTTPS listener: Node's https server with the gateway's limits, whose certificate and
 * key are read from files and reloaded without a restart (on SIGHUP, via `reload()`, and when a
 * file changes). A pair that does not load (unreadable, mismatched, half-written during a
 * renewal) is logged and the previous one keeps serving; new connections get the new pair,
 * connections already open keep theirs. The plain-HTTP listener beside it only redirects.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer as createPlainServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { answerClientErrors, serverOptionsOf, type HttpServerOptions } from './rpc/index.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsListener {
  server: Server;
  /** Reads the files again; resolves to true when a new pair was installed. Never throws. */
  reload(): boolean;
  /** SHA-256 fingerprint of the certificate being served (AB:CD:…), for logs and tests. */
  fingerprint(): string;
  /** Stops watching the files (the server is closed by its owner). */
  stopWatching(): void;
}

/** How often the certificate files are checked for changes, ms (0: only on reload()/SIGHUP). */
export const TLS_WATCH_INTERVAL_MS = 2_000;

function readPair(files: TlsFiles): SecureContextOptions & { cert: string; key: string } {
  const pair = { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') };
  createSecureContext(pair); // throws when the key does not match the certificate or either is malformed
  return pair;
}

/** SHA-256 of the (first) certificate's DER, as `openssl x509 -fingerprint -sha256` prints it. */
const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

/** An https server for `listener`; throws at start when the pair does not load (fail closed). */
export function createTlsListener(
  files: TlsFiles,
  listener: RequestListener,
  logger: Logger,
  options: HttpServerOptions & { watchIntervalMs?: number } = {},
): TlsListener {
  let current = readPair(files);
  const server = createTlsServer(
    { ...serverOptionsOf(options), ...current, minVersion: 'TLSv1.2' },
    listener,
  );
  answerClientErrors(server, options.hostId);
  server.on('tlsClientError', (err: Error) => logger.debug({ err }, 'TLS handshake failed'));
  const reload = (): boolean => {
    let next: typeof current;
    try {
      next = readPair(files);
    } catch (err) {
      logger.error({ err, ...files }, 'TLS certificate not reloaded: the previous one stays in use');
      return false;
    }
    if (next.cert === current.cert && next.key === current.key) return false;
    server.setSecureContext({ ...next, minVersion: 'TLSv1.2' });
    current = next;
    logger.info({ ...files, sha256: fingerprintOf(next.cert) }, 'TLS certificate reloaded');
    return true;
  };
  const interval = options.watchIntervalMs ?? TLS_WATCH_INTERVAL_MS;
  const onChange = () => void reload();
  const watched = interval > 0 ? [files.certFile, files.keyFile] : [];
  for (const file of watched) watchFile(file, { interval, persistent: false }, onChange);
  return {
    server,
    reload,
    fingerprint: () => fingerprintOf(current.cert),
    stopWatching: () => {
      for (const file of watched) unwatchFile(file, onChange);
    },
  };
}

/**
 * A plain-HTTP listener that answers every request with a redirect to the same path under the
 * https base URL (never to the Host header: no open redirect). GET/HEAD get 301, others 308.
 */
export function createRedirectListener(httpsBaseUrl: string, options: HttpServerOptions = {}): Server {
  const base = new URL(httpsBaseUrl);
  const server = createPlainServer(serverOptionsOf(options), (req, res) => {
    const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
    // Concatenated, not resolved: `//evil.example/` must stay a path of this origin.
    const target = { href: `${base.origin}${path}` };
    const status = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
    try {
      res.writeHead(status, { Location: target.href, 'Content-Length': '0', Connection: 'close' });
    } catch {
      // A target Node will not write in a header: no redirect for it.
      res.writeHead(400, { 'Content-Length': '0', Connection: 'close' });
    }
    res.end();
    req.resume();
  });
  answerClientErrors(server, options.hostId);
  return server;
}
