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
  private stringCache: readonly string[] | undefined;

  constructor(private readonly raw: readonly ContextValue[]) {}

  get strings(): readonly string[] {
    return (this.stringCache ??= this.raw.every((v) => typeof v === 'string')
      ? (this.raw as readonly string[])
      : this.raw.map(contextString));
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
  /** The service part of the action (before the first ":"). */
  readonly service: string;
  readonly resource: string;
  private keys: Map<string, ContextEntry | ContextValue | readonly ContextValue[]> | undefined;

  constructor(private readonly request: AccessRequest) {
    this.action = request.action.toLowerCase();
    const colon = this.action.indexOf(':');
    this.service = colon < 0 ? this.action : this.action.slice(0, colon);
    this.resource = request.resource;
  }

  /** The values of a condition key (already lower-case), or undefined when the request lacks it. */
  lookup(lowerKey: string): ContextEntry | undefined {
    const keys = (this.keys ??= foldKeys(this.request.context));
    const value = keys.get(lowerKey);
    if (value === undefined || value instanceof ContextEntry) return value;
    // Typed views are built only for keys a condition actually reads.
    const list = Array.isArray(value) ? (value as readonly ContextValue[]) : [value as ContextValue];
    // An empty list means the key is absent, as it is for a missing key.
    const entry = list.length > 0 ? new ContextEntry(list) : undefined;
    if (entry) keys.set(lowerKey, entry);
    else keys.delete(lowerKey);
    return entry;
  }
}

function foldKeys(
  context: AccessRequest['context'],
): Map<string, ContextEntry | ContextValue | readonly ContextValue[]> {
  const keys = new Map<string, ContextEntry | ContextValue | readonly ContextValue[]>();
  if (!context) return keys;
  for (const key of Object.keys(context)) {
    const value = context[key];
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (keys.has(lower))
      throw new TypeError(`request context has the key "${lower}" twice (keys are case-insensitive)`);
    keys.set(lower, value);
  }
  return keys;
}

export function prepareRequest(request: AccessRequest | PreparedRequest): PreparedRequest {
  return request instanceof PreparedRequest ? request : new PreparedRequest(request);
}

/** A context value as text; an invalid Date becomes "" (it matches no string or address condition). */
function contextString(value: ContextValue): string {
  if (!(value instanceof Date)) return String(value);
  return Number.isNaN(value.getTime()) ? '' : value.toISOString();
}
