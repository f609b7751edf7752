/**
 * The built-in DEVELOPMENT IdP of `ramgate serve --demo`: it signs assertions for a few demo users
 * so a newcomer can sign in without installing an IdP. Never enabled outside demo mode.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { escapeXml } from './sp-metadata.js';

export interface DemoIdpOptions {
  entityId: string;
  /** The IdP's SSO URL (HTTP-Redirect binding). */
  ssoUrl: string;
  keyPem: string;
  certPem: string;
}

export interface DemoAssertion {
  acsUrl: string;
  audience: string;
  nameId: string;
  nameIdFormat: string;
  attributes: Record<string, string[]>;
  inResponseTo?: string | undefined;
  now: number;
  /** Assertion validity (default 5 minutes) and IdP session length (default 8 hours). */
  validSeconds?: number;
  sessionSeconds?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const newId = () => `_demo${randomBytes(16).toString('hex')}`;

export class DemoIdp {
  private readonly certBody: string;

  constructor(private readonly options: DemoIdpOptions) {
    this.certBody = new X509Certificate(options.certPem).raw.toString('base64');
  }

  get entityId(): string {
    return this.options.entityId;
  }

  metadataXml(): string {
    const o = this.options;
    return (
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escapeXml(o.entityId)}">` +
      `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
      `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>` +
      `<ds:X509Certificate>${this.certBody}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeXml(o.ssoUrl)}"/>` +
      `</md:IDPSSODescriptor></md:EntityDescriptor>`
    );
  }

  /** A samlp:Response whose Assertion is signed (rsa-sha256, exc-c14n), base64-encoded for the POST binding. */
  issueResponse(a: DemoAssertion): string {
    const assertionId = newId();
    const notOnOrAfter = iso(a.now + (a.validSeconds ?? 300) * 1000);
    const inResponseTo = a.inResponseTo ? ` InResponseTo="${escapeXml(a.inResponseTo)}"` : '';
    const attributes = Object.entries(a.attributes)
      .map(
        ([name, values]) =>
          `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
          values.map((v) => `<saml:AttributeValue>${escapeXml(v)}</saml:AttributeValue>`).join('') +
          `</saml:Attribute>`,
      )
      .join('');
    const issuer = `<saml:Issuer>${escapeXml(this.options.entityId)}</saml:Issuer>`;
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(a.now)}">` +
      issuer +
      `<saml:Subject><saml:NameID Format="${escapeXml(a.nameIdFormat)}">${escapeXml(a.nameId)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
      `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${escapeXml(a.acsUrl)}"${inResponseTo}/>` +
      `</saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(a.now - 30_000)}" NotOnOrAfter="${notOnOrAfter}">` +
      `<saml:AudienceRestriction><saml:Audience>${escapeXml(a.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(a.now)}" SessionIndex="${newId()}" SessionNotOnOrAfter="${iso(a.now + (a.sessionSeconds ?? 28_800) * 1000)}">` +
      `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
      `</saml:AuthnStatement>` +
      (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`;
    const response =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="${newId()}" Version="2.0" IssueInstant="${iso(a.now)}" Destination="${escapeXml(a.acsUrl)}"${inResponseTo}>` +
      `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${escapeXml(this.options.entityId)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      assertion +
      `</samlp:Response>`;
    return Buffer.from(this.signAssertion(response, assertionId)).toString('base64');
  }

  private signAssertion(xml: string, assertionId: string): string {
    const sig = new SignedXml({
      privateKey: this.options.keyPem,
      publicCert: this.options.certPem,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    sig.addReference({
      xpath: `//*[@ID='${assertionId}']`,
      transforms: [
        'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
        'http://www.w3.org/2001/10/xml-exc-c14n#',
      ],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    // The signature goes right after the Assertion's Issuer, where the SAML schema puts it.
    sig.computeSignature(xml, {
      prefix: 'ds',
      location: { reference: `//*[@ID='${assertionId}']/*[local-name()='Issuer']`, action: 'after' },
    });
    return sig.getSignedXml();
  }
}
