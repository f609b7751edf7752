import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../core/errors.js';
import type { RpcLimits } from './types.js';

export const DEFAULT_LIMITS: RpcLimits = {
  maxBodyBytes: 256 * 1024,
  maxParameters: 200,
  maxParameterNameLength: 128,
};

/** Reads the whole body, refusing more than `limit` bytes (by Content-Length first, then while streaming). */
export function readBodyWithinLimit(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(
      new ApiError(
        'RequestTooLarge',
        `The request body (${declared} bytes) exceeds the limit of ${limit} bytes.`,
      ),
    );
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // Plain listeners rather than `for await`: the async iterator costs more than the copy on small bodies.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        reject(new ApiError('RequestTooLarge', `The request body exceeds the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => onError(new Error('the connection closed before the body was complete'));
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      req.pause();
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function decodeComponent(text: string, where: string): string {
  const spaced = text.indexOf('+') < 0 ? text : text.replace(/\+/g, ' ');
  const ascii = decodeAsciiEscapes(spaced);
  if (ascii !== undefined) return ascii;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new ApiError(
      'InvalidParameter',
      `The ${where} contains malformed percent-encoding: "${text.slice(0, 64)}".`,
    );
  }
}

const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_DIGIT['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/**
 * Percent-decoding when every escape is a whole ASCII character (%00–%7F), as in a percent-encoded
 * base64 SAMLAssertion: the text between escapes is copied in slices, which costs about half of
 * `decodeURIComponent`'s character-by-character pass on such values. Undefined for anything else
 * (multi-byte UTF-8 or malformed escapes), which `decodeURIComponent` then decodes or refuses.
 */
export function decodeAsciiEscapes(text: string): string | undefined {
  let at = text.indexOf('%');
  if (at < 0) return text;
  let decoded = '';
  let from = 0;
  while (at >= 0) {
    const high = HEX_DIGIT[text.charCodeAt(at + 1)] ?? -1;
    const low = HEX_DIGIT[text.charCodeAt(at + 2)] ?? -1;
    if (high < 0 || low < 0 || high > 7) return undefined;
    decoded += text.slice(from, at) + String.fromCharCode((high << 4) | low);
    from = at + 3;
    at = text.indexOf('%', from);
  }
  return decoded + text.slice(from);
}

/** Anything but printable ASCII must arrive percent-encoded (UTF-8); anchored, it scans twice as fast as /[^\x21-\x7e]/. */
const ALL_PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * Parses `a=1&b=2` (query string or x-www-form-urlencoded body) strictly: malformed
 * percent-encoding, invalid UTF-8, empty names and repeated names are refused.
 */
export function parseParameterString(text: string, where: 'query string' | 'form body', limits: RpcLimits) {
  const params = new Map<string, string>();
  if (text === '') return params;
  if (!ALL_PRINTABLE_ASCII.test(text)) {
    throw new ApiError('InvalidParameter', `The ${where} contains characters that must be percent-encoded.`);
  }
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), where);
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), where);
    if (name === '')
      throw new ApiError('InvalidParameter', `The ${where} contains a parameter without a name.`);
    if (name.length > limits.maxParameterNameLength) {
      throw new ApiError('InvalidParameter', `The parameter name "${name.slice(0, 64)}…" is too long.`);
    }
    if (params.has(name))
      throw new ApiError('InvalidParameter', `The parameter "${name}" is repeated in the ${where}.`);
    params.set(name, value);
    if (params.size > limits.maxParameters) {
      throw new ApiError('RequestTooLarge', `The request has more than ${limits.maxParameters} parameters.`);
    }
  }
  return params;
}

/** Query and form merged; a name present in both is refused (which one would the signer have meant?). */
export function mergeParameters(query: Map<string, string>, form: Map<string, string>, limits: RpcLimits) {
  const merged = new Map(query);
  for (const [name, value] of form) {
    if (merged.has(name)) {
      throw new ApiError(
        'InvalidParameter',
        `The parameter "${name}" is given both in the query string and the form body.`,
      );
    }
    merged.set(name, value);
  }
  if (merged.size > limits.maxParameters) {
    throw new ApiError('RequestTooLarge', `The request has more than ${limits.maxParameters} parameters.`);
  }
  return merged;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The form parameters of the body; a non-empty body must be a UTF-8 form. */
export function parseFormBody(body: Buffer, contentType: string | undefined, limits: RpcLimits) {
  if (body.length === 0) return new Map<string, string>();
  const [mediaType = '', ...attributes] = (contentType ?? '')
    .split(';')
    .map((part) => part.trim().toLowerCase());
  if (mediaType !== FORM_TYPE) {
    throw new ApiError(
      'InvalidParameter',
      `The request body must be ${FORM_TYPE}, not "${contentType ?? 'none'}".`,
    );
  }
  const charset = attributes.find((attribute) => attribute.startsWith('charset='));
  if (charset !== undefined && charset !== 'charset=utf-8') {
    throw new ApiError('InvalidParameter', `The form body must be UTF-8, not ${charset}.`);
  }
  return parseParameterString(body.toString('latin1'), 'form body', limits);
}
