/**
 * The gateway's services wired together once: stores, directory, STS, SAML providers, audit. The
 * HTTP layer and the CLI receive a Gateway; the SSO flows are functions of it.
 */
import type { KeyObject } from 'node:crypto';
import { JsonLinesAuditSink, type AuditSink } from '../core/audit.js';
import { Directory } from '../core/ram/index.js';
import type { Store } from '../core/store/types.js';
import { StoredTokenKeys } from '../core/sts/key-store.js';
import { TokenKeyring, type TokenKey } from '../core/sts/keyring.js';
import type { StsDeps } from '../core/sts/ports.js';
import { validateIdpMetadata } from '../saml/metadata.js';
import { DEFAULT_ROLE_SP_ENTITY_ID, roleSsoSp, userSsoSp, type SpDescription } from '../saml/sp-metadata.js';
import { ProviderRegistry } from './providers.js';
import { RoleRevocations } from './revocation.js';
import { CachedStsDirectory } from './sts-directory.js';

export interface SpKeys {
  signingKey?: KeyObject;
  signingCertPem?: string;
  /** Current and next decryption keys (EncryptedAssertion). */
  decryptionKeys?: KeyObject[];
  encryptionCertPem?: string;
}

export interface GatewayOptions {
  store: Store;
  /** Public base URL, e.g. https://signin.example.com (no trailing slash). */
  baseUrl: string;
  /** Role-based SSO SP entityID (Audience). Default urn:alibaba:cloudcomputing. */
  roleSpEntityId?: string;
  skewSeconds?: number;
  sp?: SpKeys;
  /** SAML provider ARNs or IdP entityIDs allowed to send AES-CBC encrypted assertions (AES-GCM otherwise). */
  allowAesCbcProviders?: string[];
  /** Fixed SecurityToken keys (config); otherwise keys are made and rotated through the store. */
  tokenKeys?: TokenKey[];
  audit?: AuditSink;
  now?: () => number;
  /**
   * The operator's cap on user-based SSO console sessions, seconds. Without one a session lasts the
   * account's LoginSessionDuration (SetSecurityPreference, default 6 hours); with one, the shorter.
   */
  userSessionSeconds?: number;
  /** Where verification latency is recorded (the HTTP layer's Prometheus histogram). */
  metrics?: VerifyMetrics;
}

export interface VerifyMetrics {
  verifySeconds: { observe(seconds: number): void };
}

export class Gateway {
  readonly store: Store;
  readonly directory: Directory;
  readonly stsDirectory: CachedStsDirectory;
  readonly providers: ProviderRegistry;
  readonly sts: StsDeps;
  readonly audit: AuditSink;
  readonly baseUrl: string;
  readonly roleSpEntityId: string;
  readonly skewSeconds: number;
  readonly sp: SpKeys;
  readonly now: () => number;
  readonly userSessionSeconds: number | undefined;
  private readonly aesCbcAllowed: Set<string>;
  /** Per-role session revocation watermarks, shared by all instances through the ephemeral store. */
  readonly revocations: RoleRevocations;
  metrics: VerifyMetrics | undefined;

  constructor(options: GatewayOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.roleSpEntityId = options.roleSpEntityId ?? DEFAULT_ROLE_SP_ENTITY_ID;
    this.skewSeconds = options.skewSeconds ?? 180;
    this.sp = options.sp ?? {};
    this.userSessionSeconds = options.userSessionSeconds;
    this.metrics = options.metrics;
    this.audit = options.audit ?? new JsonLinesAuditSink();
    this.directory = new Directory({
      store: options.store.directory,
      validateIdpMetadata,
      now: () => new Date(this.now()),
      onChange: () => this.directoryChanged(),
    });
    this.stsDirectory = new CachedStsDirectory(this.directory);
    this.revocations = new RoleRevocations(options.store.ephemeral, this.now);
    this.aesCbcAllowed = new Set((options.allowAesCbcProviders ?? []).map((a) => a.toLowerCase()));
    this.providers = new ProviderRegistry(this.directory, {
      allowAesCbc: (arn, entityId) => this.allowsAesCbc(arn, entityId),
    });
    const fixed = options.tokenKeys?.length ? new TokenKeyring(options.tokenKeys) : undefined;
    const stored = fixed ? undefined : new StoredTokenKeys(options.store.directory, { now: this.now });
    this.sts = {
      directory: this.stsDirectory,
      keyring: fixed ? async () => fixed : () => (stored as StoredTokenKeys).keyring(),
      now: this.now,
    };
  }

  /** Role-based SSO: entityID (Audience) and ACS URL (Recipient, Destination). */
  get roleSp(): SpDescription {
    return roleSsoSp(this.baseUrl, this.roleSpEntityId);
  }

  /** User-based SSO of one account: its own entityID and ACS URL. */
  userSp(accountId: string): SpDescription {
    return userSsoSp(this.baseUrl, accountId);
  }

  /** May this IdP (named by a provider ARN or its entityID) send AES-CBC encrypted assertions? */
  allowsAesCbc(...names: string[]): boolean {
    return names.some((n) => this.aesCbcAllowed.has(n.toLowerCase()));
  }

  /** After a management write: this instance forgets its short caches at once. */
  directoryChanged(): void {
    this.stsDirectory.invalidate();
    this.providers.invalidate();
  }

  async close(): Promise<void> {
    await this.audit.close();
    await this.store.close();
  }
}
