/**
 * IdP metadata refresh: a SAML provider that names a metadata URL has its metadata fetched again
 * on a schedule. A new signing certificate published alongside the old one (two-certificate
 * rollover) is taken; a document that is invalid, names another entityID, or shares no signing
 * certificate with the current metadata never replaces it — the old one stays and the refusal is
 * audited. Every change is audited as `metadata.refresh`.
 *
 * A wholesale key swap (no certificate in common) is refused on purpose: whoever controls the URL
 * (or the network on the way) must not be able to replace the keys in one step. An administrator
 * makes such a change with UpdateSAMLProvider.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RamgateConfig } from '../core/config/index.js';
import { ApiError, isApiError } from '../core/errors.js';
import { MAX_METADATA_LENGTH, parseIdpMetadata, type IdpMetadata } from '../saml/metadata.js';
import type { Gateway } from './gateway.js';

export interface RefreshTarget {
  accountId: string;
  providerName: string;
  url: string;
  intervalMs: number;
}

export type RefreshOutcome = 'updated' | 'unchanged' | 'refused';

export const DEFAULT_REFRESH_SECONDS = 3600;
const FETCH_TIMEOUT_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The providers of a config that name a metadata URL. */
export function refreshTargetsOf(config: RamgateConfig): RefreshTarget[] {
  return config.accounts.flatMap((account) =>
    account.samlProviders.flatMap((p) =>
      p.metadataUrl === undefined
        ? []
        : [
            {
              accountId: account.id,
              providerName: p.name,
              url: p.metadataUrl,
              intervalMs: (p.metadataRefreshSeconds ?? DEFAULT_REFRESH_SECONDS) * 1000,
            },
          ],
    ),
  );
}

const refused = (message: string, check: string) =>
  new ApiError('AuthenticationFail.IDPMetadata.Invalid', message, { check });

/** Metadata travels over https; plain http only from this machine (development, tests). */
export function checkMetadataUrl(url: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (
    !parsed ||
    !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)))
  )
    throw refused(
      `The metadata URL ${url.slice(0, 200)} is not https (or http on loopback).`,
      'metadata-url',
    );
  return parsed;
}

/** GET the document: status 200, no redirects, at most MAX_METADATA_LENGTH bytes, within the timeout. */
async function fetchMetadata(url: string): Promise<string> {
  const response = await fetch(checkMetadataUrl(url), {
    redirect: 'error',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  }).catch((err: unknown) => {
    throw refused(
      `The metadata URL cannot be fetched: ${err instanceof Error ? err.message : String(err)}.`,
      'fetch',
    );
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw refused(`The metadata URL answered HTTP ${response.status}.`, 'fetch');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
    size += part.value.byteLength;
    if (size > MAX_METADATA_LENGTH) {
      await reader?.cancel();
      throw refused(`The metadata exceeds ${MAX_METADATA_LENGTH} bytes.`, 'size');
    }
    chunks.push(Buffer.from(part.value));
  }
  return Buffer.concat(chunks).toString('utf8');
}

const fingerprints = (m: IdpMetadata) => m.signingCertificates.map((c) => c.fingerprint256);

/** The refusals that keep the current metadata: another IdP, or keys swapped without overlap. */
function checkContinuity(current: IdpMetadata, next: IdpMetadata): void {
  if (next.entityId !== current.entityId)
    throw refused(
      `The fetched metadata names entityID ${next.entityId.slice(0, 200)}, not ${current.entityId}.`,
      'metadata-entity-id',
    );
  const known = new Set(fingerprints(current));
  if (!fingerprints(next).some((f) => known.has(f)))
    throw refused(
      'The fetched metadata shares no signing certificate with the current one (a rollover publishes the new certificate alongside the old).',
      'metadata-continuity',
    );
}

export class MetadataRefresher {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<RefreshOutcome>>();

  constructor(
    private readonly gw: Gateway,
    private readonly targets: readonly RefreshTarget[],
    private readonly logger?: Logger,
  ) {}

  /** Refresh every target now, then every target's interval. */
  start(): void {
    for (const target of this.targets) {
      const run = () => void this.refresh(target);
      run();
      const timer = setInterval(run, target.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.allSettled(this.running.values());
  }

  /** One refresh of one provider (at most one at a time per provider); never throws. */
  refresh(target: RefreshTarget): Promise<RefreshOutcome> {
    const key = `${target.accountId}:${target.providerName}`;
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const run = this.refreshOnce(target).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private async refreshOnce(target: RefreshTarget): Promise<RefreshOutcome> {
    const { accountId, providerName, url } = target;
    const provider = `acs:ram::${accountId}:saml-provider/${providerName}`;
    const audit = (outcome: 'success' | 'failure', detail: Record<string, unknown>, error?: ApiError) =>
      this.gw.audit.write({
        event: 'metadata.refresh',
        outcome,
        requestId: randomUUID().toUpperCase(),
        accountId,
        provider,
        ...(error ? { code: error.code, check: error.check, message: error.message } : {}),
        detail: { url, ...detail },
      });
    try {
      const xml = await fetchMetadata(url);
      const next = parseIdpMetadata(xml, this.gw.now());
      const { SAMLProvider: current } = await this.gw.directory.GetSAMLProvider(accountId, {
        SAMLProviderName: providerName,
      });
      const encoded = Buffer.from(xml, 'utf8').toString('base64');
      if (encoded === current.EncodedSAMLMetadataDocument) return 'unchanged';
      const before = parseIdpMetadata(current.EncodedSAMLMetadataDocument, this.gw.now());
      checkContinuity(before, next);
      await this.gw.directory.UpdateSAMLProvider(accountId, {
        SAMLProviderName: providerName,
        NewEncodedSAMLMetadataDocument: encoded,
      });
      audit('success', { before: fingerprints(before), after: fingerprints(next) });
      this.logger?.info({ provider, certificates: fingerprints(next) }, 'IdP metadata refreshed');
      return 'updated';
    } catch (error) {
      if (!isApiError(error)) {
        // The store is down or something unexpected: keep the current metadata, try next time.
        this.logger?.error({ err: error, provider }, 'IdP metadata refresh failed');
        audit('failure', {}, new ApiError('ServiceUnavailable', 'The metadata refresh could not complete.'));
        return 'refused';
      }
      this.logger?.warn(
        { provider, code: error.code, check: error.check, reason: error.message },
        'IdP metadata refresh refused; the current metadata stays',
      );
      audit('failure', {}, error);
      return 'refused';
    }
  }
}
