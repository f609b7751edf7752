import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from './redis.js';

const run = promisify(execFile);

export interface RedisClusterHandle {
  /** Seed nodes for `createStore({ kind: 'redis', nodes })` or ioredis `Cluster`. */
  nodes: Array<{ host: string; port: number }>;
  servers: RedisServer[];
  /** Stops every server that was started and removes the config folder; safe to call twice. */
  stop(): Promise<void>;
}

async function clusterInfo(port: number): Promise<string> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return String(await client.call('CLUSTER', 'INFO'));
  } finally {
    client.disconnect();
  }
}

async function waitForClusterOk(ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(ports.map(clusterInfo));
    if (infos.every((info) => info.includes('cluster_state:ok'))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Redis Cluster not ok after ${timeoutMs} ms: ${infos.map((i) => i.split('\r\n')[0]).join(', ')}`,
      );
    }
    await sleep(100);
  }
}

/**
 * A Redis Cluster of `masters` real redis-server processes (no replicas) on free loopback ports,
 * created with `redis-cli --cluster create` and waited on until every node reports
 * cluster_state:ok (about a second). If any step fails, whatever was started is stopped before the
 * error is thrown.
 *
 *   let cluster: RedisClusterHandle | undefined;
 *   beforeAll(async () => { cluster = await startRedisCluster(); });
 *   afterAll(async () => { await cluster?.stop(); });
 *   const store = await createStore({ kind: 'redis', nodes: cluster!.nodes, keyPrefix: 'test1:' });
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'ramgate-cluster-'));
  const servers: RedisServer[] = [];
  let stopped = false;
  // If the test process exits without afterAll (a crash, process.exit), the servers go with it.
  const killOnExit = () => servers.forEach((server) => server.process.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await Promise.all(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(
        await startRedis([
          ...['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'],
          ...['--cluster-config-file', join(dir, `nodes-${i}.conf`), '--dir', dir],
        ]),
      );
    }
    const ports = servers.map((server) => server.port);
    await run(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'],
      { timeout: 30_000 },
    );
    await waitForClusterOk(ports, 30_000);
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
