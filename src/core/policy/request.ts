import { parseIp, type IpAddr } from './ip.js';
import { resourceHead } from './statement-index.js';
import { toBoolString, toEpochMillis, toNumber } from './values.js';

/** A value of a request context key. Dates may be given as Date objects or ISO 8601 strings. */
export type ContextValue = string | number | boolean | Date;

export interface AccessRequest {
  /** `<service>:<ActionName>`, compared case-insensitively. */
  readonly action: string;
  /**
   * `acs:<service>:<region>:<account>:<relative-id>`, compared case-sensitively, except RAM's own
   * resources (`acs:ram:…`), whose names are case-insensitive as RAM names are.
   */
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

/**
 * Does `key` lower-case to `lower` (itself a lower-cased text)? ASCII is compared char by char;
 * anything else is lower-cased for real. Lower-casing never shortens a text and lengthens it only
 * for U+0130 (İ → i̇), so a key of another length can match only through that letter.
 */
function foldsTo(key: string, lower: string): boolean {
  const n = key.length;
  if (n !== lower.length) return n < lower.length && key.includes('\u0130') && key.toLowerCase() === lower;
  for (let i = 0; i < n; i++) {
    const a = key.charCodeAt(i);
    const b = lower.charCodeAt(i);
    if (a === b) continue;
    if (a >= 0x80 || b >= 0x80) return key.toLowerCase() === lower;
    if (a < 0x41 || a > 0x5a || a + 0x20 !== b) return false;
  }
  return true;
}

const RAM_PREFIX = 'acs:ram:';

function isRamResource(resource: string): boolean {
  return (
    resource.length > RAM_PREFIX.length &&
    (resource.startsWith(RAM_PREFIX) || resource.slice(0, RAM_PREFIX.length).toLowerCase() === RAM_PREFIX)
  );
}

type RawValue = ContextValue | readonly ContextValue[] | undefined;

/**
 * A request ready for many evaluations: its action lower-cased, its resource head and each
 * context key read by a condition worked out on first use and kept.
 */
export class PreparedRequest {
  /** The action as given (the statement index remembers actions in this spelling). */
  readonly rawAction: string;
  readonly resource: string;
  /** The resource lower-cased when it is a RAM resource (matched case-insensitively), else undefined. */
  readonly foldedResource: string | undefined;
  private lowerAction: string | undefined;
  private head: string | undefined | null = null;
  private keys: readonly string[] | undefined;
  private entries: (ContextEntry | undefined)[] | undefined;

  constructor(private readonly request: AccessRequest) {
    this.rawAction = request.action;
    this.resource = request.resource;
    this.foldedResource = isRamResource(request.resource) ? request.resource.toLowerCase() : undefined;
  }

  /** The action, lower-case. */
  get action(): string {
    return (this.lowerAction ??= this.rawAction.toLowerCase());
  }

  /** See resourceHead() in statement-index.ts (lower-case: the index files heads case-folded). */
  get resourceHead(): string | undefined {
    if (this.head === null) this.head = resourceHead(this.resource)?.toLowerCase();
    return this.head;
  }

  /**
   * The values of a condition key (already lower-case), or undefined when the request lacks it.
   * A key given twice in different case is a programming error of the caller.
   */
  lookup(lowerKey: string): ContextEntry | undefined {
    const context = this.request.context;
    if (!context) return undefined;
    const keys = (this.keys ??= Object.keys(context));
    let found = -1;
    for (let i = 0; i < keys.length; i++) {
      if (!foldsTo(keys[i] as string, lowerKey) || context[keys[i] as string] === undefined) continue;
      if (found >= 0)
        throw new TypeError(`request context has the key "${lowerKey}" twice (keys are case-insensitive)`);
      found = i;
    }
    if (found < 0) return undefined;
    const entries = (this.entries ??= []);
    return (entries[found] ??= toEntry(context[keys[found] as string]));
  }
}

/** Typed views are built only for keys a condition actually reads; an empty list is an absent key. */
function toEntry(value: RawValue): ContextEntry | undefined {
  const list = Array.isArray(value) ? (value as readonly ContextValue[]) : [value as ContextValue];
  return list.length > 0 ? new ContextEntry(list) : undefined;
}

export function prepareRequest(request: AccessRequest | PreparedRequest): PreparedRequest {
  return request instanceof PreparedRequest ? request : new PreparedRequest(request);
}

/** A context value as text; an invalid Date becomes "" (it matches no string or address condition). */
function contextString(value: ContextValue): string {
  if (!(value instanceof Date)) return String(value);
  return Number.isNaN(value.getTime()) ? '' : value.toISOString();
}
