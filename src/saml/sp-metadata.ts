/**
 * The gateway's SP metadata: role-based SSO (one SP for the gateway, Alibaba's
 * `urn:alibaba:cloudcomputing` style entityID, ACS `<baseUrl>/saml-role/sso`) and user-based SSO
 * (one SP per account: entityID = ACS = `<baseUrl>/<accountId>/saml/SSO`).
 */
import { X509Certificate } from 'node:crypto';

export const DEFAULT_ROLE_SP_ENTITY_ID = 'urn:alibaba:cloudcomputing';

const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const NAMEID_FORMATS = [
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
];

export interface SpCertificates {
  /** PEM certificate of the key that signs AuthnRequests. */
  signingCertificate?: string;
  /** PEM certificates IdPs may encrypt assertions to (current, and next during rollover). */
  encryptionCertificates?: readonly string[];
}

export interface SpDescription {
  entityId: string;
  acsUrl: string;
}

function trimSlash(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function roleSsoSp(baseUrl: string, entityId: string = DEFAULT_ROLE_SP_ENTITY_ID): SpDescription {
  return { entityId, acsUrl: `${trimSlash(baseUrl)}/saml-role/sso` };
}

export function userSsoSp(baseUrl: string, accountId: string): SpDescription {
  if (!/^[0-9]{1,32}$/.test(accountId))
    throw new Error(`account id ${JSON.stringify(accountId)} is not numeric`);
  const url = `${trimSlash(baseUrl)}/${accountId}/saml/SSO`;
  return { entityId: url, acsUrl: url };
}

/** Escape text for an XML attribute value or element content. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The base64 DER body of a PEM certificate (validated by parsing it). */
function certificateBody(pem: string): string {
  const cert = new X509Certificate(pem);
  return cert.raw.toString('base64');
}

function keyDescriptor(use: 'signing' | 'encryption', pem: string): string {
  return (
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>` +
    `${certificateBody(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
  );
}

export function buildSpMetadata(sp: SpDescription, certs: SpCertificates = {}): string {
  const signing = certs.signingCertificate ? [keyDescriptor('signing', certs.signingCertificate)] : [];
  const encryption = (certs.encryptionCertificates ?? []).map((pem) => keyDescriptor('encryption', pem));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(sp.entityId)}">`,
    `<md:SPSSODescriptor AuthnRequestsSigned="${signing.length > 0}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    ...signing,
    ...encryption,
    ...NAMEID_FORMATS.map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`),
    `<md:AssertionConsumerService Binding="${BINDING_POST}" Location="${escapeXml(sp.acsUrl)}" index="0" isDefault="true"/>`,
    '</md:SPSSODescriptor>',
    '</md:EntityDescriptor>',
  ];
  return lines.join('\n') + '\n';
}

export function roleSsoSpMetadata(baseUrl: string, certs?: SpCertificates, entityId?: string): string {
  return buildSpMetadata(roleSsoSp(baseUrl, entityId), certs);
}

export function userSsoSpMetadata(baseUrl: string, accountId: string, certs?: SpCertificates): string {
  return buildSpMetadata(userSsoSp(baseUrl, accountId), certs);
}
