/**
 * The gateway's edge: TLS files, the redirect listener, trusted proxies, HSTS and operator access,
 * from command-line options / RAMGATE_* variables over the config file's `gateway` section (whose
 * paths are relative to the file). Contradictions are refused at start, naming the option.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadedConfig } from '../core/config/index.js';
import type { FrontDoor } from '../http/rpc/index.js';
import type { OperatorAccess } from '../http/operator.js';
import { TrustedProxies } from '../http/transport.js';
import type { ListenerOptions } from './listeners.js';

export interface EdgeOptions {
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  /** Plain-HTTP port that only redirects to https (needs TLS). */
  httpPort?: number | undefined;
  /** CIDR blocks / addresses of trusted reverse proxies. */
  trustProxy?: string[] | undefined;
  /** Strict-Transport-Security max-age on https answers, seconds; 0 sends none. */
  hstsMaxAge?: number | undefined;
  /** `host:port` of a listener for /metrics, /healthz, /readyz alone. */
  operatorListen?: string | undefined;
  /** Bearer token for /metrics (RAMGATE_OPERATOR_TOKEN), or a file holding it. */
  operatorToken?: string | undefined;
  operatorTokenFile?: string | undefined;
  /** How often the TLS files are checked for changes, ms; 0: only on SIGHUP. */
  tlsWatchIntervalMs?: number | undefined;
}

/** One year, without includeSubDomains: the gateway cannot speak for its sibling hosts. */
export const DEFAULT_HSTS_MAX_AGE = 31_536_000;
const MIN_TOKEN_LENGTH = 16;

export interface EdgeSettings {
  listeners: Omit<ListenerOptions, 'host' | 'port'>;
  frontDoor: FrontDoor;
  operator: OperatorAccess;
}

export function edgeSettings(options: EdgeOptions = {}, loaded?: LoadedConfig): EdgeSettings {
  const file = loaded?.config.gateway;
  const relative = (path: string | undefined) => (path ? resolve(loaded?.baseDir ?? '.', path) : undefined);
  const certFile = options.tlsCert ?? relative(file?.tls?.certFile);
  const keyFile = options.tlsKey ?? relative(file?.tls?.keyFile);
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new Error('--tls-cert and --tls-key go together: give both files or neither');
  const tls = certFile && keyFile ? { certFile, keyFile } : undefined;
  const httpRedirectPort = options.httpPort ?? file?.tls?.httpRedirectPort;
  if (httpRedirectPort !== undefined && !tls)
    throw new Error(
      '--http-port opens a listener that redirects to https: it needs --tls-cert and --tls-key',
    );
  if (httpRedirectPort !== undefined && !(Number.isInteger(httpRedirectPort) && httpRedirectPort <= 65_535))
    throw new Error('--http-port must be a port number');
  const trust = options.trustProxy
    ? TrustedProxies.parse(options.trustProxy)
    : TrustedProxies.parse(file?.trustProxy, 'gateway.trustProxy');
  const maxAge = options.hstsMaxAge ?? file?.hstsMaxAge ?? DEFAULT_HSTS_MAX_AGE;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new Error('--hsts-max-age must be a number of seconds');
  const watchMs = options.tlsWatchIntervalMs;
  if (watchMs !== undefined && !(Number.isFinite(watchMs) && watchMs >= 0))
    throw new Error('--tls-watch-seconds must be a number of seconds (0: only on SIGHUP)');
  const tokenFile = options.operatorTokenFile ?? relative(file?.operator?.tokenFile);
  const token = options.operatorToken ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH)
    throw new Error(`the operator token must have at least ${MIN_TOKEN_LENGTH} characters`);
  const operatorListen = options.operatorListen ?? file?.operator?.listen;
  return {
    listeners: {
      tls,
      httpRedirectPort,
      operatorListen,
      ...(options.tlsWatchIntervalMs !== undefined ? { tlsWatchIntervalMs: options.tlsWatchIntervalMs } : {}),
    },
    frontDoor: {
      ...(trust.empty ? {} : { trust }),
      ...(maxAge > 0 ? { hsts: `max-age=${maxAge}` } : {}),
    },
    operator: { ...(token !== undefined ? { token } : {}), separateListener: operatorListen !== undefined },
  };
}
