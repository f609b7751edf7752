/**
 * The named checks of SAML response verification, in the order the pipeline runs them.
 * Every rejection names exactly one of these (audit log, `ramgate diagnose`, attack tests).
 */
export const RESPONSE_CHECKS = [
  'size', // the encoded response is within the size cap
  'base64', // strict base64 (alphabet, padding, no junk)
  'xml-prolog', // no DOCTYPE/ENTITY, no processing instructions other than the XML declaration
  'xml-wellformed', // parses as namespace-well-formed XML
  'xml-limits', // depth, element, attribute and text caps
  'root', // exactly one document element: samlp:Response (or a bare saml:Assertion where allowed)
  'unique-ids', // no ID value appears twice
  'assertion-count', // exactly one Assertion xor EncryptedAssertion, a direct child of the Response
  'signature-placement', // every ds:Signature is a direct child of the Response or the Assertion
  'signature-present', // the assertion is covered by a signature (its own or the Response's)
  'signature-algorithm', // SignatureMethod, DigestMethod, CanonicalizationMethod and Transforms on the allow-list
  'signature-reference', // exactly one Reference, URI = "#" + ID of the signature's parent
  'signature-digest', // the digest of the referenced element matches
  'signature-value', // the SignedInfo signature verifies with a key from the IdP metadata
  'decryption', // EncryptedAssertion: allowed algorithms, SP key present, decrypts to one Assertion
  'assertion-signed', // a decrypted assertion is signed unless the Response signature covered it
  'status', // Response Status is Success
  'issuer', // Response and Assertion Issuer equal the IdP entityID
  'destination', // Response Destination equals the ACS URL
  'in-response-to', // InResponseTo matches the outstanding AuthnRequest (SP-initiated) or is absent
  'subject-confirmation', // exactly one bearer SubjectConfirmation with Recipient and NotOnOrAfter
  'recipient', // SubjectConfirmationData Recipient equals the ACS URL
  'audience', // an Audience equals the SP entityID
  'not-before', // Conditions NotBefore ≤ now + skew
  'not-on-or-after', // Conditions / SubjectConfirmationData NotOnOrAfter > now - skew
  'authn-statement', // an AuthnStatement is present and its SessionNotOnOrAfter has not passed
  'subject', // at most one NameID, its text whole (no comment/PI/CDATA splits)
  'replay', // the Assertion ID was not accepted before (store-wide, until NotOnOrAfter)
] as const;

export type ResponseCheck = (typeof RESPONSE_CHECKS)[number];
