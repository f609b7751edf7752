/**
 * The browser leg of `ramgate login`: loopback listener → browser at the gateway's /cli/login
 * (state + S256 challenge) → IdP → gateway → listener gets a one-time code → POST /cli/token with
 * the verifier. Nothing is written here; the caller stores the result once it has it.
 */
import { randomBytes } from 'node:crypto';
import { s256 } from '../core/pkce.js';
import { gatewayBase, getFromGateway, postToGateway, type CliIo, type LoginResult } from './cli-io.js';
import { startLoopbackListener } from './loopback.js';

export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface BrowserLoginParams {
  gateway: string;
  provider?: string | undefined;
  account?: string | undefined;
  role?: string | undefined;
  duration?: number | undefined;
  noBrowser?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export function cliLoginUrl(
  params: BrowserLoginParams,
  binding: { redirectUri: string; state: string; challenge: string },
): string {
  const url = new URL(`${gatewayBase(params.gateway)}/cli/login`);
  if (params.provider) url.searchParams.set('provider', params.provider);
  if (params.account) url.searchParams.set('account', params.account);
  if (params.role) url.searchParams.set('role', params.role);
  if (params.duration !== undefined) url.searchParams.set('duration', String(params.duration));
  url.searchParams.set('cli_redirect', binding.redirectUri);
  url.searchParams.set('cli_state', binding.state);
  url.searchParams.set('cli_challenge', binding.challenge);
  url.searchParams.set('cli_challenge_method', 'S256');
  return url.href;
}

function isLoginResult(value: unknown): value is LoginResult {
  const v = value as Partial<LoginResult> | undefined;
  return (
    typeof v?.Credentials?.AccessKeyId === 'string' &&
    typeof v.Credentials.AccessKeySecret === 'string' &&
    typeof v.Credentials.SecurityToken === 'string' &&
    typeof v.Credentials.Expiration === 'string'
  );
}

/** Before a browser opens: the gateway answers and knows the provider (else the error, in the terminal). */
export async function checkGatewayAndProvider(
  params: BrowserLoginParams,
  signal?: AbortSignal,
): Promise<void> {
  const url = new URL(`${gatewayBase(params.gateway)}/cli/check`);
  if (params.provider) url.searchParams.set('provider', params.provider);
  if (params.account) url.searchParams.set('account', params.account);
  await getFromGateway(url.href, signal);
}

export async function browserLogin(params: BrowserLoginParams, io: CliIo): Promise<LoginResult> {
  if (!params.provider)
    throw new Error('--provider is required (a SAML provider name, <account>:<name>, or its ARN).');
  await checkGatewayAndProvider(params, io.signal);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(24).toString('base64url');
  const listener = await startLoopbackListener(state);
  try {
    const url = cliLoginUrl(params, { redirectUri: listener.redirectUri, state, challenge: s256(verifier) });
    if (params.noBrowser) {
      io.err(`Open this URL in a browser to sign in:\n\n  ${url}\n\n`);
    } else {
      io.err(`Opening your browser to sign in. If it does not open, visit:\n\n  ${url}\n\n`);
      await io
        .openUrl(url)
        .catch((error: unknown) =>
          io.err(`Could not open a browser (${(error as Error).message}); open the URL above yourself.\n`),
        );
    }
    io.err('Waiting for the sign-in to complete (Ctrl-C to cancel)…\n');
    const code = await listener.waitForCode(params.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS, io.signal);
    io.err('Signed in; fetching the temporary credentials…\n');
    const result = await postToGateway(
      `${gatewayBase(params.gateway)}/cli/token`,
      { code, code_verifier: verifier },
      io.signal,
    );
    if (!isLoginResult(result)) throw new Error('The gateway answered /cli/token without credentials.');
    return result;
  } finally {
    await listener.close();
  }
}
