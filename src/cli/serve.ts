import { Command, Option } from 'commander';
import type { StoreOptions } from '../core/store/index.js';
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

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [];

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
        sp: {
          ...(o.spKey ? { keyFile: o.spKey, decryptionKeyFiles: [o.spKey] } : {}),
          ...(o.spCert ? { certFile: o.spCert, encryptionCertFile: o.spCert } : {}),
        },
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
    });
}
