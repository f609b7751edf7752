/** Response-level steps: Status, Issuer, Destination, InResponseTo. */
import { attr, childElements, firstChild } from '../xml/index.js';
import { established, SAML_NS, SAMLP_NS, type Context } from './context.js';
import { type Detail, ensure } from './pipeline.js';
import { matchEndpoint, oneChild, wholeText } from './values.js';

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const ENTITY_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';

export function checkStatus(ctx: Context): Detail {
  const response = ctx.response;
  if (!response) return 'bare Assertion: no Status';
  const statuses = childElements(response, SAMLP_NS, 'Status');
  ensure(
    statuses.length === 1,
    () => `the Response holds ${statuses.length} Status elements, exactly one is required`,
  );
  const code = firstChild(statuses[0]!, SAMLP_NS, 'StatusCode');
  const value = code ? attr(code, 'Value') : null;
  ensure(value === SUCCESS, () => `StatusCode is ${value ?? '(missing)'}, not Success`);
  return 'StatusCode Success';
}

function issuerOf(el: Context['response'] & object, where: string): string | null {
  const issuer = oneChild(el, 'Issuer', where);
  if (!issuer) return null;
  const format = attr(issuer, 'Format');
  ensure(
    format === null || format === ENTITY_FORMAT,
    () => `${where} Issuer Format is ${format}, not the entity format`,
  );
  return wholeText(issuer, () => `${where} Issuer`);
}

export function checkIssuer(ctx: Context): Detail {
  const assertion = established(ctx.assertion, 'the assertion');
  const assertionIssuer = issuerOf(assertion, 'Assertion');
  ensure(assertionIssuer, 'the Assertion has no Issuer');
  ctx.assertionIssuer = assertionIssuer;
  const responseIssuer = ctx.response ? issuerOf(ctx.response, 'Response') : null;
  const expected = ctx.opts.idp.entityId;
  if (expected === null) {
    ensure(
      responseIssuer === null || responseIssuer === assertionIssuer,
      () => `Response Issuer "${responseIssuer}" differs from Assertion Issuer "${assertionIssuer}"`,
    );
    ctx.warnings.push('no IdP entityID configured (certificate only): the Issuer was not pinned');
    return `Assertion Issuer "${assertionIssuer}" (entityID not configured: not pinned)`;
  }
  ensure(
    assertionIssuer === expected,
    () => `Assertion Issuer "${assertionIssuer}" is not the IdP entityID "${expected}"`,
  );
  ensure(
    responseIssuer === null || responseIssuer === expected,
    () => `Response Issuer "${responseIssuer}" is not the IdP entityID "${expected}"`,
  );
  return () =>
    `"${assertionIssuer}" = entityID${responseIssuer === null ? ' (Response has no Issuer)' : ' (Response and Assertion)'}`;
}

export function checkDestination(ctx: Context): Detail {
  const response = ctx.response;
  if (!response) return 'bare Assertion: no Destination';
  const destination = attr(response, 'Destination');
  if (destination === null) {
    ensure(!ctx.responseSignature, 'the Response is signed but has no Destination (SAML bindings §3.5.5.2)');
    return 'absent (unsigned Response)';
  }
  const match = matchEndpoint(destination, ctx.opts.acsUrls);
  ensure(
    match,
    () =>
      `Destination "${destination}" is not the ACS URL ${ctx.opts.acsUrls.map((u) => `"${u}"`).join(' or ')}`,
  );
  return () => `"${destination}" = ACS "${match}"`;
}

/** The bearer SubjectConfirmationData/@InResponseTo (signed) and Response/@InResponseTo (signed only with the Response). */
function inResponseToValues(ctx: Context): Array<[string, string]> {
  const values: Array<[string, string]> = [];
  const fromResponse = ctx.response ? attr(ctx.response, 'InResponseTo') : null;
  if (fromResponse !== null) values.push(['Response', fromResponse]);
  const assertion = established(ctx.assertion, 'the assertion');
  for (const subject of childElements(assertion, SAML_NS, 'Subject')) {
    for (const confirmation of childElements(subject, SAML_NS, 'SubjectConfirmation')) {
      for (const data of childElements(confirmation, SAML_NS, 'SubjectConfirmationData')) {
        const value = attr(data, 'InResponseTo');
        if (value !== null) values.push(['SubjectConfirmationData', value]);
      }
    }
  }
  return values;
}

export function checkInResponseTo(ctx: Context): Detail {
  const values = inResponseToValues(ctx);
  const shown = values.map(([where, v]) => `${where} "${v}"`).join(', ');
  const expected = ctx.opts.expectedRequestId;
  if (expected !== undefined) {
    ensure(values.length > 0, () => `no InResponseTo, but the login was started by request "${expected}"`);
    // Only a signed value binds: the Response's own attribute counts only when the Response is signed.
    ensure(
      ctx.responseSigned || values.some(([where]) => where === 'SubjectConfirmationData'),
      () =>
        `the Response is unsigned and the signed SubjectConfirmationData carries no InResponseTo (expected "${expected}")`,
    );
    for (const [where, value] of values) {
      ensure(
        value === expected,
        () => `${where} InResponseTo "${value}" is not the outstanding request "${expected}"`,
      );
    }
    return `${shown} = outstanding request`;
  }
  if (values.length === 0) return 'absent (IdP-initiated)';
  ensure(
    ctx.opts.inResponseTo === 'report-only',
    () => `InResponseTo ${shown} names a request that is not outstanding`,
  );
  ctx.warnings.push(`InResponseTo ${shown} not checked: no expected request id (report only)`);
  return `${shown} reported, not enforced (no expected request id)`;
}
