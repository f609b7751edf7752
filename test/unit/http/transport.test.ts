/** Client address and TLS facts from the socket and trusted proxies (src/http/transport.ts), as an attacker would probe them. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { deriveTransport, TrustedProxies } from '../../../src/http/transport.js';

function request(peer: string, headers: Record<string, string | string[]> = {}, encrypted = false) {
  const headersDistinct = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]),
  );
  return { socket: { remoteAddress: peer, encrypted }, headersDistinct } as unknown as IncomingMessage;
}

const proxies = TrustedProxies.parse('10.0.0.0/8, 127.0.0.1, fd00::/8');

describe('deriveTransport', () => {
  it('uses the socket when no proxy is trusted, whatever the headers claim', () => {
    const forged = {
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      forwarded: 'for=1.2.3.4;proto=https',
    };
    expect(deriveTransport(request('198.51.100.7', forged), new TrustedProxies())).toEqual({
      clientIp: '198.51.100.7',
      secure: false,
    });
    expect(deriveTransport(request('::ffff:198.51.100.7', {}, true), new TrustedProxies())).toEqual({
      clientIp: '198.51.100.7',
      secure: true,
    });
  });

  it('ignores forwarding headers from a peer outside the trusted blocks', () => {
    const forged = { 'x-forwarded-for': '10.1.1.1', 'x-forwarded-proto': 'https' };
    expect(deriveTransport(request('11.0.0.1', forged), proxies)).toEqual({
      clientIp: '11.0.0.1',
      secure: false,
    });
    // A TLS socket stays secure: a forged "http" cannot downgrade it either.
    expect(deriveTransport(request('11.0.0.1', { 'x-forwarded-proto': 'http' }, true), proxies).secure).toBe(
      true,
    );
  });

  it('takes the right-most untrusted hop of X-Forwarded-For as the client', () => {
    // The client forged "6.6.6.6"; the edge proxy appended the address it saw, an inner proxy its own.
    const xff = { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.5', 'x-forwarded-proto': 'https' };
    expect(deriveTransport(request('127.0.0.1', xff), proxies)).toEqual({
      clientIp: '198.51.100.7',
      secure: true,
    });
    // Several header lines are one list.
    const lines = { 'x-forwarded-for': ['6.6.6.6', '198.51.100.7, 10.0.0.5'] };
    expect(deriveTransport(request('::ffff:127.0.0.1', lines), proxies).clientIp).toBe('198.51.100.7');
  });

  it('reads Forwarded (RFC 7239) before X-Forwarded-*, with ports, quotes and IPv6', () => {
    const headers = {
      forwarded: 'for=6.6.6.6;proto=http, for="[2001:db8::7]:4711";proto=https, for=10.0.0.5:80;proto=http',
      'x-forwarded-for': '203.0.113.1',
    };
    expect(deriveTransport(request('10.9.9.9', headers), proxies)).toEqual({
      clientIp: '2001:db8::7',
      secure: true,
    });
    expect(
      deriveTransport(request('10.9.9.9', { forwarded: 'for=198.51.100.7:1234' }), proxies).clientIp,
    ).toBe('198.51.100.7');
  });

  it('stops at an obfuscated or malformed hop and keeps the trusted proxy that wrote it', () => {
    const headers = { forwarded: 'for=6.6.6.6, for=unknown, for=10.0.0.5' };
    expect(deriveTransport(request('10.9.9.9', headers), proxies).clientIp).toBe('10.0.0.5');
    expect(deriveTransport(request('10.9.9.9', { 'x-forwarded-for': 'garbage' }), proxies).clientIp).toBe(
      '10.9.9.9',
    );
  });

  it('reports http from a trusted proxy as not secure, and a trusted peer without headers as itself', () => {
    expect(
      deriveTransport(
        request('10.0.0.2', { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'http' }),
        proxies,
      ),
    ).toEqual({
      clientIp: '198.51.100.7',
      secure: false,
    });
    expect(deriveTransport(request('10.0.0.2'), proxies)).toEqual({ clientIp: '10.0.0.2', secure: false });
    expect(deriveTransport(request('10.0.0.2', { 'x-forwarded-proto': 'https' }), proxies)).toEqual({
      clientIp: '10.0.0.2',
      secure: true,
    });
  });

  it('when every hop is trusted, the left-most one is the client', () => {
    expect(
      deriveTransport(request('10.0.0.2', { 'x-forwarded-for': '10.0.0.9, 10.0.0.3' }), proxies).clientIp,
    ).toBe('10.0.0.9');
  });

  it('reads at most 32 hops from the right', () => {
    const many = Array.from({ length: 40 }, (_, i) => `10.0.1.${i}`);
    many[0] = '198.51.100.1'; // beyond the 32 right-most: never read
    expect(
      deriveTransport(request('10.0.0.2', { 'x-forwarded-for': many.join(',') }), proxies).clientIp,
    ).toBe('10.0.1.8');
  });
});

describe('TrustedProxies', () => {
  it('refuses what is not an address or CIDR block, naming it', () => {
    expect(() => TrustedProxies.parse('10.0.0.0/8, 10.0.0.0/33')).toThrow(/"10.0.0.0\/33"/);
    expect(() => TrustedProxies.parse('localhost')).toThrow(/not an IP address/);
    expect(TrustedProxies.parse('').empty).toBe(true);
  });

  it('matches IPv4-mapped IPv6 peers against IPv4 blocks', () => {
    expect(proxies.trusts('::ffff:10.2.3.4')).toBe(true);
    expect(proxies.trusts('fd12::1')).toBe(true);
    expect(proxies.trusts('fe80::1')).toBe(false);
  });
});
