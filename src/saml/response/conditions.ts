/** Assertion-level steps: bearer confirmation, Recipient, Audience, time windows, AuthnStatement. */
import { attr, childElements, type XmlElement } from '../xml/index.js';
import { BEARER, established, SAML_NS, type Context } from './context.js';
import { CheckFailure, type Detail, ensure } from './pipeline.js';
import { instant, iso, matchEndpoint, oneChild, wholeText } from './values.js';

const EXPIRED = 'AuthenticationFail.SAMLAssertion.Expired' as const;

function subjectOf(ctx: Context): XmlElement {
  const assertion = established(ctx.assertion, 'the assertion');
  const subject = oneChild(assertion, 'Subject', 'the Assertion');
  ensure(subject, 'the Assertion has no Subject');
  return subject;
}

export function checkSubjectConfirmation(ctx: Context): Detail {
  const subject = subjectOf(ctx);
  const bearers = childElements(subject, SAML_NS, 'SubjectConfirmation').filter(
    (c) => attr(c, 'Method') === BEARER,
  );
  ensure(
    bearers.length === 1,
    () => `the Subject holds ${bearers.length} bearer SubjectConfirmations, exactly one is required`,
  );
  const data = childElements(bearers[0]!, SAML_NS, 'SubjectConfirmationData');
  ensure(data.length <= 1, 'the bearer SubjectConfirmation holds more than one SubjectConfirmationData');
  const d = data[0];
  if (!d) {
    // A WS-Fed token (bare Assertion) confirms the bearer without data: no Recipient to bind.
    ensure(
      !ctx.response && ctx.opts.allowBareAssertion,
      'the bearer SubjectConfirmation has no SubjectConfirmationData',
    );
    ctx.confirmation = { recipient: null, notOnOrAfter: null, inResponseTo: null };
    ctx.warnings.push('bare Assertion: bearer confirmation without Recipient/NotOnOrAfter (WS-Fed token)');
    return 'bearer, without SubjectConfirmationData (bare WS-Fed Assertion)';
  }
  ensure(
    instant(d, 'NotBefore', 'SubjectConfirmationData') === null,
    'a bearer SubjectConfirmationData must not carry NotBefore',
  );
  const recipient = attr(d, 'Recipient');
  const notOnOrAfter = instant(d, 'NotOnOrAfter', 'SubjectConfirmationData');
  ensure(recipient !== null && recipient !== '', 'the bearer SubjectConfirmationData has no Recipient');
  ensure(notOnOrAfter !== null, 'the bearer SubjectConfirmationData has no NotOnOrAfter');
  ctx.confirmation = { recipient, notOnOrAfter, inResponseTo: attr(d, 'InResponseTo') };
  return () => `one bearer confirmation, Recipient and NotOnOrAfter ${iso(notOnOrAfter)}`;
}

export function checkRecipient(ctx: Context): Detail {
  const { recipient } = established(ctx.confirmation, 'the confirmation');
  if (recipient === null) return 'not applicable (bare WS-Fed Assertion has no Recipient)';
  const match = matchEndpoint(recipient, ctx.opts.acsUrls);
  ensure(
    match,
    () => `Recipient "${recipient}" is not the ACS URL ${ctx.opts.acsUrls.map((u) => `"${u}"`).join(' or ')}`,
  );
  return () => `"${recipient}" = ACS "${match}"`;
}

function conditionsOf(ctx: Context): XmlElement {
  const conditions = oneChild(established(ctx.assertion, 'the assertion'), 'Conditions', 'the Assertion');
  ensure(conditions, 'the Assertion has no Conditions');
  return conditions;
}

export function checkAudience(ctx: Context): Detail {
  const restrictions = childElements(conditionsOf(ctx), SAML_NS, 'AudienceRestriction');
  ensure(restrictions.length > 0, 'the Conditions hold no AudienceRestriction');
  const all: string[] = [];
  // Several AudienceRestrictions must each be satisfied (SAML core §2.5.1.4).
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, SAML_NS, 'Audience').map((a) => wholeText(a, 'Audience'));
    all.push(...audiences);
    ensure(
      audiences.some((a) => ctx.opts.audiences.includes(a)),
      () =>
        `no Audience of [${audiences.map((a) => `"${a}"`).join(', ')}] is the SP entityID ${ctx.opts.audiences.map((a) => `"${a}"`).join(' or ')}`,
    );
  }
  ctx.audiences = all;
  return () => `[${all.map((a) => `"${a}"`).join(', ')}] includes the SP entityID`;
}

export function checkNotBefore(ctx: Context): Detail {
  const notBefore = instant(conditionsOf(ctx), 'NotBefore', 'Conditions');
  if (notBefore === null) return 'Conditions has no NotBefore';
  const { now, skewMs } = ctx.opts;
  if (notBefore > now + skewMs) {
    throw new CheckFailure(
      `Conditions NotBefore ${iso(notBefore)} is after now ${iso(now)} + ${skewMs / 1000} s skew`,
    );
  }
  return () => `NotBefore ${iso(notBefore)} ≤ now ${iso(now)} + ${skewMs / 1000} s`;
}

export function checkNotOnOrAfter(ctx: Context): Detail {
  const { now, skewMs } = ctx.opts;
  const limits: Array<[string, number]> = [];
  const conditionsLimit = instant(conditionsOf(ctx), 'NotOnOrAfter', 'Conditions');
  if (conditionsLimit !== null) limits.push(['Conditions', conditionsLimit]);
  const confirmationLimit = established(ctx.confirmation, 'the confirmation').notOnOrAfter;
  if (confirmationLimit !== null) limits.push(['SubjectConfirmationData', confirmationLimit]);
  ensure(limits.length > 0, 'the Assertion has no NotOnOrAfter at all');
  let expiry = Infinity;
  for (const [where, limit] of limits) {
    if (now - skewMs >= limit) {
      throw new CheckFailure(
        `${where} NotOnOrAfter ${iso(limit)} has passed (now ${iso(now)}, skew ${skewMs / 1000} s)`,
        EXPIRED,
      );
    }
    expiry = Math.min(expiry, limit);
  }
  ctx.expiry = expiry;
  return () =>
    limits.map(([where, limit]) => `${where} ${iso(limit)}`).join(', ') +
    ` > now ${iso(now)} - ${skewMs / 1000} s`;
}

/** AuthnContext/AuthnContextClassRef of the (verified) assertion's AuthnStatement: how the IdP authenticated. */
function authnContextClassRef(statement: XmlElement): string | null {
  const context = oneChild(statement, 'AuthnContext', 'the AuthnStatement');
  const ref = context && oneChild(context, 'AuthnContextClassRef', 'the AuthnContext');
  return ref ? wholeText(ref, 'AuthnContextClassRef') : null;
}

export function checkAuthnStatement(ctx: Context): Detail {
  const statements = childElements(established(ctx.assertion, 'the assertion'), SAML_NS, 'AuthnStatement');
  ensure(
    statements.length === 1,
    () => `the Assertion holds ${statements.length} AuthnStatements, exactly one is required`,
  );
  const statement = statements[0]!;
  const authnInstant = instant(statement, 'AuthnInstant', 'AuthnStatement');
  ensure(authnInstant !== null, 'the AuthnStatement has no AuthnInstant');
  const sessionEnd = instant(statement, 'SessionNotOnOrAfter', 'AuthnStatement');
  const { now, skewMs } = ctx.opts;
  if (sessionEnd !== null && now - skewMs >= sessionEnd) {
    throw new CheckFailure(
      `AuthnStatement SessionNotOnOrAfter ${iso(sessionEnd)} has passed (now ${iso(now)})`,
      EXPIRED,
    );
  }
  const classRef = authnContextClassRef(statement);
  ctx.authn = { statement, instant: authnInstant, sessionEnd, classRef };
  return () =>
    `AuthnInstant ${iso(authnInstant)}${sessionEnd === null ? '' : `, SessionNotOnOrAfter ${iso(sessionEnd)}`}` +
    (classRef === null ? '' : `, AuthnContextClassRef ${classRef.slice(0, 200)}`);
}
