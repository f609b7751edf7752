/**
 * Metadata that has expired: SAML metadata's validUntil (on the EntityDescriptor or the
 * EntitiesDescriptor around it) says after which instant it must no longer be relied on
 * (SAML 2.0 metadata §2.3.1). A gateway started on such a file trusts keys the IdP may have retired.
 */
import { attr, parseXml } from './xml/index.js';

/** The earliest validUntil of the document's root element, or undefined when it has none (or cannot be read). */
export function metadataValidUntil(xml: string): Date | undefined {
  try {
    const value = attr(parseXml(xml).documentElement, 'validUntil');
    if (!value) return undefined;
    const instant = Date.parse(value);
    return Number.isNaN(instant) ? undefined : new Date(instant);
  } catch {
    return undefined; // the metadata check proper reports documents it cannot read
  }
}

/** The config problem of an expired document, in plain words; undefined while it is valid. */
export function expiredMetadataProblem(xml: string, now: Date): string | undefined {
  const validUntil = metadataValidUntil(xml);
  if (!validUntil || validUntil.getTime() > now.getTime()) return undefined;
  return (
    `the metadata expired at ${validUntil.toISOString()} (its validUntil); ` +
    "download the IdP's current metadata (the IdP's keys may have changed since)"
  );
}
