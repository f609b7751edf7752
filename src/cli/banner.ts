/**
 * What `ramgate serve` prints once it listens: the address it actually bound (not the config's
 * baseUrl port), the public base URL when that differs, and in demo mode a link that works plus the
 * CLI command for the demo provider.
 */
import { demoPasswordLine } from './demo-password.js';
import { DEMO_ACCOUNT, DEMO_PROVIDER } from './demo.js';

export interface BannerFacts {
  listenUrl: string;
  baseUrl: string;
  demo: boolean;
}

export function startBanner(f: BannerFacts): string {
  const sameOrigin = new URL(f.listenUrl).origin === new URL(f.baseUrl).origin;
  const lines = [`ramgate is listening on ${f.listenUrl}`];
  if (!sameOrigin)
    lines.push(
      `Public base URL: ${f.baseUrl} (ACS URLs and SP metadata use it; it must reach this listener, e.g. through a proxy)`,
    );
  if (f.demo) {
    lines.push(
      `Demo: open ${f.baseUrl}/ and sign in as alice/alice (two roles) or bob/bob (one role).`,
      `Demo CLI: ramgate login --gateway ${f.baseUrl} --provider ${DEMO_ACCOUNT}:${DEMO_PROVIDER} --profile demo`,
      demoPasswordLine(f.baseUrl),
    );
    if (!sameOrigin)
      lines.push(
        `Warning: the demo signs in through ${f.baseUrl}; if that does not reach ${f.listenUrl}, drop the base URL (--base-url / gateway.baseUrl) to use the demo here.`,
      );
  }
  return `${lines.join('\n')}\n`;
}
