import { parseIp, type IpAddr } from './ip.js';
import { toBoolString, toEpochMillis, toNumber } from './values.js';

/** A value of a request context key. Dates may be given as Date objects or ISO 8601 strings. */
export type ContextValue = string | number | boolean | Date;

export interface AccessRequest {
  /** `<service>:<ActionName>`, compared case-insensitively. */
  readonly action: string;
  /** `acs:<service>:<region>:<account>:<relative-id>`, compared case-sensitively. */
  readonly resource: string;
  /** Condition keys (case-insensitive) to one value or several (a multi-valued key). */
  readonly context?: Readonly<Record<string, ContextValue | readonly ContextValue[] | undefined>>;
}

/**
 * The values of one context key, with each typed view computed on first use and kept, so that
 * twenty policies testing `acs:SourceIp` parse the address once per request.
 */
export class ContextEntry {
  private lowerCache: readonly string[] | undefined;
  private numberCache: readonly number[] | undefined;
  private dateCache: readonly number[] | undefined;
  private boolCache: readonly (string | undefined)[] | undefined;
  private ipCache: readonly (IpAddr | undefined)[] | undefined;
  readonly strings: readonly string[];

  constructor(private readonly raw: readonly ContextValue[]) {
    this.strings = raw.map((v) => (v instanceof Date ? v.toISOString() : String(v)));
  }

  get lower(): readonly string[] {
    return (this.lowerCache ??= this.strings.map((s) => s.toLowerCase()));
  }
  get numbers(): readonly number[] {
    return (this.numberCache ??= this.raw.map(toNumber));
  }
  get dates(): readonly number[] {
    return (this.dateCache ??= this.raw.map(toEpochMillis));
  }
  get bools(): readonly (string | undefined)[] {
    return (this.boolCache ??= this.raw.map(toBoolString));
  }
  get ips(): readonly (IpAddr | undefined)[] {
    return (this.ipCache ??= this.strings.map(parseIp));
  }
}

/** A request with its action lower-cased and its context keys folded, ready for many evaluations. */
export class PreparedRequest {
  readonly action: string;
  readonly resource: string;
  private entries: Map<string, ContextEntry> | undefined;

  constructor(private readonly request: AccessRequest) {
    this.action = request.action.toLowerCase();
    this.resource = request.resource;
  }

  /** The values of a condition key (already lower-case), or undefined when the request lacks it. */
  lookup(lowerKey: string): ContextEntry | undefined {
    return (this.entries ??= buildEntries(this.request.context)).get(lowerKey);
  }
}

function buildEntries(context: AccessRequest['context']): Map<string, ContextEntry> {
  const entries = new Map<string, ContextEntry>();
  if (!context) return entries;
  for (const key of Object.keys(context)) {
    const value = context[key];
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (entries.has(lower))
      throw new TypeError(`request context has the key "${lower}" twice (keys are case-insensitive)`);
    const list = Array.isArray(value) ? (value as readonly ContextValue[]) : [value as ContextValue];
    // An empty list means the key is absent, as it is for a missing key.
    if (list.length > 0) entries.set(lower, new ContextEntry(list));
  }
  return entries;
}

export function prepareRequest(request: AccessRequest | PreparedRequest): PreparedRequest {
  return request instanceof PreparedRequest ? request : new PreparedRequest(request);
}
