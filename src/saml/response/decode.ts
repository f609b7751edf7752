/** Byte-level steps that run before anything parses the input: size, base64, prolog. */
import { type Detail, ensure } from './pipeline.js';

export const DEFAULT_MAX_INPUT_LENGTH = 256 * 1024;

const LINE_BREAKS = /[\r\n]/g;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function checkSize(input: string, max: number): Detail {
  ensure(input.length > 0, 'the response is empty');
  ensure(input.length <= max, () => `the response is ${input.length} characters, over the cap of ${max}`);
  return () => `${input.length} ≤ ${max} characters`;
}

/**
 * Strict base64: the standard alphabet, correct padding, nothing else. Line breaks (RFC 2045 wrapping,
 * which some IdPs emit) are the only tolerated extra characters.
 */
export function decodeBase64Strict(input: string): string {
  const body = input.includes('\n') || input.includes('\r') ? input.replace(LINE_BREAKS, '') : input;
  ensure(body.length % 4 === 0, () => `base64 length ${body.length} is not a multiple of 4`);
  const bytes = Buffer.from(body, 'base64');
  // Node's decoder skips junk silently; re-encoding must give back exactly the input (alphabet, padding, bits).
  ensure(
    bytes.toString('base64') === body,
    'base64 contains characters outside the standard alphabet, misplaced padding or non-zero trailing bits',
  );
  return decodeUtf8Strict(bytes);
}

export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    ensure(false, 'the decoded response is not valid UTF-8');
  }
}

const XML_DECLARATION = /^\uFEFF?<\?xml\s[^?]*\?>/;

/**
 * No DOCTYPE or ENTITY anywhere, and no processing instruction except a leading XML declaration.
 * Checked on the raw text so that no parser ever sees such input.
 */
export function checkProlog(xml: string): string {
  // Markup declarations: every '<!' must open a comment or a CDATA section.
  for (let i = xml.indexOf('<!'); i !== -1; i = xml.indexOf('<!', i + 2)) {
    if (xml.startsWith('<!--', i) || xml.startsWith('<![CDATA[', i)) continue;
    const what = /^<!(\w*)/.exec(xml.slice(i, i + 12))?.[1] ?? '';
    ensure(false, () => `the document contains a <!${what} declaration at offset ${i}`);
  }
  const declaration = XML_DECLARATION.exec(xml);
  const start = declaration ? declaration[0].length : 0;
  const pi = xml.indexOf('<?', start);
  ensure(pi === -1, () => `the document contains a processing instruction at offset ${pi}`);
  return declaration
    ? 'XML declaration only; no DOCTYPE, ENTITY or PI'
    : 'no declaration, DOCTYPE, ENTITY or PI';
}
