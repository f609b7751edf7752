import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../core/errors.js';

/** What the signature checks need of one request, read once from Node's message. */
export type RpcRequest = {
  method: string;
  query: ReadonlyMap<string, string>;
  form: ReadonlyMap<string, string>;
  /** Query and form merged. */
  params: ReadonlyMap<string, string>;
  body: Buffer;
  /** Every value of a header (lower-case name); empty when absent. */
  headerValues: (name: string) => string[];
  /** First value of a header, if present. */
  header: (name: string) => string | undefined;
  headerNames: readonly string[];
};

/** Headers the adapter interprets or signs: one value each, or the request is ambiguous. */
function mustBeSingle(name: string): boolean {
  return name.startsWith('x-acs-') || name === 'authorization' || name === 'content-type' || name === 'host';
}

export function headerAccess(
  req: IncomingMessage,
): Pick<RpcRequest, 'headerValues' | 'header' | 'headerNames'> {
  const distinct = req.headersDistinct;
  for (const [name, values] of Object.entries(distinct)) {
    if (values !== undefined && values.length > 1 && mustBeSingle(name)) {
      throw new ApiError('InvalidParameter', `The header "${name}" is repeated.`);
    }
  }
  return {
    headerValues: (name) => distinct[name] ?? [],
    header: (name) => distinct[name]?.[0],
    headerNames: Object.keys(distinct),
  };
}
