import type { IncomingMessage } from 'node:http';

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

export function headerAccess(
  req: IncomingMessage,
): Pick<RpcRequest, 'headerValues' | 'header' | 'headerNames'> {
  const distinct = req.headersDistinct;
  return {
    headerValues: (name) => distinct[name] ?? [],
    header: (name) => distinct[name]?.[0],
    headerNames: Object.keys(distinct),
  };
}
