/** Byte-level steps that run before anything parses the input: size, base64, prolog. */
import { ensure } from './pipeline.js';

export const DEFAULT_MAX_INPUT_LENGTH = 256 * 1024;

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;
const LINE_BREAKS = /[\r\n]/g;

export function checkSize(input: string, max: number): string {
  ensure(input.length > 0, 'the response is empty');
  ensure(input.length <= max, `the response is ${input.length} characters, over the cap of ${max}`);
  return `${input.length} ≤ ${max} characters`;
}

/**
 * Strict base64: the standard alphabet, correct padding, nothing else. Line breaks (RFC 2045 wrapping,
 * which some IdPs emit) are the only tolerated extra characters.
 */
export function decodeBase64Strict(input: string): string {
  const body = input.includes('\n') || input.includes('\r') ? input.replace(LINE_BREAKS, '') : input;
  ensure(body.length % 4 === 0, `base64 length ${body.length} is not a multiple of 4`);
  ensure(
    BASE64_BODY.test(body),
    'base64 contains characters outside the standard alphabet or misplaced padding',
  );
  const bytes = Buffer.from(body, 'base64');
  return decodeUtf8Strict(bytes);
}

export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
  ensure(!/<!DOCTYPE/i.test(xml), 'the document contains a DOCTYPE declaration');
  ensure(!/<!ENTITY/i.test(xml), 'the document contains an ENTITY declaration');
  const declaration = XML_DECLARATION.exec(xml);
  const start = declaration ? declaration[0].length : 0;
  const pi = xml.indexOf('<?', start);
  ensure(pi === -1, `the document contains a processing instruction at offset ${pi}`);
  return declaration
    ? 'XML declaration only; no DOCTYPE, ENTITY or PI'
    : 'no declaration, DOCTYPE, ENTITY or PI';
}
