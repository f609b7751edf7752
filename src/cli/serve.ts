import { Command, InvalidArgumentError, Option } from 'commander';
import { RATE_CLASSES, type RateLimits } from '../http/rate-limits.js';
import type { StoreOptions } from '../core/store/index.js';
import type { EdgeOptions } from './edge-settings.js';
import { startBanner } from './banner.js';
import { startGateway } from './start.js';

const env = process.env;

function storeOptions(o: {
  store: string;
  redis?: string;
  redisNodes?: string;
  dataDir?: string;
}): StoreOptions {
  if (o.store === 'redis') {
    const nodes = o.redisNodes
      ?.split(',')
      .filter(Boolean)
      .map((n) => {
        const [host = '127.0.0.1', port = '6379'] = n.split(':');
        return { host, port: Number(port) };
      });
    return { kind: 'redis', ...(nodes?.length ? { nodes } : { url: o.redis ?? 'redis://127.0.0.1:6379' }) };
  }
  return { kind: 'memory', ...(o.dataDir ? { dataDir: o.dataDir } : {}) };
}

/** The --rate-limit-* options given (a whole number ≥ 0 each). */
function rateLimitOptions(o: Record<string, unknown>): Partial<RateLimits> {
  const limits: Partial<RateLimits> = {};
  for (const rateClass of RATE_CLASSES) {
    const flag = `rateLimit${rateClass[0]!.toUpperCase()}${rateClass.slice(1)}`;
    const value = o[flag];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^[0-9]{1,7}$/.test(value))
      throw new InvalidArgumentError(
        `--rate-limit-${rateClass} must be a whole number of requests a minute, got ${String(value)}.`,
      );
    limits[rateClass] = Number(value);
  }
  return limits;
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [];

const numberOrUndefined = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : Number(value);

function edgeOptions(o: Record<string, string | undefined>): EdgeOptions {
  return {
    tlsCert: o.tlsCert,
    tlsKey: o.tlsKey,
    httpPort: numberOrUndefined(o.httpPort),
    ...(o.trustProxy !== undefined ? { trustProxy: list(o.trustProxy) } : {}),
    hstsMaxAge: numberOrUndefined(o.hstsMaxAge),
    operatorListen: o.operatorListen,
    operatorToken: env.RAMGATE_OPERATOR_TOKEN || undefined,
    operatorTokenFile: o.operatorTokenFile,
    tlsWatchIntervalMs: o.tlsWatchSeconds === undefined ? undefined : Number(o.tlsWatchSeconds) * 1000,
  };
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the gateway (role- and user-based SSO, console, STS/IMS/RAM API)')
    .option(
      '--config <file>',
      'declarative config: accounts, users, roles, policies, SAML providers',
      env.RAMGATE_CONFIG,
    )
    .option(
      '--demo',
      'demo mode: the demo account and the built-in development IdP (never in production)',
      env.RAMGATE_DEMO === '1',
    )
    .option('--host <address>', 'address to listen on', env.RAMGATE_HOST ?? '127.0.0.1')
    .option('--port <n>', 'port to listen on', env.RAMGATE_PORT ?? '8080')
    .option('--base-url <url>', 'public base URL (default http://<host>:<port>)', env.RAMGATE_BASE_URL)
    .addOption(
      new Option('--store <kind>', 'where state lives')
        .choices(['memory', 'redis'])
        .default(env.RAMGATE_STORE ?? 'memory'),
    )
    .option('--redis <url>', 'Redis URL for --store redis', env.RAMGATE_REDIS_URL)
    .option('--redis-nodes <host:port,…>', 'Redis Cluster nodes for --store redis', env.RAMGATE_REDIS_NODES)
    .option('--data-dir <dir>', 'persist the memory store here', env.RAMGATE_DATA_DIR)
    .option('--audit-log <file>', 'append audit events (JSON lines) here', env.RAMGATE_AUDIT_LOG)
    .option(
      '--sp-key <file>',
      'SP private key (signs AuthnRequests, decrypts assertions)',
      env.RAMGATE_SP_KEY,
    )
    .option('--sp-cert <file>', 'SP certificate published in the SP metadata', env.RAMGATE_SP_CERT)
    .option(
      '--allow-aes-cbc <arns>',
      'SAML provider ARNs or IdP entityIDs allowed to send AES-CBC encrypted assertions',
      env.RAMGATE_ALLOW_AES_CBC,
    )
    .option('--role-sp-entity-id <id>', 'role-based SSO SP entityID', env.RAMGATE_ROLE_SP_ENTITY_ID)
    .option(
      '--tls-cert <file>',
      'serve HTTPS with this certificate chain (PEM; reloaded on change/SIGHUP)',
      env.RAMGATE_TLS_CERT,
    )
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)', env.RAMGATE_TLS_KEY)
    .option(
      '--tls-watch-seconds <n>',
      'check the TLS files for changes every n seconds (0: only on SIGHUP; default 2)',
      env.RAMGATE_TLS_WATCH_SECONDS,
    )
    .option(
      '--http-port <n>',
      'with TLS: also listen for plain HTTP here, only redirecting to https',
      env.RAMGATE_HTTP_PORT,
    )
    .option(
      '--trust-proxy <cidrs>',
      'reverse proxies whose Forwarded/X-Forwarded-* headers are believed',
      env.RAMGATE_TRUST_PROXY,
    )
    .option(
      '--hsts-max-age <seconds>',
      'Strict-Transport-Security max-age on https (0: none)',
      env.RAMGATE_HSTS_MAX_AGE,
    )
    .option(
      '--operator-listen <host:port>',
      'serve /metrics, /healthz, /readyz here instead',
      env.RAMGATE_OPERATOR_LISTEN,
    )
    .option(
      '--operator-token-file <file>',
      'require this bearer token on /metrics',
      env.RAMGATE_OPERATOR_TOKEN_FILE,
    )
    .option(
      '--redis-allow-eviction',
      'start even if Redis may evict keys (maxmemory-policy not noeviction): replay records, nonces and revocations could be lost',
      env.RAMGATE_REDIS_ALLOW_EVICTION === '1' ? true : undefined,
    )
    .option(
      '--rate-limit-login <n>',
      'GET /login and /cli/login per minute and client address (default 120)',
      env.RAMGATE_RATE_LIMIT_LOGIN,
    )
    .option(
      '--rate-limit-acs <n>',
      'ACS posts, role choices, /cli/token per minute and client address (default 120)',
      env.RAMGATE_RATE_LIMIT_ACS,
    )
    .option(
      '--rate-limit-sts <n>',
      'STS API calls per minute and client address (default 600)',
      env.RAMGATE_RATE_LIMIT_STS,
    )
    .option(
      '--rate-limit-api <n>',
      'RAM/IMS API calls per minute and client address (default 600)',
      env.RAMGATE_RATE_LIMIT_API,
    )
    .action(async (o) => {
      const running = await startGateway({
        config: o.config,
        demo: Boolean(o.demo),
        host: o.host,
        port: Number(o.port),
        baseUrl: o.baseUrl,
        store: storeOptions(o),
        auditLog: o.auditLog,
        sessionSecret: env.RAMGATE_SESSION_SECRET,
        stsKeys: env.RAMGATE_STS_KEYS,
        allowAesCbcProviders: list(o.allowAesCbc),
        roleSpEntityId: o.roleSpEntityId,
        rateLimits: rateLimitOptions(o),
        ...(o.redisAllowEviction ? { redisAllowEviction: true } : {}),
        sp: {
          ...(o.spKey ? { keyFile: o.spKey, decryptionKeyFiles: [o.spKey] } : {}),
          ...(o.spCert ? { certFile: o.spCert, encryptionCertFile: o.spCert } : {}),
        },
        edge: edgeOptions(o),
      });
      process.stdout.write(
        startBanner({ listenUrl: running.listenUrl, baseUrl: running.url, demo: Boolean(o.demo) }),
      );
      const stop = () => {
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      // SIGHUP reads the TLS certificate and key again (a renewal); nothing else restarts.
      process.on('SIGHUP', () => void running.listeners.reloadTls());
    });
}
