/** The last steps: NameID and attributes read whole from the verified Assertion, then replay. */
import { createHash } from 'node:crypto';
import { attr, childElements, ownId } from '../xml/index.js';
import { STORE_LIMITS } from '../../core/store/types.js';
import type { VerifiedAssertion } from '../types.js';
import { established, SAML_NS, type Claims, type Context } from './context.js';
import { CheckFailure, type Detail, ensure } from './pipeline.js';
import { iso, oneChild, wholeText } from './values.js';

const MAX_ATTRIBUTE_NAME = 1024;

function readAttributes(ctx: Context): Record<string, string[]> {
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const assertion = established(ctx.assertion, 'the assertion');
  for (const statement of childElements(assertion, SAML_NS, 'AttributeStatement')) {
    ensure(
      childElements(statement, SAML_NS, 'EncryptedAttribute').length === 0,
      'EncryptedAttribute is not supported',
    );
    for (const attribute of childElements(statement, SAML_NS, 'Attribute')) {
      const name = attr(attribute, 'Name');
      ensure(
        name !== null && name !== '' && name.length <= MAX_ATTRIBUTE_NAME,
        'an Attribute has no usable Name',
      );
      const values = childElements(attribute, SAML_NS, 'AttributeValue').map((v) =>
        wholeText(v, () => `AttributeValue of ${name}`),
      );
      (attributes[name] ??= []).push(...values);
    }
  }
  return attributes;
}

export function checkSubject(ctx: Context): Detail {
  const subject = oneChild(established(ctx.assertion, 'the assertion'), 'Subject', 'the Assertion');
  ensure(subject, 'the Assertion has no Subject');
  ensure(
    childElements(subject, SAML_NS, 'EncryptedID').length === 0 &&
      childElements(subject, SAML_NS, 'BaseID').length === 0,
    'EncryptedID and BaseID subjects are not supported',
  );
  const nameIdEl = oneChild(subject, 'NameID', 'the Subject');
  const claims: Claims = { attributes: readAttributes(ctx) };
  let detail: string;
  if (nameIdEl) {
    const nameId = wholeText(nameIdEl, 'NameID');
    ensure(nameId !== '', 'the NameID is empty');
    claims.nameId = nameId;
    const format = attr(nameIdEl, 'Format');
    if (format !== null) claims.nameIdFormat = format;
    detail = `NameID "${nameId}"${format ? ` (${format})` : ''}`;
  } else {
    ctx.warnings.push('the Subject has no NameID');
    detail = 'no NameID (Subject carries only a confirmation)';
  }
  ctx.claims = claims;
  return () => `${detail}; ${Object.keys(claims.attributes).length} attribute(s), values whole`;
}

function replayKey(issuer: string, assertionId: string): string {
  const key = `saml:replay:${issuer}:${assertionId}`;
  // Stores cap keys at 1024 characters; a hash keeps long issuers/IDs distinct.
  return key.length <= 512
    ? key
    : `saml:replay:sha256:${createHash('sha256').update(`${issuer}\n${assertionId}`).digest('hex')}`;
}

function assertionIdOf(ctx: Context): string {
  const id = ownId(established(ctx.assertion, 'the assertion'));
  ensure(id !== null && id !== '', 'the Assertion has no ID');
  return id;
}

export async function checkReplay(ctx: Context): Promise<Detail> {
  const id = assertionIdOf(ctx);
  const store = ctx.opts.replay;
  if (store === 'skip') {
    ctx.warnings.push('replay check skipped (offline)');
    return () => `Assertion ID "${id}" not checked (replay check skipped)`;
  }
  const until = established(ctx.expiry, 'the expiry') + ctx.opts.skewMs;
  const ttl = Math.max(1, Math.ceil(until - ctx.opts.now));
  // An assertion the replay cache cannot remember for its whole validity could be replayed later.
  ensure(
    ttl <= STORE_LIMITS.ttlMs,
    () => `the Assertion stays valid until ${iso(until)}, longer than the replay cache can hold`,
  );
  const issuer = established(ctx.assertionIssuer, 'the Assertion Issuer');
  const fresh = await store.putIfAbsent(replayKey(issuer, id), String(ctx.opts.now), ttl);
  if (!fresh) throw new CheckFailure(`Assertion ID "${id}" was already accepted (replay)`);
  return () => `Assertion ID "${id}" first use, remembered until ${iso(until)}`;
}

/** The result, from what the steps established (nothing is read from the tree a second time). */
export function buildVerifiedAssertion(ctx: Context): VerifiedAssertion {
  const claims = ctx.claims;
  if (!claims) throw new Error('internal: claims were not read');
  const authn = established(ctx.authn, 'the AuthnStatement');
  const sessionIndex = attr(authn.statement, 'SessionIndex');
  const sessionEnd = authn.sessionEnd;
  const inResponseTo =
    ctx.confirmation?.inResponseTo ?? (ctx.response ? attr(ctx.response, 'InResponseTo') : null);
  const signedBy =
    ctx.responseSigned && ctx.assertionSigned ? 'both' : ctx.assertionSigned ? 'assertion' : 'response';
  return {
    issuer: established(ctx.assertionIssuer, 'the Assertion Issuer'),
    ...(claims.nameId !== undefined ? { nameId: claims.nameId } : {}),
    ...(claims.nameIdFormat !== undefined ? { nameIdFormat: claims.nameIdFormat } : {}),
    ...(sessionIndex !== null ? { sessionIndex } : {}),
    notOnOrAfter: established(ctx.expiry, 'the expiry'),
    ...(sessionEnd !== null ? { sessionNotOnOrAfter: sessionEnd } : {}),
    authnInstant: authn.instant,
    ...(authn.classRef !== null ? { authnContextClassRef: authn.classRef } : {}),
    attributes: claims.attributes,
    assertionId: assertionIdOf(ctx),
    ...(inResponseTo !== null ? { inResponseTo } : {}),
    recipient: ctx.confirmation?.recipient ?? '',
    audiences: established(ctx.audiences, 'the audiences'),
    signedBy,
    warnings: ctx.warnings,
  };
}
