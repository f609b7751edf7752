/** HTTP from a chosen loopback source address (127.0.0.2, …): another client, as the gateway sees it. */
import { request, type Agent } from 'node:http';

export type AddressedAnswer = { status: number; location: string | undefined; body: string };

/** GET `url` (POST `form` when given) from `localAddress`; `agent` keeps connections open (benchmarks). */
export function fromAddress(
  localAddress: string,
  url: string,
  form?: Record<string, string>,
  agent?: Agent,
): Promise<AddressedAnswer> {
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body ? 'POST' : 'GET',
        localAddress,
        ...(agent ? { agent } : {}),
        headers: body
          ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
          : {},
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}
