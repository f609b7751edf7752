/**
 * The gateway's sockets: the main listener (plain HTTP, or HTTPS with certificate reload), the
 * optional plain-HTTP listener that only redirects to https, and the optional operator listener
 * (/metrics, /healthz, /readyz on an address of its own).
 */
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createServer } from 'node:http';
import { answerClientErrors, createHttpServer, serverOptionsOf } from '../http/rpc/index.js';
import { createRedirectListener, createTlsListener, type TlsFiles, type TlsListener } from '../http/tls.js';

export interface ListenerOptions {
  host: string;
  port: number;
  /** Serve HTTPS on the main listener with these files. */
  tls?: TlsFiles | undefined;
  /** With tls: also listen for plain HTTP on this port, answering only redirects to https. */
  httpRedirectPort?: number | undefined;
  /** `host:port` of the operator listener. */
  operatorListen?: string | undefined;
  /** How often the TLS files are checked for changes, ms (0: only on SIGHUP). */
  tlsWatchIntervalMs?: number | undefined;
}

export class Listeners {
  private extras: Server[] = [];

  private constructor(
    readonly main: Server,
    readonly tls: TlsListener | undefined,
  ) {}

  /** Opens the main listener with a placeholder handler (the app is wired once the port is known). */
  static async open(options: ListenerOptions, placeholder: Koa, logger: Logger): Promise<Listeners> {
    const tls = options.tls
      ? createTlsListener(options.tls, placeholder.callback(), logger, {
          ...(options.tlsWatchIntervalMs !== undefined
            ? { watchIntervalMs: options.tlsWatchIntervalMs }
            : {}),
        })
      : undefined;
    const main = tls?.server ?? createHttpServer(placeholder);
    try {
      await listen(main, options.port, options.host);
    } catch (error) {
      tls?.stopWatching();
      throw error;
    }
    return new Listeners(main, tls);
  }

  get scheme(): 'http' | 'https' {
    return this.tls ? 'https' : 'http';
  }

  get port(): number {
    return (this.main.address() as AddressInfo).port;
  }

  /** Replaces the main listener's handler. */
  route(listener: RequestListener): void {
    this.main.removeAllListeners('request');
    this.main.on('request', listener);
  }

  /** Opens the redirect and operator listeners; their addresses are logged. */
  async openExtras(
    options: ListenerOptions,
    baseUrl: string,
    operatorApp: Koa,
    logger: Logger,
  ): Promise<{ redirectPort?: number; operatorUrl?: string }> {
    const opened: { redirectPort?: number; operatorUrl?: string } = {};
    if (options.tls && options.httpRedirectPort !== undefined) {
      const redirect = createRedirectListener(baseUrl);
      await listen(redirect, options.httpRedirectPort, options.host);
      this.extras.push(redirect);
      opened.redirectPort = (redirect.address() as AddressInfo).port;
      logger.info({ port: opened.redirectPort, to: baseUrl }, 'plain HTTP listener redirects to https');
    }
    if (options.operatorListen) {
      const { host, port } = parseHostPort(options.operatorListen);
      const operator = createServer(serverOptionsOf(), operatorApp.callback());
      answerClientErrors(operator);
      await listen(operator, port, host);
      this.extras.push(operator);
      const bound = (operator.address() as AddressInfo).port;
      opened.operatorUrl = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
      logger.info({ url: opened.operatorUrl }, 'operator listener (/metrics, /healthz, /readyz)');
    }
    return opened;
  }

  /** Reads the TLS files again (SIGHUP). */
  reloadTls(): boolean {
    return this.tls?.reload() ?? false;
  }

  /** Closes the redirect and operator listeners and stops watching files (the main one closes gracefully elsewhere). */
  async closeExtras(): Promise<void> {
    this.tls?.stopWatching();
    await Promise.all(
      this.extras.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    this.extras = [];
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** `127.0.0.1:9090`, `[::1]:9090`, `:9090` (loopback) → host and port; throws on anything else. */
export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65_535) throw new Error(`--operator-listen: "${text}" is not host:port`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}
