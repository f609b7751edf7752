/**
 * The gateway process bench/http.ts measures: `startGateway` with the rate limit lifted, one line
 * of JSON ({"url": …}) on stdout once it listens. Arguments: <config file> <base URL> [redis URL].
 * It runs what ships, the build in dist/ (`npm run bench:http` builds first): the sources run
 * through tsx cost ~5 % more CPU per request (esbuild's keepNames wraps every closure created).
 */
import { pino } from 'pino';

type Start = typeof import('../src/cli/start.js');
const built = new URL('../dist/cli/start.js', import.meta.url).href;
const { startGateway } = (await import(built)) as Start;

const [config, baseUrl, redisUrl] = process.argv.slice(2);
const running = await startGateway({
  config,
  baseUrl,
  store: redisUrl ? { kind: 'redis', url: redisUrl } : { kind: 'memory' },
  rateLimitPerMinute: 1e9,
  logger: pino({ level: 'silent' }),
});
const address = running.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
