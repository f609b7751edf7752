/**
 * SimpleSAMLphp 1.19 (Debian package) as a real SAML IdP for integration tests, on a free loopback
 * port with a per-run key, config and metadata (templates in test/simplesamlphp/).
 *
 *   const idp = await startSimpleSamlPhp({ users: [{ username, password, attributes }], sps: [{ entityId, acsUrls }] });
 *   const { acsUrl, samlResponse, relayState } = await idpInitiatedLogin(idp, { spEntityId, username, password });
 *   await idp.stop(); // in afterAll
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './redis.js';

export { idpInitiatedLogin, completeSpInitiatedLogin, type IdpLoginResult } from './simplesamlphp-login.js';

const run = promisify(execFile);
const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), '..', 'simplesamlphp');
const SSP_WWW = '/usr/share/simplesamlphp/www';
const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

export const ALIYUN_ROLE_ATTRIBUTE = 'https://www.aliyun.com/SAML-Role/Attributes/Role';
export const ALIYUN_ROLE_SESSION_NAME_ATTRIBUTE =
  'https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName';
export const ALIYUN_SESSION_DURATION_ATTRIBUTE =
  'https://www.aliyun.com/SAML-Role/Attributes/SessionDuration';

export interface IdpUser {
  username: string;
  password: string;
  /** Attribute name → values; an array gives a multi-valued attribute. */
  attributes: Record<string, string | string[]>;
}

/** An SP known to the IdP. Unset options keep SimpleSAMLphp 1.19's defaults (response and assertion signed). */
export interface SpRegistration {
  entityId: string;
  /** ACS URLs (HTTP-POST); the first is the default one. */
  acsUrls: string | string[];
  signResponse?: boolean;
  signAssertion?: boolean;
  /** SP encryption certificate; assertions are encrypted to it unless encryptAssertion is false. */
  encryptionCertPem?: string;
  encryptAssertion?: boolean;
  /** SP signing certificate; AuthnRequests must be signed with it unless validateAuthnRequest is false. */
  signingCertPem?: string;
  validateAuthnRequest?: boolean;
  nameIdFormat?: string;
  /** Attribute whose first value becomes the NameID (for persistent/emailAddress/unspecified formats). */
  nameIdAttribute?: string;
  attributesNameFormat?: string;
  /** Any other saml20-sp-remote option, verbatim (wins over the options above). */
  extraMetadata?: Record<string, unknown>;
}

export interface SimpleSamlPhpOptions {
  users: IdpUser[];
  sps?: SpRegistration[];
}

export interface SimpleSamlPhpIdp {
  port: number;
  baseUrl: string;
  entityId: string;
  metadataUrl: string;
  /** The IdP metadata as served by SimpleSAMLphp. */
  metadataXml: string;
  certPem: string;
  ssoUrl: string;
  /** Adds or replaces (by entityID) an SP; takes effect on the next request. */
  registerSp(sp: SpRegistration): Promise<void>;
  /** Replaces the whole list of registered SPs. */
  setSps(sps: SpRegistration[]): Promise<void>;
  /** Kills the server (all its workers) and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts SimpleSAMLphp 1.19 as a SAML IdP on a free loopback port, with a fresh key and config dir. */
export async function startSimpleSamlPhp(options: SimpleSamlPhpOptions): Promise<SimpleSamlPhpIdp> {
  options.users.forEach(checkUser);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const runDir = await mkdtemp(join(tmpdir(), 'ramgate-ssp-'));
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child) await killProcessGroup(child);
    await rm(runDir, { recursive: true, force: true });
  };
  try {
    const certPem = await writeRunDir(runDir, baseUrl, options.users);
    const sps = new Map<string, SpRegistration>();
    const writeSps = () => writeSpRemote(runDir, [...sps.values()]);
    for (const sp of options.sps ?? []) sps.set(sp.entityId, sp);
    await writeSps();

    const server = spawnPhpServer(runDir, port);
    child = server.child;
    const metadataUrl = `${baseUrl}/saml2/idp/metadata.php`;
    const metadataXml = await waitUntilServing(server, metadataUrl, runDir);
    return {
      port,
      baseUrl,
      entityId: metadataUrl,
      metadataUrl,
      metadataXml,
      certPem,
      ssoUrl: `${baseUrl}/saml2/idp/SSOService.php`,
      registerSp: async (sp) => {
        sps.set(sp.entityId, sp);
        await writeSps();
      },
      setSps: async (list) => {
        sps.clear();
        for (const sp of list) sps.set(sp.entityId, sp);
        await writeSps();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function checkUser(user: IdpUser): void {
  // exampleauth:UserPass keys its users by "<username>:<password>" and splits at the first colon.
  if (user.username === '' || user.username.includes(':')) {
    throw new Error(
      `SimpleSAMLphp test user name must be non-empty and colon-free: ${JSON.stringify(user.username)}`,
    );
  }
}

/** Lays out config/, metadata/, cert/ (fresh key pair), log/, data/, tmp/, sessions/; returns the IdP cert. */
async function writeRunDir(runDir: string, baseUrl: string, users: IdpUser[]): Promise<string> {
  for (const sub of ['config', 'metadata', 'cert', 'log', 'data', 'tmp', 'sessions']) {
    await mkdir(join(runDir, sub));
  }
  for (const file of ['config.php', 'authsources.php']) {
    await copyFile(join(TEMPLATES, file), join(runDir, 'config', file));
  }
  for (const file of ['saml20-idp-hosted.php', 'saml20-sp-remote.php']) {
    await copyFile(join(TEMPLATES, 'metadata', file), join(runDir, 'metadata', file));
  }
  const harness = {
    runDir,
    baseUrl,
    secretSalt: randomBytes(24).toString('hex'),
    adminPassword: randomBytes(24).toString('hex'),
    users: users.map((u) => ({
      username: u.username,
      password: u.password,
      attributes: Object.fromEntries(Object.entries(u.attributes).map(([name, v]) => [name, [v].flat()])),
    })),
  };
  await writeFile(join(runDir, 'config', 'harness.json'), JSON.stringify(harness));
  const keyPath = join(runDir, 'cert', 'idp.key');
  const certPath = join(runDir, 'cert', 'idp.crt');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
    '-subj', '/CN=ramgate-test-simplesamlphp', '-keyout', keyPath, '-out', certPath,
  ]); // prettier-ignore
  return readFile(certPath, 'utf8');
}

/** Rewrites sp-remote.json atomically (write + rename), so a concurrent request never reads half a file. */
async function writeSpRemote(runDir: string, sps: SpRegistration[]): Promise<void> {
  const entries = Object.fromEntries(sps.map((sp) => [sp.entityId, spRemoteMetadata(sp)]));
  const target = join(runDir, 'metadata', 'sp-remote.json');
  await writeFile(`${target}.tmp`, JSON.stringify(entries));
  await rename(`${target}.tmp`, target);
}

/** One saml20-sp-remote entry in SimpleSAMLphp 1.19's metadata shape. */
function spRemoteMetadata(sp: SpRegistration): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    AssertionConsumerService: [sp.acsUrls]
      .flat()
      .map((Location, index) => ({ Binding: HTTP_POST, Location, index })),
    'signature.algorithm': RSA_SHA256,
  };
  const keys: Record<string, unknown>[] = [];
  if (sp.signResponse !== undefined) entry['saml20.sign.response'] = sp.signResponse;
  if (sp.signAssertion !== undefined) entry['saml20.sign.assertion'] = sp.signAssertion;
  if (sp.encryptionCertPem !== undefined) {
    entry['assertion.encryption'] = sp.encryptAssertion ?? true;
    keys.push(certKey(sp.encryptionCertPem, 'encryption'));
  }
  if (sp.signingCertPem !== undefined) {
    entry['validate.authnrequest'] = sp.validateAuthnRequest ?? true;
    keys.push(certKey(sp.signingCertPem, 'signing'));
  }
  if (keys.length > 0) entry.keys = keys;
  if (sp.nameIdFormat !== undefined) entry.NameIDFormat = sp.nameIdFormat;
  if (sp.nameIdAttribute !== undefined) entry['simplesaml.nameidattribute'] = sp.nameIdAttribute;
  if (sp.attributesNameFormat !== undefined) entry['attributes.NameFormat'] = sp.attributesNameFormat;
  return { ...entry, ...sp.extraMetadata };
}

function certKey(pem: string, use: 'encryption' | 'signing'): Record<string, unknown> {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!body) throw new Error(`SP ${use} certificate is not a PEM certificate`);
  return {
    type: 'X509Certificate',
    encryption: use === 'encryption',
    signing: use === 'signing',
    X509Certificate: body.replace(/\s+/g, ''),
  };
}

interface PhpServer {
  child: ChildProcess;
  /** The last few KiB of the server's stderr (access log and startup errors). */
  outputTail(): string;
}

/**
 * `sh` leads a process group of its own holding `php -S` (which forks PHP_CLI_SERVER_WORKERS workers),
 * so stop() kills them all at once; and it watches its stdin, a pipe from this process, so the whole
 * group dies and the run dir goes away with the test runner even when the runner is killed outright.
 */
const SUPERVISOR = `
command -v php >/dev/null 2>&1 || { echo "php: not found" >&2; exit 127; }
exec 3<&0
php "$@" 3<&- </dev/null &
server=$!
{ trap '' TERM; read -r _ <&3; kill -TERM 0; sleep 0.3; rm -rf "$RAMGATE_SSP_RUN_DIR"; } &
reader=$!
wait "$server"
code=$?
kill "$reader" 2>/dev/null
exit "$code"
`;

function spawnPhpServer(runDir: string, port: number): PhpServer {
  const child = spawn(
    'sh',
    [
      '-c', SUPERVISOR, 'ramgate-simplesamlphp',
      '-d', 'display_errors=0',
      '-d', 'log_errors=1',
      '-d', `error_log=${join(runDir, 'log', 'php-errors.log')}`,
      '-S', `127.0.0.1:${port}`,
      '-t', SSP_WWW,
    ], // prettier-ignore
    {
      detached: true,
      stdio: ['pipe', 'ignore', 'pipe'],
      env: {
        ...process.env,
        SIMPLESAMLPHP_CONFIG_DIR: join(runDir, 'config'),
        PHP_CLI_SERVER_WORKERS: '4',
        RAMGATE_SSP_RUN_DIR: runDir,
      },
    },
  );
  // The access log goes to stderr: keep draining it (a full pipe would block the server), keep the tail.
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  return { child, outputTail: () => tail };
}

async function waitUntilServing(server: PhpServer, metadataUrl: string, runDir: string): Promise<string> {
  const { child } = server;
  const deadline = Date.now() + 15_000;
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode === 127) {
      const why = spawnError?.message ?? 'php: not found';
      throw new Error(`cannot run php (${why}); scripts/ensure-system-deps.sh installs it`);
    }
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(metadataUrl, { signal: AbortSignal.timeout(5_000) });
      const body = await res.text();
      if (res.status === 200 && body.includes('IDPSSODescriptor')) return body;
      last = `HTTP ${res.status}: ${body.slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const phpErrors = await readFile(join(runDir, 'log', 'php-errors.log'), 'utf8').catch(() => '');
  throw new Error(
    `SimpleSAMLphp did not serve ${metadataUrl} (${last})\n${phpErrors.slice(-2000)}\n${server.outputTail()}`,
  );
}

function killGroupNow(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is already gone
  }
}

async function killProcessGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroupNow(pid, 'SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 3_000).unref()),
  ]);
  // What outlived SIGTERM (the stdin watcher ignores it; a stuck worker) gets SIGKILL.
  killGroupNow(pid, 'SIGKILL');
  if (timedOut) await exited;
  child.stdin?.destroy();
}
