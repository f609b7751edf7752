import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one gateway process (a registry per app, so tests can run several). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly logins = new Counter({
    name: 'ramgate_logins_total',
    help: 'Sign-ins by kind (role, user, cli) and outcome (success, failure).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly stsCalls = new Counter({
    name: 'ramgate_sts_requests_total',
    help: 'RPC API calls by action and outcome.',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly verifySeconds = new Histogram({
    name: 'ramgate_saml_verification_seconds',
    help: 'Time to verify one SAML response.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: 'ramgate_http_request_seconds',
    help: 'HTTP request duration by route and status class.',
    labelNames: ['route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
