/**
 * A programmable test IdP: builds realistic SAML 2.0 Responses (saml2/saml2p prefixes as Okta and
 * Shibboleth send them) with every field overridable, signs the Assertion and/or the Response with
 * a generated test key, optionally encrypts the assertion for the SP, and emits IdP metadata.
 * Used by the attack suite and the gateway integration tests.
 *
 *   const idp = new TestIdp();
 *   const { base64 } = idp.response({ roleSessionName: 'bob', sign: 'both' });
 *   idp.metadata();           // EntityDescriptor with the signing certificate(s)
 *   idp.trustedIdp();         // { entityId, signingKeys } for verifyResponse
 *   postForm(built, '/console') // SAMLResponse (+ RelayState) form body for the ACS
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { testKeys, type TestKeyPair } from './keys.js';
import { encryptAssertion, type EncryptOptions } from './xml-encrypt.js';
import { signXml, type DigestAlgorithmName, type SignatureAlgorithmName } from './xml-sign.js';

export const NS = {
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export const ROLE_ATTRIBUTE = 'https://www.aliyun.com/SAML-Role/Attributes/Role';
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://www.aliyun.com/SAML-Role/Attributes/RoleSessionName';
export const SESSION_DURATION_ATTRIBUTE = 'https://www.aliyun.com/SAML-Role/Attributes/SessionDuration';
export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** The SP the responses are addressed to by default: Alibaba Cloud's role-based SSO (China site). */
export const DEFAULT_SP = {
  entityId: 'urn:alibaba:cloudcomputing',
  acsUrl: 'https://signin.aliyun.com/saml-role/sso',
} as const;
export const DEFAULT_ACCOUNT_ID = '1234567890123456';
export const DEFAULT_PROVIDER_ARN = `acs:ram::${DEFAULT_ACCOUNT_ID}:saml-provider/test-idp`;

export type SignWhat = 'assertion' | 'response' | 'both' | 'none';

export interface SignatureSettings {
  /** Default: the IdP's key. */
  key?: TestKeyPair;
  algorithm?: SignatureAlgorithmName;
  digest?: DigestAlgorithmName;
  /** Put the signing certificate into ds:KeyInfo (default true, as most IdPs do). */
  keyInfo?: boolean;
}

/** Every field of the response; `null` omits the element/attribute, undefined takes the default. */
export interface ResponseOptions {
  /** Clock in epoch ms (default Date.now()); every default instant derives from it. */
  now?: number;
  responseId?: string;
  assertionId?: string;
  destination?: string | null;
  /** Response/@InResponseTo and, unless subjectInResponseTo is given, SubjectConfirmationData/@InResponseTo. */
  inResponseTo?: string | null;
  subjectInResponseTo?: string | null;
  /** Response Issuer (default: the IdP entityID). */
  issuer?: string | null;
  /** Assertion Issuer (default: the IdP entityID). */
  assertionIssuer?: string | null;
  statusCode?: string;
  nameId?: string | null;
  nameIdFormat?: string;
  subjectConfirmationMethod?: string;
  recipient?: string | null;
  /** SubjectConfirmationData/@NotOnOrAfter, epoch ms (default now + 5 min). */
  subjectNotOnOrAfter?: number | null;
  /** Conditions/@NotBefore (default now − 5 s) and @NotOnOrAfter (default now + 5 min), epoch ms. */
  notBefore?: number | null;
  notOnOrAfter?: number | null;
  /** Audience values (default [DEFAULT_SP.entityId]); null omits the AudienceRestriction. */
  audiences?: string[] | null;
  /** false omits the AuthnStatement. */
  authnStatement?: boolean;
  authnInstant?: number;
  sessionIndex?: string | null;
  /** AuthnStatement/@SessionNotOnOrAfter, epoch ms (default now + 8 h). */
  sessionNotOnOrAfter?: number | null;
  /** AuthnContextClassRef (default PasswordProtectedTransport); null omits it (an empty AuthnContext). */
  authnContextClassRef?: string | null;
  /** Role attribute values "roleArn,providerArn" (default two roles of DEFAULT_ACCOUNT_ID). */
  roles?: string[] | null;
  roleSessionName?: string | null;
  sessionDuration?: string | null;
  /** More attributes, appended after the Alibaba ones. */
  attributes?: Record<string, string[]>;
  /** What to sign (default 'assertion', which Alibaba requires). */
  sign?: SignWhat;
  signature?: SignatureSettings;
  /** Encrypt the (signed) assertion for the SP; `true` uses the SP encryption test key. */
  encrypt?: boolean | Partial<EncryptOptions>;
  /** Edit the Assertion XML before it is signed (the IdP really says this). */
  editAssertion?: (xml: string) => string;
  /** Edit the Response XML (assertion already inside) before the Response is signed. */
  editResponse?: (xml: string) => string;
}

export interface BuiltResponse {
  xml: string;
  /** base64 of the UTF-8 XML: the SAMLResponse form value. */
  base64: string;
  responseId: string;
  assertionId: string;
  /** The assertion as signed (before any encryption). */
  assertionXml: string;
}

export interface TestIdpOptions {
  entityId?: string;
  /** The signing key (default the generated `idp` key). */
  signingKey?: TestKeyPair;
  ssoUrl?: string;
  sp?: { entityId: string; acsUrl: string };
}

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

export function newSamlId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

const attr = (name: string, value: string | null | undefined): string =>
  value === null || value === undefined ? '' : ` ${name}="${xmlEscape(value)}"`;
const instant = (name: string, ms: number | null): string => (ms === null ? '' : attr(name, isoInstant(ms)));

function attributeXml(name: string, values: readonly string[]): string {
  const items = values
    .map(
      (v) =>
        `<saml2:AttributeValue xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}" xsi:type="xs:string">${xmlEscape(v)}</saml2:AttributeValue>`,
    )
    .join('');
  return `<saml2:Attribute Name="${xmlEscape(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${items}</saml2:Attribute>`;
}

const PASSWORD_PROTECTED_TRANSPORT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';

function classRefXml(ref: string | null | undefined): string {
  const value = ref === undefined ? PASSWORD_PROTECTED_TRANSPORT : ref;
  return value === null ? '' : `<saml2:AuthnContextClassRef>${xmlEscape(value)}</saml2:AuthnContextClassRef>`;
}

export class TestIdp {
  readonly entityId: string;
  readonly signingKey: TestKeyPair;
  readonly ssoUrl: string;
  readonly sp: { entityId: string; acsUrl: string };

  constructor(opts: TestIdpOptions = {}) {
    this.entityId = opts.entityId ?? 'https://idp.ramgate.test/saml2/idp/metadata';
    this.signingKey = opts.signingKey ?? testKeys().idp;
    this.ssoUrl = opts.ssoUrl ?? 'https://idp.ramgate.test/saml2/idp/SSOService';
    this.sp = opts.sp ?? { ...DEFAULT_SP };
  }

  /** The trust a verifier derives from this IdP's metadata (shape of src/saml/types TrustedIdp). */
  trustedIdp(keys: TestKeyPair[] = [this.signingKey]): { entityId: string; signingKeys: KeyObject[] } {
    return { entityId: this.entityId, signingKeys: keys.map((k) => k.publicKey) };
  }

  defaultRoles(): string[] {
    return ['admin', 'readonly', 'developer'].map(
      (r) => `acs:ram::${DEFAULT_ACCOUNT_ID}:role/${r},${DEFAULT_PROVIDER_ARN}`,
    );
  }

  /** The Assertion element (unsigned), with its own namespace declarations. */
  assertionXml(o: ResponseOptions & { assertionId: string }): string {
    const now = o.now ?? Date.now();
    const inResponseTo = o.subjectInResponseTo !== undefined ? o.subjectInResponseTo : o.inResponseTo;
    const issuer = o.assertionIssuer === undefined ? this.entityId : o.assertionIssuer;
    const audiences = o.audiences === undefined ? [this.sp.entityId] : o.audiences;
    const attributes: [string, string[]][] = [];
    const roles = o.roles === undefined ? this.defaultRoles() : o.roles;
    if (roles) attributes.push([ROLE_ATTRIBUTE, roles]);
    const sessionName = o.roleSessionName === undefined ? 'alice@example.com' : o.roleSessionName;
    if (sessionName !== null) attributes.push([ROLE_SESSION_NAME_ATTRIBUTE, [sessionName]]);
    const duration = o.sessionDuration === undefined ? '3600' : o.sessionDuration;
    if (duration !== null) attributes.push([SESSION_DURATION_ATTRIBUTE, [duration]]);
    attributes.push(...Object.entries(o.attributes ?? {}));
    const nameId = o.nameId === undefined ? 'alice@example.com' : o.nameId;
    const nameIdFormat = o.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
    return (
      `<saml2:Assertion xmlns:saml2="${NS.saml}" ID="${o.assertionId}" IssueInstant="${isoInstant(now)}" Version="2.0">` +
      (issuer === null
        ? ''
        : `<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${xmlEscape(issuer)}</saml2:Issuer>`) +
      `<saml2:Subject>` +
      (nameId === null
        ? ''
        : `<saml2:NameID Format="${xmlEscape(nameIdFormat)}">${xmlEscape(nameId)}</saml2:NameID>`) +
      `<saml2:SubjectConfirmation Method="${xmlEscape(o.subjectConfirmationMethod ?? BEARER)}">` +
      `<saml2:SubjectConfirmationData` +
      attr('InResponseTo', inResponseTo) +
      instant('NotOnOrAfter', o.subjectNotOnOrAfter === undefined ? now + 300_000 : o.subjectNotOnOrAfter) +
      attr('Recipient', o.recipient === undefined ? this.sp.acsUrl : o.recipient) +
      `/></saml2:SubjectConfirmation></saml2:Subject>` +
      `<saml2:Conditions` +
      instant('NotBefore', o.notBefore === undefined ? now - 5_000 : o.notBefore) +
      instant('NotOnOrAfter', o.notOnOrAfter === undefined ? now + 300_000 : o.notOnOrAfter) +
      `>` +
      (audiences === null
        ? ''
        : `<saml2:AudienceRestriction>${audiences.map((a) => `<saml2:Audience>${xmlEscape(a)}</saml2:Audience>`).join('')}</saml2:AudienceRestriction>`) +
      `</saml2:Conditions>` +
      (o.authnStatement === false
        ? ''
        : `<saml2:AuthnStatement AuthnInstant="${isoInstant(o.authnInstant ?? now - 1_000)}"` +
          attr('SessionIndex', o.sessionIndex === undefined ? o.assertionId : o.sessionIndex) +
          instant(
            'SessionNotOnOrAfter',
            o.sessionNotOnOrAfter === undefined ? now + 8 * 3_600_000 : o.sessionNotOnOrAfter,
          ) +
          `><saml2:AuthnContext>${classRefXml(o.authnContextClassRef)}</saml2:AuthnContext></saml2:AuthnStatement>`) +
      (attributes.length === 0
        ? ''
        : `<saml2:AttributeStatement>${attributes.map(([n, v]) => attributeXml(n, v)).join('')}</saml2:AttributeStatement>`) +
      `</saml2:Assertion>`
    );
  }

  /** Builds, signs and optionally encrypts a Response. */
  response(o: ResponseOptions = {}): BuiltResponse {
    const now = o.now ?? Date.now();
    const responseId = o.responseId ?? newSamlId();
    const assertionId = o.assertionId ?? newSamlId();
    const sign = o.sign ?? 'assertion';
    const sig = o.signature ?? {};
    const key = sig.key ?? this.signingKey;
    const signOpts = {
      privateKey: key.privateKey,
      algorithm: sig.algorithm ?? (key.privateKey.asymmetricKeyType === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256'),
      digest: sig.digest ?? 'sha256',
      ...(sig.keyInfo === false ? {} : { certBase64: key.certBase64 }),
    } as const;

    let assertion = this.assertionXml({ ...o, now, assertionId });
    if (o.editAssertion) assertion = o.editAssertion(assertion);
    if (sign === 'assertion' || sign === 'both')
      assertion = stripDecl(signXml(assertion, { ...signOpts, id: assertionId }));
    const assertionXml = assertion;
    if (o.encrypt) {
      const spKey = testKeys().spEncryption;
      const enc = o.encrypt === true ? {} : o.encrypt;
      assertion = encryptAssertion(assertion, {
        publicKey: spKey.publicKey,
        certBase64: spKey.certBase64,
        ...enc,
      }).xml;
    }

    const issuer = o.issuer === undefined ? this.entityId : o.issuer;
    let xml =
      `<saml2p:Response xmlns:saml2p="${NS.samlp}"` +
      attr('Destination', o.destination === undefined ? this.sp.acsUrl : o.destination) +
      ` ID="${responseId}"` +
      attr('InResponseTo', o.inResponseTo) +
      ` IssueInstant="${isoInstant(now)}" Version="2.0">` +
      (issuer === null
        ? ''
        : `<saml2:Issuer xmlns:saml2="${NS.saml}" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${xmlEscape(issuer)}</saml2:Issuer>`) +
      `<saml2p:Status><saml2p:StatusCode Value="${xmlEscape(o.statusCode ?? STATUS_SUCCESS)}"/></saml2p:Status>` +
      assertion +
      `</saml2p:Response>`;
    if (o.editResponse) xml = o.editResponse(xml);
    if (sign === 'response' || sign === 'both')
      xml = stripDecl(signXml(xml, { ...signOpts, id: responseId }));
    xml = `<?xml version="1.0" encoding="UTF-8"?>${xml}`;
    return { xml, base64: toBase64(xml), responseId, assertionId, assertionXml };
  }

  /** IdP metadata: one EntityDescriptor with an IDPSSODescriptor naming one or two signing certificates. */
  metadata(
    opts: { certs?: TestKeyPair[]; entityId?: string; wantAuthnRequestsSigned?: boolean } = {},
  ): string {
    const certs = opts.certs ?? [this.signingKey];
    const keyDescriptors = certs
      .map(
        (c) =>
          `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>${c.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
      )
      .join('');
    const sso = xmlEscape(this.ssoUrl);
    return (
      `<?xml version="1.0" encoding="UTF-8"?>` +
      `<md:EntityDescriptor xmlns:md="${NS.md}" entityID="${xmlEscape(opts.entityId ?? this.entityId)}">` +
      `<md:IDPSSODescriptor WantAuthnRequestsSigned="${opts.wantAuthnRequestsSigned ? 'true' : 'false'}" protocolSupportEnumeration="${NS.samlp}">` +
      keyDescriptors +
      `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
      `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sso}"/>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sso}"/>` +
      `</md:IDPSSODescriptor></md:EntityDescriptor>`
    );
  }
}

/** The HTTP-POST binding form body an auto-submitting IdP page sends to the ACS. */
export function postForm(response: BuiltResponse | string, relayState?: string): URLSearchParams {
  const form = new URLSearchParams({
    SAMLResponse: typeof response === 'string' ? response : response.base64,
  });
  if (relayState !== undefined) form.set('RelayState', relayState);
  return form;
}

export function toBase64(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

function stripDecl(xml: string): string {
  return xml.replace(/^<\?xml[^>]*\?>\s*/, '');
}
