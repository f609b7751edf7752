/** Steps that establish the document's shape before any signature is looked at. */
import { childElements, collectIds, parseXml, XmlRejection, type XmlElement } from '../xml/index.js';
import { DSIG_NS, SAML_NS, SAMLP_NS, established, type Census, type Context } from './context.js';
import { CheckFailure, type Detail, ensure } from './pipeline.js';

export function parseWellFormed(ctx: Context): Detail {
  const parsed = ctx.prepared?.parsed ?? null; // parsed from this same ctx.xml by prepareResponse
  try {
    if (parsed instanceof XmlRejection) throw parsed;
    ctx.doc = parsed ?? parseXml(ctx.xml);
  } catch (err) {
    if (!(err instanceof XmlRejection)) throw err;
    if (err.check === 'xml-limits') {
      ctx.limitsFailure = err.message;
      return 'parsing stopped at a limit (next check)';
    }
    throw new CheckFailure(err.message, undefined, err.check);
  }
  const doc = ctx.doc;
  return () =>
    `parsed: ${doc.elementCount} elements, ${doc.commentCount} comments, ${doc.cdataCount} CDATA sections`;
}

export function checkLimits(ctx: Context): Detail {
  ensure(ctx.limitsFailure === null, ctx.limitsFailure ?? '');
  const doc = established(ctx.doc, 'the document');
  return () => `${doc.elementCount} elements within the depth, element, attribute and text caps`;
}

const isA = (el: XmlElement, ns: string, localName: string) =>
  el.namespaceURI === ns && el.localName === localName;

export function checkRoot(ctx: Context): Detail {
  const root = established(ctx.doc, 'the document').documentElement;
  if (isA(root, SAMLP_NS, 'Response')) {
    const version = root.attributes.find((a) => a.localName === 'Version' && a.namespaceURI === null)?.value;
    ensure(
      version === '2.0',
      () => `samlp:Response Version is ${JSON.stringify(version ?? null)}, not "2.0"`,
    );
    ctx.response = root;
    return () => `<${root.name}> in ${SAMLP_NS}`;
  }
  if (isA(root, SAML_NS, 'Assertion')) {
    ensure(
      ctx.opts.allowBareAssertion,
      'the document element is a bare saml:Assertion, not a samlp:Response',
    );
    ctx.warnings.push(
      'bare Assertion document (WS-Fed token): accepted only because allowBareAssertion is set',
    );
    return `bare <${root.name}> (allowed here)`;
  }
  throw new CheckFailure(
    `the document element is {${root.namespaceURI ?? ''}}${root.localName}, not samlp:Response`,
  );
}

/** The three element-wide structure checks share one walk of the document (each decides at its own step). */
function censusOf(ctx: Context): Census {
  if (ctx.census) return ctx.census;
  const assertions: XmlElement[] = [];
  const signatures: XmlElement[] = [];
  const ids = collectIds(established(ctx.doc, 'the document').documentElement, (el) => {
    if (el.namespaceURI === SAML_NS) {
      if (el.localName === 'Assertion' || el.localName === 'EncryptedAssertion') assertions.push(el);
    } else if (el.namespaceURI === DSIG_NS && el.localName === 'Signature') {
      signatures.push(el);
    }
  });
  return (ctx.census = { ids, assertions, signatures });
}

export function checkUniqueIds(ctx: Context): Detail {
  const ids = censusOf(ctx).ids;
  ensure(ids.duplicates.length === 0, () => `ID value(s) used more than once: ${ids.duplicates.join(', ')}`);
  return () => `${ids.byId.size} distinct ID values`;
}

export function checkAssertionCount(ctx: Context): Detail {
  const found = censusOf(ctx).assertions;
  ensure(
    found.length === 1,
    () => `the document holds ${found.length} Assertion/EncryptedAssertion elements, exactly one is allowed`,
  );
  const only = found[0] as XmlElement;
  ensure(only.parent === ctx.response, () => `the ${only.localName} is not a direct child of the Response`);
  if (only.localName === 'Assertion') ctx.assertion = only;
  else ctx.encryptedAssertion = only;
  const inResponse = ctx.response !== null;
  return () =>
    `one ${only.localName}${inResponse ? ', a direct child of the Response' : ' (the document element)'}`;
}

export function checkSignaturePlacement(ctx: Context): Detail {
  const signatures = censusOf(ctx).signatures;
  const count = signatures.length;
  for (let i = 0; i < count; i++) {
    const parent = (signatures[i] as XmlElement).parent;
    ensure(
      parent !== null && (parent === ctx.response || parent === ctx.assertion),
      () =>
        `a ds:Signature sits in <${parent?.name ?? '(document)'}>, not directly in the Response or the Assertion`,
    );
  }
  const signaturesOf = (el: XmlElement | null) => (el ? childElements(el, DSIG_NS, 'Signature') : []);
  const onResponse = signaturesOf(ctx.response);
  const onAssertion = signaturesOf(ctx.assertion);
  ensure(onResponse.length <= 1, () => `the Response holds ${onResponse.length} signatures`);
  ensure(onAssertion.length <= 1, () => `the Assertion holds ${onAssertion.length} signatures`);
  const responseSignature = (ctx.responseSignature = onResponse[0] ?? null);
  const assertionSignature = (ctx.assertionSignature = onAssertion[0] ?? null);
  const plain = ctx.assertion !== null;
  return () =>
    `${count} signature(s): Response ${responseSignature ? 'signed' : 'unsigned'}, Assertion ${
      plain ? (assertionSignature ? 'signed' : 'unsigned') : 'encrypted'
    }`;
}

export function checkSignaturePresent(ctx: Context): Detail {
  if (ctx.opts.requireSignedAssertion && ctx.assertion) {
    ensure(ctx.assertionSignature, 'the Assertion must carry its own signature (requireSignedAssertion)');
  }
  const { responseSignature, assertionSignature } = ctx;
  if (responseSignature || assertionSignature) {
    return () => {
      const by = [responseSignature && 'Response', assertionSignature && 'Assertion'].filter(Boolean);
      return `covered by the ${by.join(' and ')} signature`;
    };
  }
  ensure(ctx.encryptedAssertion, 'neither the Response nor the Assertion is signed');
  return 'Response unsigned: the decrypted Assertion must carry its own signature (assertion-signed)';
}
