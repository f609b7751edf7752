/**
 * Who the client is and whether it reached us over TLS, derived once per request from the socket
 * and, only when the socket's peer is a trusted proxy, from `Forwarded` (RFC 7239) or
 * `X-Forwarded-For` / `X-Forwarded-Proto`. The hops are read right to left; the right-most
 * address that is not itself a trusted proxy is the client. A peer that is not trusted is the
 * client whatever its headers claim. The result feeds `acs:SourceIp`, `acs:SecureTransport`,
 * rate limits, the audit log and Koa's `ctx.ip` / `ctx.secure` (Secure cookies).
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { cidrContains, parseCidr, parseIp, type Cidr } from '../core/policy/ip.js';

export interface Transport {
  /** The client's address as text (IPv4-mapped IPv6 written as IPv4). */
  clientIp: string;
  /** The client's connection was TLS: to us directly, or to the trusted proxy that says so. */
  secure: boolean;
}

/** At most this many hops are read from the forwarding headers; the rest (to the left) are ignored. */
const MAX_HOPS = 32;

/** The addresses whose forwarding headers are believed (`--trust-proxy`). */
export class TrustedProxies {
  private readonly blocks: readonly Cidr[];

  /** CIDR blocks or single addresses; throws on anything else, naming it and where it came from. */
  constructor(
    readonly cidrs: readonly string[] = [],
    source = '--trust-proxy',
  ) {
    this.blocks = cidrs.map((text) => {
      const block = parseCidr(text.trim());
      if (!block) throw new Error(`${source}: "${text.slice(0, 64)}" is not an IP address or CIDR block`);
      return block;
    });
  }

  /** `10.0.0.0/8, 127.0.0.1` → a list; empty or absent → trust nobody. */
  static parse(list: string | readonly string[] | undefined, source?: string): TrustedProxies {
    const items = typeof list === 'string' ? list.split(',') : (list ?? []);
    return new TrustedProxies(items.map((s) => s.trim()).filter(Boolean), source);
  }

  get empty(): boolean {
    return this.blocks.length === 0;
  }

  trusts(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && this.blocks.some((block) => cidrContains(block, ip));
  }
}

/** One hop of a forwarding header: the address it names (undefined when obfuscated or malformed). */
interface Hop {
  address: string | undefined;
  proto: string | undefined;
}

const derived = new WeakMap<IncomingMessage, Transport>();

/** Derives the request's transport facts once, under the given trust, for every later reader. */
export function attachTransport(req: IncomingMessage, trust: TrustedProxies): Transport {
  const transport = deriveTransport(req, trust);
  derived.set(req, transport);
  return transport;
}

/** The facts attached to this request, or (a server without trusted proxies) those of its socket. */
export function transportOf(req: IncomingMessage): Transport {
  return derived.get(req) ?? deriveTransport(req, NO_PROXIES);
}

const NO_PROXIES = new TrustedProxies();

export function deriveTransport(req: IncomingMessage, trust: TrustedProxies): Transport {
  const peer = normalize(req.socket.remoteAddress ?? '');
  const direct = { clientIp: peer, secure: (req.socket as Partial<TLSSocket>).encrypted === true };
  if (trust.empty || !trust.trusts(peer)) return direct;
  const hops = forwardedHops(req);
  if (hops.length === 0) {
    // A trusted peer's own request (a health check), or a proxy that sends only X-Forwarded-Proto.
    const proto = lastValue(req.headersDistinct['x-forwarded-proto']);
    return proto === undefined ? direct : { clientIp: peer, secure: proto === 'https' };
  }
  // Right to left: each hop was written by the proxy to its right, which we trust so far.
  let client = peer;
  let proto = hops[hops.length - 1]?.proto;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as Hop;
    // An obfuscated or malformed hop: its writer (trusted) could not say; stop at the writer.
    if (hop.address === undefined) break;
    client = hop.address;
    proto = hop.proto ?? proto;
    if (!trust.trusts(hop.address)) break;
  }
  return { clientIp: client, secure: proto === undefined ? direct.secure : proto === 'https' };
}

/** The hops of `Forwarded` when present, else of `X-Forwarded-For` with `X-Forwarded-Proto` aligned right. */
function forwardedHops(req: IncomingMessage): Hop[] {
  const headers = req.headersDistinct;
  const forwarded = headers['forwarded'];
  if (forwarded) return splitList(forwarded).map(parseForwardedElement);
  const forwardedFor = headers['x-forwarded-for'];
  if (!forwardedFor) return [];
  const addresses = splitList(forwardedFor);
  const protos = splitList(headers['x-forwarded-proto'] ?? []).map((p) => p.toLowerCase());
  // X-Forwarded-Proto usually holds one value (the edge proxy's scheme): it belongs to the client's hop.
  return addresses.map((text, i) => ({
    address: hopAddress(text),
    proto: protos.length === addresses.length ? protos[i] : protos[protos.length - 1],
  }));
}

/** Comma-separated values of every instance of a header, the right-most MAX_HOPS of them. */
function splitList(values: readonly string[]): string[] {
  const items = values.flatMap((v) => v.split(',')).map((s) => s.trim());
  return items.slice(-MAX_HOPS);
}

function lastValue(values: readonly string[] | undefined): string | undefined {
  const items = splitList(values ?? []);
  return items.length ? items[items.length - 1]?.toLowerCase() : undefined;
}

/** `for=192.0.2.60;proto=https;by=…` (quoted values allowed). */
function parseForwardedElement(element: string): Hop {
  let address: string | undefined;
  let proto: string | undefined;
  for (const pair of element.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    const value = unquote(pair.slice(eq + 1).trim());
    if (key === 'for') address = hopAddress(value);
    else if (key === 'proto') proto = value.toLowerCase();
  }
  return { address, proto };
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`, `2001:db8::1` → the address; else undefined. */
function hopAddress(text: string): string | undefined {
  let candidate = text;
  if (candidate.startsWith('[')) {
    const close = candidate.indexOf(']');
    if (close < 0) return undefined;
    candidate = candidate.slice(1, close);
  } else if (/^[0-9.]+:\d+$/.test(candidate)) {
    candidate = candidate.slice(0, candidate.indexOf(':'));
  }
  return parseIp(candidate) ? normalize(candidate) : undefined;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`; everything else as written. */
function normalize(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * Koa's `ctx.ip`, `ctx.protocol` and `ctx.secure` (and so Secure cookies) from the derived facts,
 * instead of Koa's all-or-nothing `proxy` switch. Defined on this app's request prototype only.
 */
export function useTransportInKoa(request: object): void {
  type WithReq = { req: IncomingMessage };
  Object.defineProperties(request, {
    ip: {
      configurable: true,
      get(this: WithReq) {
        return transportOf(this.req).clientIp;
      },
      set() {
        // The client address is derived from the socket and trusted proxies only.
      },
    },
    protocol: {
      configurable: true,
      get(this: WithReq) {
        return transportOf(this.req).secure ? 'https' : 'http';
      },
    },
  });
}
