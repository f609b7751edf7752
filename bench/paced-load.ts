/**
 * Open-loop load at a fixed rate, for latency "at N req/s". autocannon's overallRate sends each
 * second's quota back to back and then waits for the next second, so its latencies are those of a
 * saturated server; here request i is due at start + i/rate and its latency is measured from that
 * due time (a late send counts against the server: no coordinated omission, as in wrk2).
 */
import { Agent, request } from 'node:http';

export interface PacedResult {
  sent: number;
  ok: number;
  errors: number;
  /** Wall seconds from the first due time to the last answer. */
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

function send(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', () => resolve(0));
    req.end(body);
  });
}

/** Sends `bodies` to `url` at `rate` per second; resolves when every answer is in. */
export async function pacedLoad(url: string, bodies: readonly Buffer[], rate: number): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL('/', url);
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const start = performance.now() + 20;
  const inFlight: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < bodies.length && start + (next * 1000) / rate <= now) {
        const due = start + (next * 1000) / rate;
        inFlight.push(
          send(agent, target, bodies[next] as Buffer).then((status) => {
            latencies.push(performance.now() - due);
            if (status === 200) ok++;
            else errors++;
          }),
        );
        next++;
      }
      if (next < bodies.length) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN;
  return { sent: bodies.length, ok, errors, seconds, p50: at(0.5), p99: at(0.99), max: at(1) };
}
