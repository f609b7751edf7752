/**
 * Signature and decryption steps. Every ds:Signature present (Response, Assertion) must verify with a
 * key from the IdP metadata; the xml layer checks algorithms before any crypto and reports which of
 * the four signature checks failed. The four pipeline steps report those outcomes in order.
 */
import {
  childElements,
  collectIds,
  DECRYPTION_FAILED,
  decryptEncryptedData,
  parseXml,
  verifySignature,
  walkElements,
  XmlRejection,
  type SignatureCheck,
  type XmlElement,
} from '../xml/index.js';
import { DSIG_NS, SAML_NS, established, type Context, type SignatureOutcome } from './context.js';
import { CheckFailure, type Detail, ensure } from './pipeline.js';

const SIGNATURE_CHECKS: readonly SignatureCheck[] = [
  'signature-algorithm',
  'signature-reference',
  'signature-digest',
  'signature-value',
];

function shortAlg(uri: string): string {
  return uri.slice(uri.lastIndexOf('#') + 1);
}

function verifyOne(ctx: Context, label: SignatureOutcome['label'], signature: XmlElement): SignatureOutcome {
  return {
    label,
    result: verifySignature(signature, { keys: ctx.opts.idp.signingKeys, allowSha1: ctx.opts.allowSha1 }),
  };
}

/** Verify every signature once (at the first signature step), in document order: Response, then Assertion. */
function outcomesOf(ctx: Context): SignatureOutcome[] {
  let list = ctx.signatureOutcomes;
  if (!list) {
    ensure(
      ctx.opts.idp.signingKeys.length > 0,
      'the IdP metadata provides no signing key',
      'AuthenticationFail.IDPMetadata.Invalid',
    );
    list = [];
    if (ctx.responseSignature) list.push(verifyOne(ctx, 'Response', ctx.responseSignature));
    if (ctx.assertionSignature) list.push(verifyOne(ctx, 'Assertion', ctx.assertionSignature));
    ctx.signatureOutcomes = list;
  }
  return list;
}

function describeOk(o: SignatureOutcome, check: SignatureCheck): string {
  if (!o.result.ok) return `${o.label}: ok`;
  const r = o.result;
  switch (check) {
    case 'signature-algorithm':
      return `${o.label}: ${shortAlg(r.signatureAlgorithm)}, digest ${shortAlg(r.digestAlgorithm)}, exc-c14n`;
    case 'signature-reference':
      return `${o.label}: one Reference to its own ID`;
    case 'signature-digest':
      return `${o.label}: digest matches`;
    default:
      return `${o.label}: verifies with metadata key #${r.keyIndex + 1}`;
  }
}

/** One of the four signature steps: fails if a signature failed at exactly this check. */
export function signatureStep(check: SignatureCheck): (ctx: Context) => Detail {
  const position = SIGNATURE_CHECKS.indexOf(check);
  return (ctx) => {
    const list = outcomesOf(ctx);
    for (const o of list) {
      if (!o.result.ok && SIGNATURE_CHECKS.indexOf(o.result.check) === position) {
        throw new CheckFailure(`${o.label} signature: ${o.result.message}`);
      }
    }
    if (list.length === 0) return 'no plain signature (encrypted assertion, see assertion-signed)';
    if (check === 'signature-value') {
      ctx.responseSigned = list.some((o) => o.label === 'Response' && o.result.ok);
      ctx.assertionSigned = list.some((o) => o.label === 'Assertion' && o.result.ok);
    }
    return () => list.map((o) => describeOk(o, check)).join('; ');
  };
}

/** Namespace declarations in scope at `el` (nearest wins), so a decrypted fragment parses as if in place. */
function inScopeNamespaces(el: XmlElement): Map<string, string> {
  const seen = new Map<string, string>();
  for (let e: XmlElement | null = el; e; e = e.parent) {
    for (const ns of e.namespaces) if (!seen.has(ns.prefix)) seen.set(ns.prefix, ns.uri);
  }
  return seen;
}

const WRAPPER_NS = 'urn:ramgate:decrypted';

/** `<p:w xmlns:p=…>` declaring every namespace in scope at the EncryptedAssertion, p not among them. */
function wrapperTags(encrypted: XmlElement): [string, string] {
  const scope = inScopeNamespaces(encrypted);
  let prefix = 'rg';
  while (scope.has(prefix)) prefix += 'x';
  const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const decls = [...scope]
    .map(([p, uri]) => ` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${escape(uri)}"`)
    .join('');
  return [`<${prefix}:w xmlns:${prefix}="${WRAPPER_NS}"${decls}>`, `</${prefix}:w>`];
}

function parseDecrypted(encrypted: XmlElement, xml: string): XmlElement {
  let wrapper: XmlElement;
  try {
    const [open, close] = wrapperTags(encrypted);
    wrapper = parseXml(`${open}${xml}${close}`).documentElement;
  } catch (err) {
    if (err instanceof XmlRejection)
      throw new CheckFailure(`the decrypted content is not acceptable XML: ${err.message}`);
    throw err;
  }
  for (const node of wrapper.children) {
    ensure(
      node.kind === 'element' || (node.kind === 'text' && !node.cdata && /^\s*$/.test(node.value)),
      'the decrypted content holds more than one element',
    );
  }
  const elements = childElements(wrapper);
  const assertion = elements[0];
  ensure(
    elements.length === 1 && assertion,
    () => `the decrypted content holds ${elements.length} elements, not one Assertion`,
  );
  ensure(
    assertion.namespaceURI === SAML_NS && assertion.localName === 'Assertion',
    () => `the decrypted element is <${assertion.name}>, not saml:Assertion`,
  );
  let nested = 0;
  walkElements(assertion, (el) => {
    if (el !== assertion && el.namespaceURI === SAML_NS && /^(Encrypted)?Assertion$/.test(el.localName))
      nested++;
    if (el.namespaceURI === DSIG_NS && el.localName === 'Signature') {
      ensure(
        el.parent === assertion,
        () => `a ds:Signature inside the decrypted Assertion sits in <${el.parent?.name}>`,
      );
    }
  });
  ensure(nested === 0, 'the decrypted Assertion contains further assertions');
  const ids = collectIds(assertion);
  ensure(
    ids.duplicates.length === 0,
    () => `the decrypted Assertion repeats ID value(s): ${ids.duplicates.join(', ')}`,
  );
  return assertion;
}

export function decrypt(ctx: Context): Detail {
  const encrypted = ctx.encryptedAssertion;
  if (!encrypted) return 'not encrypted';
  ensure(
    ctx.opts.spDecryptionKeys.length > 0,
    'the assertion is encrypted but no SP decryption key is configured',
  );
  const result = decryptEncryptedData(encrypted, {
    keys: ctx.opts.spDecryptionKeys,
    allowCbc: ctx.opts.allowAesCbc,
  });
  if (!result.ok) throw new CheckFailure(result.message);
  try {
    ctx.assertion = parseDecrypted(encrypted, result.xml);
  } catch (err) {
    // Whatever is wrong with the plaintext, say the same as for a bad key or padding: no oracle, no echo.
    if (err instanceof CheckFailure) throw new CheckFailure(DECRYPTION_FAILED);
    throw err;
  }
  return `decrypted with ${shortAlg(result.keyTransport)} + ${shortAlg(result.dataAlgorithm)} to one Assertion`;
}

export function checkAssertionSigned(ctx: Context): Detail {
  if (!ctx.encryptedAssertion) {
    return ctx.assertionSigned
      ? 'the Assertion carries a verified signature'
      : 'covered by the verified Response signature';
  }
  const assertion = established(ctx.assertion, 'the decrypted assertion');
  const signatures = childElements(assertion, DSIG_NS, 'Signature');
  ensure(signatures.length <= 1, () => `the decrypted Assertion holds ${signatures.length} signatures`);
  const signature = signatures[0];
  if (!signature) {
    ensure(!ctx.opts.requireSignedAssertion, 'the decrypted Assertion is unsigned (requireSignedAssertion)');
    ensure(ctx.responseSigned, 'the decrypted Assertion is unsigned and the Response is not signed');
    return 'decrypted Assertion unsigned; covered by the verified Response signature';
  }
  const o = verifyOne(ctx, 'Assertion', signature);
  if (!o.result.ok) {
    throw new CheckFailure(`decrypted Assertion signature (${o.result.check}): ${o.result.message}`);
  }
  ctx.assertionSignature = signature;
  ctx.assertionSigned = true;
  return `decrypted Assertion signature verifies (${shortAlg(o.result.signatureAlgorithm)}, key #${o.result.keyIndex + 1})`;
}
