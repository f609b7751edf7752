/**
 * SAML providers as the SSO flows need them: metadata parsed once (keys as KeyObjects), the
 * verification options of each provider, and a lookup by IdP entityID (role-based SSO learns the
 * issuer before it knows the account). The entityID index is rebuilt from the directory at most
 * every few seconds, and only when asked for an entityID it does not know.
 */
import { parseArn } from '../core/arn.js';
import { compiledRoleMapping, type CompiledRoleMapping } from '../core/mapping/rules.js';
import type { Directory } from '../core/ram/index.js';
import { TtlCache } from './ttl-cache.js';
import { loadIdpMetadata, type IdpMetadata } from '../saml/metadata.js';

export interface ProviderTrust {
  accountId: string;
  name: string;
  arn: string;
  entityId: string;
  metadata: IdpMetadata;
  allowSha1: boolean;
  allowAesCbc: boolean;
  /** The provider's mapping rules (validated when stored), if it has any. */
  mapping?: CompiledRoleMapping | undefined;
}

export interface ProviderPolicy {
  /** Providers (ARN, lower-case) allowed to send AES-CBC encrypted assertions (e.g. SimpleSAMLphp 1.19). */
  allowAesCbc?: (arn: string, entityId: string) => boolean;
}

const INDEX_MIN_REFRESH_MS = 5_000;
/** How long a provider read is reused: the staleness another instance may see after a change. */
const PROVIDER_TTL_MS = 2_000;
const INDEX_MAX_AGE_MS = 60_000;

export class ProviderRegistry {
  private index = new Map<string, Array<{ accountId: string; name: string }>>();
  private indexedAt = 0;
  private rebuilding: Promise<void> | undefined;
  private readonly cache = new TtlCache<ProviderTrust | undefined>(PROVIDER_TTL_MS, 1000);

  constructor(
    private readonly directory: Directory,
    private readonly policy: ProviderPolicy = {},
  ) {}

  /** A provider by account and name; cached for PROVIDER_TTL_MS (other instances see changes within it). */
  byName(accountId: string, name: string): Promise<ProviderTrust | undefined> {
    return this.cache.get(`${accountId}:${name.toLowerCase()}`, () => this.load(accountId, name));
  }

  private async load(accountId: string, name: string): Promise<ProviderTrust | undefined> {
    const provider = await this.directory.samlProviderForSso(accountId, name);
    if (!provider) return undefined;
    return {
      accountId,
      name: provider.name,
      arn: provider.arn,
      entityId: provider.entityId,
      metadata: loadIdpMetadata(provider.metadataXml),
      allowSha1: provider.authnSignAlgo === 'rsa-sha1',
      allowAesCbc: this.policy.allowAesCbc?.(provider.arn, provider.entityId) ?? false,
      mapping: provider.mappingRules ? compiledRoleMapping(provider.mappingRules, accountId) : undefined,
    };
  }

  async byArn(arn: string): Promise<ProviderTrust | undefined> {
    const parsed = parseArn(arn, 'saml-provider', 'InvalidParameter.SAMLProviderArn');
    return parsed.kind === 'saml-provider' ? this.byName(parsed.accountId, parsed.name) : undefined;
  }

  /** Every provider, in any account, whose metadata has this entityID. */
  async byEntityId(entityId: string): Promise<ProviderTrust[]> {
    const now = Date.now();
    const known = this.index.get(entityId);
    const stale = now - this.indexedAt > INDEX_MAX_AGE_MS;
    if (stale || (!known && now - this.indexedAt > INDEX_MIN_REFRESH_MS)) await this.rebuild();
    const refs = this.index.get(entityId) ?? [];
    const found = await Promise.all(refs.map((r) => this.byName(r.accountId, r.name)));
    return found.filter((p): p is ProviderTrust => p !== undefined && p.entityId === entityId);
  }

  /** Forget the index and the cached providers (after a provider was created, updated or deleted here). */
  invalidate(): void {
    this.indexedAt = 0;
    this.cache.clear();
  }

  private rebuild(): Promise<void> {
    this.rebuilding ??= (async () => {
      const next = new Map<string, Array<{ accountId: string; name: string }>>();
      for (const accountId of await this.directory.listAccountIds()) {
        const { SAMLProviders } = await this.directory.ListSAMLProviders(accountId, { MaxItems: 100 });
        for (const p of SAMLProviders.SAMLProvider) {
          const full = await this.directory.samlProviderForSso(accountId, p.SAMLProviderName);
          if (!full) continue;
          const list = next.get(full.entityId) ?? [];
          list.push({ accountId, name: full.name });
          next.set(full.entityId, list);
        }
      }
      this.index = next;
      this.indexedAt = Date.now();
    })().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }
}

/** Do two providers trust the same signing keys? (A role through provider B may be granted on a response verified with A's keys only if so.) */
export function sameSigningKeys(a: ProviderTrust, b: ProviderTrust): boolean {
  const fa = a.metadata.signingCertificates.map((c) => c.fingerprint256).sort();
  const fb = b.metadata.signingCertificates.map((c) => c.fingerprint256).sort();
  return fa.length === fb.length && fa.every((f, i) => f === fb[i]);
}
