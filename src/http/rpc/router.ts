import { performance } from 'node:perf_hooks';
import type { Context, Middleware } from 'koa';
import { ApiError, missingParameter } from '../../core/errors.js';
import { authenticate, type Authenticated } from './authenticate.js';
import { REQUEST_ID_HEADER, newRequestId, sendError, sendResult, toApiError } from './envelope.js';
import {
  DEFAULT_LIMITS,
  mergeParameters,
  parseFormBody,
  parseParameterString,
  readBodyWithinLimit,
} from './params.js';
import { createActionRegistry } from './registry.js';
import { headerAccess, type RpcRequest } from './request.js';
import type { RpcAction, RpcLimits, RpcOutcome, RpcRouterOptions } from './types.js';

const DEFAULT_TIMESTAMP_WINDOW_MS = 15 * 60_000;

/** Protocol parameters the adapter consumes; handlers see only the rest. */
const COMMON_PARAMETERS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
  'SecurityToken',
]);

/**
 * The Alibaba POP (RPC style) API at `/`: `Action`/`Version` as parameters or `x-acs-action`/
 * `x-acs-version` headers, query and form parameters merged, signed with ACS3-HMAC-SHA256 or
 * HMAC-SHA1 (v1), answered in JSON. Requests elsewhere (or a bare `GET /`) go to `next`.
 */
export function createRpcRouter(options: RpcRouterOptions): Middleware {
  const registry = createActionRegistry(options.actions);
  const limits: RpcLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const windowMs = options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS;
  const now = options.now ?? Date.now;

  return async (ctx, next) => {
    if (!isRpcRequest(ctx)) return next();
    const started = performance.now();
    const requestId = newRequestId();
    ctx.set(REQUEST_ID_HEADER, requestId);
    const outcome: Partial<RpcOutcome> = {};
    try {
      const req = await readRpcRequest(ctx, limits);
      const action = registry.find(...resolveActionAndVersion(req));
      Object.assign(outcome, { product: action.product, action: action.action, version: action.version });
      checkFormat(req);
      const auth = action.anonymous
        ? undefined
        : await authenticate(req, { ...options, nowMs: now(), windowMs });
      Object.assign(outcome, auth);
      sendResult(ctx, await runHandler(ctx, action, req, auth, requestId), requestId);
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError !== error) options.onUnexpectedError?.(error, requestId);
      // A refused upload is not drained: the connection closes after the answer.
      if (apiError.code === 'RequestTooLarge') ctx.set('Connection', 'close');
      sendError(ctx, apiError, requestId, options.hostId ?? (ctx.hostname || 'ramgate'));
      outcome.code = apiError.code;
    }
    try {
      options.onComplete?.({
        ...outcome,
        requestId,
        status: ctx.status,
        durationMs: performance.now() - started,
      });
    } catch (error) {
      options.onUnexpectedError?.(error, requestId);
    }
  };
}

/** Everything at `/` except a bare GET/HEAD (no query, no x-acs-action), which is left to other routes. */
function isRpcRequest(ctx: Context): boolean {
  if (ctx.path !== '/') return false;
  const bare = (ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.querystring === '';
  return !bare || ctx.get('x-acs-action') !== '';
}

async function readRpcRequest(ctx: Context, limits: RpcLimits): Promise<RpcRequest> {
  if (ctx.method !== 'GET' && ctx.method !== 'POST') {
    throw new ApiError(
      'UnsupportedHTTPMethod',
      `The HTTP method ${ctx.method} is not supported: use GET or POST.`,
    );
  }
  const encoding = ctx.get('content-encoding');
  if (encoding !== '' && encoding.toLowerCase() !== 'identity') {
    throw new ApiError('InvalidParameter', `Content-Encoding "${encoding.slice(0, 40)}" is not supported.`);
  }
  const body = await readBodyWithinLimit(ctx.req, limits.maxBodyBytes);
  const query = parseParameterString(ctx.querystring, 'query string', limits);
  const form = parseFormBody(body, ctx.req.headers['content-type'], limits);
  return {
    method: ctx.method,
    query,
    form,
    params: mergeParameters(query, form, limits),
    body,
    ...headerAccess(ctx.req),
  };
}

/** The parameter and the x-acs-* header may both be present (the SDKs send both): they must agree. */
function pick(req: RpcRequest, param: string, header: string): string {
  const fromParam = req.params.get(param);
  const fromHeader = req.header(header);
  if (fromParam !== undefined && fromHeader !== undefined && fromParam !== fromHeader) {
    throw new ApiError(
      'InvalidParameter',
      `The parameter ${param} "${fromParam.slice(0, 64)}" differs from the ${header} header.`,
    );
  }
  const value = fromParam ?? fromHeader;
  if (value === undefined || value === '') throw missingParameter(param);
  return value;
}

function resolveActionAndVersion(req: RpcRequest): [action: string, version: string] {
  return [pick(req, 'Action', 'x-acs-action'), pick(req, 'Version', 'x-acs-version')];
}

/** JSON only: the SDKs ask for JSON (or nothing); XML is refused rather than half-implemented. */
function checkFormat(req: RpcRequest): void {
  const format = req.params.get('Format');
  if (format !== undefined && format.toUpperCase() !== 'JSON') {
    throw new ApiError(
      'InvalidParameter.Format',
      `The Format "${format.slice(0, 20)}" is not supported: this endpoint answers JSON only.`,
    );
  }
}

function runHandler(
  ctx: Context,
  action: RpcAction,
  req: RpcRequest,
  auth: Authenticated | undefined,
  requestId: string,
) {
  const params: Record<string, string> = {};
  for (const [name, value] of req.params) if (!COMMON_PARAMETERS.has(name)) params[name] = value;
  return action.handler({
    params,
    caller: auth?.caller,
    accessKeyId: auth?.accessKeyId,
    requestId,
    sourceIp: ctx.ip,
    secureTransport: ctx.secure,
  });
}
