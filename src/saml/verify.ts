/**
 * SAML response verification: one readable list of explicit checks (RESPONSE_CHECKS order), each with
 * its own error, run over one parse of the document. Keys come only from the IdP metadata; claims are
 * read only from the verified (or decrypted-and-verified) Assertion.
 *
 *   verifyResponse(input, options) → { ok: true, assertion, checks } | { ok: false, check, error, message, checks }
 *   prepareResponse(input, maxLength?) → PreparedResponse { input, document (UNVERIFIED, or null) }: decode and
 *     parse once when hints must be read before verifying; verifyResponse(prepared, options) reuses both.
 */
import { RESPONSE_CHECKS, type ResponseCheck } from './checks.js';
import { buildVerifiedAssertion, checkReplay, checkSubject } from './response/claims.js';
import {
  checkAudience,
  checkAuthnStatement,
  checkNotBefore,
  checkNotOnOrAfter,
  checkRecipient,
  checkSubjectConfirmation,
} from './response/conditions.js';
import { newContext, resolveOptions, type Context } from './response/context.js';
import { checkProlog, checkSize, decodeBase64Strict } from './response/decode.js';
import { CheckFailure, PassedChecks, runPipeline, type Detail, type Step } from './response/pipeline.js';
import type { PreparedResponse } from './response/prepared.js';
import { checkDestination, checkInResponseTo, checkIssuer, checkStatus } from './response/protocol.js';
import { checkAssertionSigned, decrypt, signatureStep } from './response/signatures.js';
import {
  checkAssertionCount,
  checkLimits,
  checkRoot,
  checkSignaturePlacement,
  checkSignaturePresent,
  checkUniqueIds,
  parseWellFormed,
} from './response/structure.js';
import type { CheckRecord, VerifiedAssertion, VerifyAccepted, VerifyOptions, VerifyResult } from './types.js';

export type { CheckRecord, TrustedIdp, VerifiedAssertion, VerifyOptions, VerifyResult } from './types.js';
export { prepareResponse, PreparedResponse } from './response/prepared.js';

function decodeInput(ctx: Context): Detail {
  if (ctx.opts.encoding === 'xml') {
    ctx.xml = ctx.input;
    return 'input is XML (not base64-encoded)';
  }
  const decoded = ctx.prepared?.decoded ?? null;
  if (decoded instanceof CheckFailure) throw decoded;
  const xml = (ctx.xml = decoded ?? decodeBase64Strict(ctx.input));
  return () => `strict base64, ${xml.length} characters of XML`;
}

const RUN: Record<ResponseCheck, Step<Context>['run']> = {
  size: (ctx) => checkSize(ctx.input, ctx.opts.maxInputLength),
  base64: decodeInput,
  'xml-prolog': (ctx) => checkProlog(ctx.xml),
  'xml-wellformed': parseWellFormed,
  'xml-limits': checkLimits,
  root: checkRoot,
  'unique-ids': checkUniqueIds,
  'assertion-count': checkAssertionCount,
  'signature-placement': checkSignaturePlacement,
  'signature-present': checkSignaturePresent,
  'signature-algorithm': signatureStep('signature-algorithm'),
  'signature-reference': signatureStep('signature-reference'),
  'signature-digest': signatureStep('signature-digest'),
  'signature-value': signatureStep('signature-value'),
  decryption: decrypt,
  'assertion-signed': checkAssertionSigned,
  status: checkStatus,
  issuer: checkIssuer,
  destination: checkDestination,
  'in-response-to': checkInResponseTo,
  'subject-confirmation': checkSubjectConfirmation,
  recipient: checkRecipient,
  audience: checkAudience,
  'not-before': checkNotBefore,
  'not-on-or-after': checkNotOnOrAfter,
  'authn-statement': checkAuthnStatement,
  subject: checkSubject,
  replay: checkReplay,
};

/** The pipeline, in the fixed order of RESPONSE_CHECKS. */
export const RESPONSE_PIPELINE: readonly Step<Context>[] = RESPONSE_CHECKS.map((name) => ({
  name,
  run: RUN[name],
}));

/**
 * An accepted result whose `checks` records are built when first read (an own enumerable property, so
 * JSON, spread and Object.keys see ok, assertion, checks as before); the getter is one shared function.
 */
class Accepted implements VerifyAccepted {
  readonly ok = true;
  readonly assertion: VerifiedAssertion;
  declare readonly checks: CheckRecord[];
  readonly #passed: PassedChecks;

  constructor(assertion: VerifiedAssertion, passed: PassedChecks) {
    this.assertion = assertion;
    this.#passed = passed;
    Object.defineProperty(this, 'checks', LAZY_CHECKS);
  }

  static checksOf(result: Accepted): CheckRecord[] {
    return result.#passed.records();
  }
}

const LAZY_CHECKS: PropertyDescriptor = {
  get(this: Accepted): CheckRecord[] {
    return Accepted.checksOf(this);
  },
  enumerable: true,
};

/** Verify a base64 SAMLResponse, or one prepared by prepareResponse (its decoding and parse are reused). */
export async function verifyResponse(
  input: string | PreparedResponse,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const prepared = typeof input === 'string' ? null : input;
  const ctx = newContext(typeof input === 'string' ? input : input.input, resolveOptions(options));
  if (prepared && ctx.opts.encoding === 'base64') ctx.prepared = prepared;
  const outcome = await runPipeline(RESPONSE_PIPELINE, ctx);
  if (!outcome.ok) return outcome;
  return new Accepted(buildVerifiedAssertion(ctx), outcome.passed);
}
