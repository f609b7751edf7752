import { STATUS_CODES, createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { ApiError } from '../../core/errors.js';
import { attachTransport, transportOf, type TrustedProxies } from '../transport.js';
import { errorBody, newRequestId } from './envelope.js';
import type { RpcEndpoint } from './router.js';

export type HttpServerOptions = {
  /** Request line + headers, bytes. The STS SDK puts a whole SAMLResponse (≤100,000 chars) in the query. */
  maxHeaderSize?: number;
  /** Time to receive the headers, ms. */
  headersTimeout?: number;
  /** Time to receive the whole request, ms. */
  requestTimeout?: number;
  /** Idle time of a kept-alive connection, ms. */
  keepAliveTimeout?: number;
  /** How often Node checks the headers and request timeouts, ms. */
  connectionsCheckingInterval?: number;
  hostId?: string;
};

export const HTTP_SERVER_DEFAULTS = {
  maxHeaderSize: 256 * 1024,
  headersTimeout: 20_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 2_000,
} as const;

/** How the listener treats each request before routing it (src/http/transport.ts). */
export type FrontDoor = {
  /** Proxies whose forwarding headers are believed. */
  trust?: TrustedProxies;
  /** Strict-Transport-Security value sent on every answer over https (direct or via a trusted proxy). */
  hsts?: string;
};

/**
 * The RPC API's requests go straight to its endpoint; everything else to the Koa app. Each
 * request's client address and TLS fact are derived first, under the front door's trusted proxies.
 */
export function requestListener(app: Koa, rpc?: RpcEndpoint, front: FrontDoor = {}): RequestListener {
  const web = app.callback();
  const route: RequestListener = rpc
    ? (req, res) => (rpc.accepts(req) ? void rpc.serve(req, res) : web(req, res))
    : web;
  if (!front.trust && !front.hsts) return route;
  const { trust, hsts } = front;
  return (req, res) => {
    const transport = trust ? attachTransport(req, trust) : transportOf(req);
    if (hsts && transport.secure) res.setHeader('Strict-Transport-Security', hsts);
    route(req, res);
  };
}

/** A Node HTTP server for the gateway with limits that fit the Alibaba SDKs (large query strings). */
export function createHttpServer(app: Koa, options: HttpServerOptions & { rpc?: RpcEndpoint } = {}): Server {
  const server = createServer(serverOptionsOf(options), requestListener(app, options.rpc));
  answerClientErrors(server, options.hostId);
  return server;
}

/** Node's server options (http or https) from the gateway's limits. */
export function serverOptionsOf(options: HttpServerOptions = {}): ServerOptions {
  const settings = { ...HTTP_SERVER_DEFAULTS, ...options };
  return {
    maxHeaderSize: settings.maxHeaderSize,
    headersTimeout: settings.headersTimeout,
    requestTimeout: settings.requestTimeout,
    keepAliveTimeout: settings.keepAliveTimeout,
    connectionsCheckingInterval: settings.connectionsCheckingInterval,
  };
}

/** Requests Node's parser refuses are answered in the Alibaba error body (any http or https server). */
export function answerClientErrors(server: Server, hostId = 'ramgate'): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(error, socket, hostId),
  );
}

/** Node's parser refused the request: answer in the Alibaba error body instead of a bare status line. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, hostId: string): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const apiError = clientErrorAsApiError(error.code);
  const requestId = newRequestId();
  const body = JSON.stringify(errorBody(apiError, requestId, hostId));
  socket.end(
    `HTTP/1.1 ${apiError.httpStatus} ${STATUS_CODES[apiError.httpStatus] ?? ''}\r\n` +
      `Content-Type: application/json;charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-acs-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function clientErrorAsApiError(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError('RequestTooLarge', 'The request line and headers exceed the size limit.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('RequestTimeout', 'The request was not received in time.');
    default:
      return new ApiError('InvalidParameter', 'The HTTP request is malformed.');
  }
}
