/**
 * Start a gateway: open the store, wire the services, apply the declarative config, listen.
 * `ramgate serve` and the integration tests both start gateways through `startGateway`.
 */
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import Koa from 'koa';
import type { Logger } from 'pino';
import { JsonLinesAuditSink } from '../core/audit.js';
import {
  applyConfig,
  checkConfig,
  explainFileError,
  loadConfigFile,
  type LoadedConfig,
} from '../core/config/index.js';
import { GLOBAL_SCOPE, type StoreOptions } from '../core/store/index.js';
import { expiredMetadataProblem } from '../saml/metadata-validity.js';
import { validateIdpMetadata } from '../saml/metadata.js';
import { explainListenError } from './listen-errors.js';
import type { DirectoryStore } from '../core/store/types.js';
import { parseTokenKeys } from '../core/sts/keyring.js';
import { createApp } from '../http/app.js';
import { createLogger } from '../http/logger.js';
import { requestListener } from '../http/rpc/index.js';
import { Gateway, type SpKeys } from '../sso/gateway.js';
import { MetadataRefresher, refreshTargetsOf } from '../sso/metadata-refresh.js';
import type Router from '@koa/router';
import type { SsoRouteDeps } from '../http/sso-routes.js';
import { setUpDemo } from './demo.js';
import { Listeners } from './listeners.js';
import { edgeSettings, type EdgeOptions } from './edge-settings.js';
import { openStore, rateLimitsOf, warnIfForgetful } from './start-store.js';
import type { RateLimits } from '../http/rate-limits.js';

export interface StartOptions {
  config?: string | undefined;
  demo?: boolean;
  /** Keep the demo IdP's key here, so that several instances (and restarts) share one demo IdP. */
  demoKeyDir?: string | undefined;
  host?: string;
  port?: number;
  /** Public base URL; default http://<host>:<port>. */
  baseUrl?: string | undefined;
  store?: StoreOptions;
  auditLog?: string | undefined;
  sessionSecret?: string | undefined;
  stsKeys?: string | undefined;
  allowAesCbcProviders?: string[];
  sp?: { keyFile?: string; certFile?: string; decryptionKeyFiles?: string[]; encryptionCertFile?: string };
  roleSpEntityId?: string | undefined;
  logger?: Logger;
  now?: () => number;
  /** One limit for every rate class (tests); `rateLimits` wins per class. */
  rateLimitPerMinute?: number;
  /** Requests per minute and client address by route class, over the config file's `gateway.rateLimits`. */
  rateLimits?: Partial<RateLimits>;
  /** Accept a Redis maxmemory-policy other than noeviction (with a warning). */
  redisAllowEviction?: boolean;
  /** Routers added by other features (the CLI login endpoints). */
  extraRouters?: (deps: SsoRouteDeps, gw: Gateway) => Router[];
  /** TLS, redirect listener, trusted proxies, HSTS, operator endpoints (src/cli/edge-settings.ts). */
  edge?: EdgeOptions;
}

export interface RunningGateway {
  /** The public base URL (configured, or the listening address). */
  url: string;
  /** Where this process listens: http://<host>:<port actually bound>. */
  listenUrl: string;
  server: Server;
  /** The main listener (and TLS reload), the redirect and operator listeners. */
  listeners: Listeners;
  /** The operator listener's URL, when one is configured. */
  operatorUrl?: string;
  gw: Gateway;
  /** Refreshes the IdP metadata of the config's providers that name a metadata URL. */
  refresher?: MetadataRefresher;
  close(): Promise<void>;
}

/** The cookie-signing secret: configured, or made once and shared through the store by every instance. */
async function cookieSecret(directory: DirectoryStore, configured?: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const write = { op: 'create' as const, scope: GLOBAL_SCOPE, collection: 'gatewaySecret', key: 'cookie' };
  await directory.batch([{ ...write, value: { secret: randomBytes(32).toString('base64') } }]);
  const stored = await directory.get(GLOBAL_SCOPE, 'gatewaySecret', 'cookie');
  return Buffer.from(String(stored?.secret), 'base64');
}

function spKeys(sp: StartOptions['sp']): SpKeys {
  if (!sp) return {};
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(
        `The SP key or certificate cannot be read: ${explainFileError(error, resolve(file))}. Make them with: ramgate keygen`,
      );
    }
  };
  const key = (file: string): KeyObject => createPrivateKey(read(file));
  return {
    ...(sp.keyFile ? { signingKey: key(sp.keyFile) } : {}),
    ...(sp.certFile ? { signingCertPem: read(sp.certFile) } : {}),
    ...(sp.decryptionKeyFiles?.length ? { decryptionKeys: sp.decryptionKeyFiles.map(key) } : {}),
    ...(sp.encryptionCertFile ? { encryptionCertPem: read(sp.encryptionCertFile) } : {}),
  };
}

export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger();
  const host = options.host ?? '127.0.0.1';
  // The config is read first: its gateway section supplies defaults that options override.
  const loaded = options.config ? await loadConfigFile(options.config, { collect: true }) : undefined;
  const settings = gatewaySettings(options, loaded);
  const store = await openStore(options, loaded, logger);
  // Listen first, with an empty app: the base URL (and so the ACS URLs in trust policies) may
  // depend on the port the system picks; the real app replaces the request listener below.
  const edge = edgeSettings(options.edge, loaded);
  const listenerOptions = { ...edge.listeners, host, port: options.port ?? 0 };
  const listeners = await Listeners.open(listenerOptions, startingApp(), logger).catch((error: unknown) => {
    throw explainListenError(error, host, options.port ?? 0);
  });
  const server = listeners.main;
  const listenUrl = `${listeners.scheme}://${host.includes(':') ? `[${host}]` : host}:${listeners.port}`;
  const baseUrl = settings.baseUrl ?? listenUrl;
  const gw = new Gateway({
    store,
    baseUrl,
    ...(settings.roleSpEntityId ? { roleSpEntityId: settings.roleSpEntityId } : {}),
    ...(settings.skewSeconds !== undefined ? { skewSeconds: settings.skewSeconds } : {}),
    sp: spKeys(settings.sp),
    allowAesCbcProviders: settings.allowAesCbcProviders,
    ...(options.stsKeys ? { tokenKeys: parseTokenKeys(options.stsKeys) } : {}),
    audit: new JsonLinesAuditSink(options.auditLog),
    ...(options.now ? { now: options.now } : {}),
  });
  let refresher: MetadataRefresher | undefined;
  const close = async () => {
    await refresher?.stop();
    await listeners.closeExtras();
    await closeGracefully(server, gw);
  };
  try {
    const demo = options.demo ? await setUpDemo(gw, logger, options.demoKeyDir) : undefined;
    if (loaded) {
      refresher = new MetadataRefresher(gw, refreshTargetsOf(loaded.config), logger);
      const applyOptions = {
        samlRecipient: gw.roleSp.acsUrl,
        metadataProblem: (xml: string) => expiredMetadataProblem(xml, new Date(gw.now())),
        ...(demo ? { resolveBuiltinMetadata: demo.resolveBuiltinMetadata } : {}),
      };
      // Every problem of the file at once, before anything is written to the store.
      await checkConfig(loaded, { ...applyOptions, validateIdpMetadata });
      const result = await applyConfig(gw.directory, loaded.config, {
        ...applyOptions,
        baseDir: loaded.baseDir,
        source: loaded.text !== undefined ? { name: loaded.source, text: loaded.text } : undefined,
      });
      logger.info({ config: options.config, changes: result.actions.length }, 'configuration applied');
    }
    const { app, rpc, operatorApp } = createApp({
      gw,
      logger,
      cookieSecret: await cookieSecret(store.directory, options.sessionSecret),
      rateLimits: rateLimitsOf(options, loaded),
      extraRouters: (deps) => [...(demo ? [demo.router] : []), ...(options.extraRouters?.(deps, gw) ?? [])],
      ...(demo ? { loginHints: demo.loginHints } : {}),
      operator: edge.operator,
    });
    listeners.route(requestListener(app, rpc, edge.frontDoor));
    const extras = await listeners.openExtras(listenerOptions, baseUrl, operatorApp, logger);
    refresher?.start();
    warnIfForgetful(store, logger);
    return {
      url: baseUrl,
      listenUrl,
      server,
      listeners,
      ...(extras.operatorUrl ? { operatorUrl: extras.operatorUrl } : {}),
      gw,
      ...(refresher ? { refresher } : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Command-line options over the config file's `gateway` section (whose file paths are relative to the file). */
function gatewaySettings(options: StartOptions, loaded: LoadedConfig | undefined) {
  const file = loaded?.config.gateway;
  const relative = (path: string) => resolve(loaded?.baseDir ?? '.', path);
  const fileSp = file?.sp
    ? {
        ...(file.sp.keyFile ? { keyFile: relative(file.sp.keyFile) } : {}),
        ...(file.sp.certFile
          ? { certFile: relative(file.sp.certFile), encryptionCertFile: relative(file.sp.certFile) }
          : {}),
        decryptionKeyFiles: [file.sp.keyFile, ...(file.sp.decryptionKeyFiles ?? [])]
          .filter((f): f is string => !!f)
          .map(relative),
      }
    : undefined;
  const sp = options.sp && Object.keys(options.sp).length > 0 ? options.sp : fileSp;
  return {
    baseUrl: options.baseUrl ?? file?.baseUrl,
    roleSpEntityId: options.roleSpEntityId ?? file?.roleSpEntityId,
    skewSeconds: file?.skewSeconds,
    sp,
    allowAesCbcProviders: [...(options.allowAesCbcProviders ?? []), ...(file?.allowAesCbcProviders ?? [])],
  };
}

/** Stop accepting, let in-flight requests finish (10 s at most), then close the store and audit log. */
async function closeGracefully(server: Server, gw: Gateway): Promise<void> {
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, 10_000);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
  await gw.close();
}

/** Answers 503 until the gateway is wired (config applied, routes mounted). */
function startingApp(): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.status = 503;
    ctx.set('Retry-After', '1');
    ctx.body = { Code: 'ServiceUnavailable', Message: 'The gateway is starting.' };
  });
  return app;
}
