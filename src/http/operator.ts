/**
 * Who may read the operator endpoints (`/metrics`): with an operator listener of their own
 * (`--operator-listen`) they leave the public listener and are open there; with a bearer token
 * (`RAMGATE_OPERATOR_TOKEN` / `--operator-token-file`) every request must carry it; with neither,
 * the documented default, only loopback clients (as derived under `--trust-proxy`) are answered.
 */
import type { Context } from 'koa';
import { constantTimeEqual } from '../core/constant-time.js';
import { ApiError } from '../core/errors.js';
import { parseCidr, parseIp, cidrContains } from '../core/policy/ip.js';

export interface OperatorAccess {
  /** Bearer token required on the operator endpoints. */
  token?: string | undefined;
  /** The operator endpoints are served on their own listener, not on the public one. */
  separateListener?: boolean;
}

/** Which listener is asking. */
export type ListenerRole = 'public' | 'operator';

const LOOPBACK = ['127.0.0.0/8', '::1/128'].map((c) => parseCidr(c)).filter((c) => c !== undefined);

function isLoopback(address: string): boolean {
  const ip = parseIp(address);
  return ip !== undefined && LOOPBACK.some((block) => cidrContains(block, ip));
}

/**
 * Answers the request itself (404, or 401 with a Bearer challenge) and returns false when it may
 * not read an operator endpoint on this listener.
 */
export function admitOperator(ctx: Context, access: OperatorAccess, role: ListenerRole): boolean {
  const refusal = operatorRefusal(ctx, access, role);
  if (!refusal) return true;
  ctx.status = refusal.httpStatus;
  if (refusal.code === 'AuthenticationFail.OperatorToken')
    ctx.set('WWW-Authenticate', 'Bearer realm="ramgate-operator"');
  ctx.body = { Code: refusal.code, Message: refusal.message };
  return false;
}

function operatorRefusal(ctx: Context, access: OperatorAccess, role: ListenerRole): ApiError | undefined {
  if (role === 'public' && access.separateListener)
    return new ApiError('InvalidAction.NotFound', 'Operator endpoints are served on the operator listener.');
  if (access.token !== undefined) {
    const given = /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1] ?? '';
    return constantTimeEqual(given, access.token)
      ? undefined
      : new ApiError('AuthenticationFail.OperatorToken', 'A valid operator bearer token is required.');
  }
  if (role === 'operator' || isLoopback(ctx.ip)) return undefined;
  return new ApiError(
    'NoPermission',
    'Operator endpoints answer loopback clients only unless an operator token or listener is configured.',
  );
}
