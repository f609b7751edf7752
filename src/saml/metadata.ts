/**
 * IdP metadata ingestion: exactly one EntityDescriptor with one IDPSSODescriptor, one or two signing
 * certificates (key rollover), SSO endpoints, NameID formats, optional encryption certificates.
 * Certificates are parsed once into KeyObjects; parsed metadata is cached by a hash of the document.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { ApiError } from '../core/errors.js';
import { childElements, NS, parseStrictDom, textOf } from './dom.js';
import { Lru } from '../core/lru.js';
import type { TrustedIdp } from './types.js';

export const MAX_METADATA_LENGTH = 256 * 1024;
export const MAX_SIGNING_CERTIFICATES = 2;

export interface IdpCertificate {
  /** PEM text of the certificate. */
  pem: string;
  key: KeyObject;
  subject: string;
  fingerprint256: string;
  notBefore: string;
  notAfter: string;
}

export interface SsoEndpoint {
  binding: string;
  location: string;
}

export interface IdpMetadata extends TrustedIdp {
  entityId: string;
  signingCertificates: IdpCertificate[];
  signingKeys: KeyObject[];
  encryptionCertificates: IdpCertificate[];
  ssoServices: SsoEndpoint[];
  nameIdFormats: string[];
  wantAuthnRequestsSigned: boolean;
  /** Non-fatal findings, e.g. an expired certificate (accepted: pinned by metadata). */
  warnings: string[];
}

function invalid(problem: string): ApiError {
  return new ApiError('AuthenticationFail.IDPMetadata.Invalid', `The IdP metadata is invalid: ${problem}.`, {
    check: 'metadata',
  });
}

/** Metadata arrives as XML or, through the APIs, as base64 of the XML. */
export function decodeMetadataDocument(document: string): string {
  const tooLong = () => invalid(`it exceeds ${MAX_METADATA_LENGTH} bytes`);
  if (document.length > Math.ceil(MAX_METADATA_LENGTH * 1.4)) throw tooLong();
  const trimmed = document.trim();
  if (trimmed.startsWith('<')) {
    if (document.length > MAX_METADATA_LENGTH) throw tooLong();
    return trimmed;
  }
  const compact = trimmed.replace(/\s+/g, '');
  if (compact.length > Math.ceil(MAX_METADATA_LENGTH / 3) * 4) throw tooLong();
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw invalid('it is neither XML nor base64-encoded XML');
  }
  const xml = Buffer.from(compact, 'base64').toString('utf8').trim();
  if (!xml.startsWith('<')) throw invalid('the base64 text does not decode to XML');
  return xml;
}

function parseDocument(xml: string): Document {
  if (Buffer.byteLength(xml) > MAX_METADATA_LENGTH) throw invalid(`it exceeds ${MAX_METADATA_LENGTH} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid('it contains a DOCTYPE or ENTITY declaration');
  try {
    return parseStrictDom(xml);
  } catch (err) {
    throw invalid(`it is not well-formed XML (${err instanceof Error ? err.message : String(err)})`);
  }
}

function theEntityDescriptor(doc: Document): Element {
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.md) throw invalid('the document element is not SAML 2.0 metadata');
  if (root.localName === 'EntityDescriptor') return root;
  if (root.localName !== 'EntitiesDescriptor') {
    throw invalid(`the document element is ${root.localName}, not EntityDescriptor`);
  }
  const nested = childElements(root, NS.md, 'EntitiesDescriptor');
  const entities = childElements(root, NS.md, 'EntityDescriptor');
  if (nested.length > 0 || entities.length !== 1) {
    throw invalid(`it must contain exactly one EntityDescriptor, found ${entities.length + nested.length}`);
  }
  return entities[0] as Element;
}

function theIdpDescriptor(entity: Element): Element {
  const descriptors = childElements(entity, NS.md, 'IDPSSODescriptor');
  if (descriptors.length === 0) throw invalid('the EntityDescriptor has no IDPSSODescriptor (no IdP role)');
  if (descriptors.length > 1) {
    throw invalid(`the EntityDescriptor has ${descriptors.length} IDPSSODescriptors, at most one is allowed`);
  }
  const descriptor = descriptors[0] as Element;
  const protocols = (descriptor.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/);
  if (!protocols.includes(NS.samlp)) {
    throw invalid('the IDPSSODescriptor does not support urn:oasis:names:tc:SAML:2.0:protocol');
  }
  return descriptor;
}

function parseCertificate(base64: string, warnings: string[], now: number): IdpCertificate {
  const body = base64.replace(/\s+/g, '');
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error('not base64');
    cert = new X509Certificate(Buffer.from(body, 'base64'));
    key = cert.publicKey; // a corrupted key algorithm fails here, not at parse time
  } catch {
    throw invalid('an X509Certificate cannot be parsed');
  }
  const pem = `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  if (Date.parse(cert.validTo) < now) {
    warnings.push(
      `certificate ${cert.subject.replace(/\n/g, ', ')} expired on ${cert.validTo} (accepted: pinned by metadata)`,
    );
  }
  return {
    pem,
    key,
    subject: cert.subject.replace(/\n/g, ', '),
    fingerprint256: cert.fingerprint256,
    notBefore: cert.validFrom,
    notAfter: cert.validTo,
  };
}

function certificatesOf(keyDescriptor: Element): string[] {
  const out: string[] = [];
  for (const keyInfo of childElements(keyDescriptor, NS.ds, 'KeyInfo')) {
    for (const data of childElements(keyInfo, NS.ds, 'X509Data')) {
      for (const cert of childElements(data, NS.ds, 'X509Certificate')) out.push(textOf(cert));
    }
  }
  return out;
}

function collectCertificates(descriptor: Element, warnings: string[], now: number) {
  const signing = new Map<string, IdpCertificate>();
  const encryption = new Map<string, IdpCertificate>();
  for (const keyDescriptor of childElements(descriptor, NS.md, 'KeyDescriptor')) {
    const use = keyDescriptor.getAttribute('use') ?? '';
    if (use !== '' && use !== 'signing' && use !== 'encryption') {
      throw invalid(`a KeyDescriptor has use="${use}" (expected signing or encryption)`);
    }
    for (const text of certificatesOf(keyDescriptor)) {
      const cert = parseCertificate(text, warnings, now);
      if (use !== 'encryption') signing.set(cert.fingerprint256, cert);
      if (use !== 'signing') encryption.set(cert.fingerprint256, cert);
    }
  }
  if (signing.size === 0) throw invalid('the IDPSSODescriptor has no signing certificate');
  if (signing.size > MAX_SIGNING_CERTIFICATES) {
    throw invalid(
      `the IDPSSODescriptor has ${signing.size} signing certificates, at most ${MAX_SIGNING_CERTIFICATES} are allowed`,
    );
  }
  return { signing: [...signing.values()], encryption: [...encryption.values()] };
}

/** Parse and validate without caching. Throws ApiError AuthenticationFail.IDPMetadata.Invalid. */
export function parseIdpMetadata(document: string, now: number = Date.now()): IdpMetadata {
  const doc = parseDocument(decodeMetadataDocument(document));
  const entity = theEntityDescriptor(doc);
  const entityId = entity.getAttribute('entityID') ?? '';
  if (entityId === '') throw invalid('the EntityDescriptor has no entityID');
  if (entityId.length > 1024) throw invalid('the entityID is longer than 1024 characters');
  const descriptor = theIdpDescriptor(entity);
  const warnings: string[] = [];
  const { signing, encryption } = collectCertificates(descriptor, warnings, now);
  const ssoServices = childElements(descriptor, NS.md, 'SingleSignOnService').map((el) => ({
    binding: el.getAttribute('Binding') ?? '',
    location: el.getAttribute('Location') ?? '',
  }));
  return {
    entityId,
    signingCertificates: signing,
    signingKeys: signing.map((c) => c.key),
    encryptionCertificates: encryption,
    ssoServices,
    nameIdFormats: childElements(descriptor, NS.md, 'NameIDFormat').map(textOf),
    wantAuthnRequestsSigned: descriptor.getAttribute('WantAuthnRequestsSigned') === 'true',
    warnings,
  };
}

const cache = new Lru<string, IdpMetadata>(512);

/** Parsed metadata for a provider, cached by a SHA-256 of the document (certificates are parsed once). */
export function loadIdpMetadata(document: string): IdpMetadata {
  const key = createHash('sha256').update(document).digest('base64');
  const cached = cache.get(key);
  if (cached) return cached;
  const parsed = parseIdpMetadata(document);
  cache.set(key, parsed);
  return parsed;
}

/** For the RAM directory (CreateSAMLProvider / SetUserSsoSettings): validate and return the entityID. */
export function validateIdpMetadata(document: string): { entityId: string } {
  return { entityId: loadIdpMetadata(document).entityId };
}

/** A TrustedIdp from one or two PEM certificates (diagnose --cert, tests). */
export function trustedIdpFromCertificates(entityId: string | null, pems: readonly string[]): TrustedIdp {
  if (pems.length === 0 || pems.length > MAX_SIGNING_CERTIFICATES) {
    throw invalid(`give one or two signing certificates, not ${pems.length}`);
  }
  const signingKeys = pems.map((pem) => {
    try {
      return new X509Certificate(pem).publicKey;
    } catch {
      throw invalid('a signing certificate cannot be parsed');
    }
  });
  return { entityId, signingKeys };
}
