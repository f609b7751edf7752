import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ApiError, missingParameter } from '../../core/errors.js';
import { transportOf } from '../transport.js';
import { authenticate, type Authenticated } from './authenticate.js';
import { errorBody, newRequestId, resultBody, toApiError, writeJsonAnswer } from './envelope.js';
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

/** The Alibaba RPC API, served on Node's request and response (no web framework on this hot path). */
export interface RpcEndpoint {
  /** Everything at `/` except a bare GET/HEAD (no query, no x-acs-action), which is left to other routes. */
  accepts(req: IncomingMessage): boolean;
  /** Answers one request; never rejects: every failure is answered with an Alibaba error body. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Where a request came from and how, read once from Node's message. */
type Exchange = { req: IncomingMessage; method: string; query: string; sourceIp: string; secure: boolean };

/**
 * The Alibaba POP (RPC style) API at `/`: `Action`/`Version` as parameters or `x-acs-action`/
 * `x-acs-version` headers, query and form parameters merged, signed with ACS3-HMAC-SHA256 or
 * HMAC-SHA1 (v1), answered in JSON.
 */
export function createRpcEndpoint(options: RpcRouterOptions): RpcEndpoint {
  const registry = createActionRegistry(options.actions);
  const limits: RpcLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const windowMs = options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS;
  const now = options.now ?? Date.now;

  /** Hands an error that is not the client's to onUnexpectedError, which must not break the server either. */
  function report(error: unknown, requestId: string): void {
    try {
      options.onUnexpectedError?.(error, requestId);
    } catch {
      // The reporter itself failed: nothing is left to tell.
    }
  }

  /** A request refused before its action was known is counted too (in the class of no product). */
  async function admitRefused(exchange: Exchange, error: unknown): Promise<unknown> {
    try {
      await options.admit?.(exchange.sourceIp, undefined);
      return error;
    } catch (throttled) {
      return throttled;
    }
  }

  async function answer(exchange: Exchange, requestId: string, outcome: RpcOutcome) {
    let admitted = false;
    try {
      const req = await readRpcRequest(exchange, limits);
      const action = registry.find(...resolveActionAndVersion(req));
      admitted = true;
      await options.admit?.(exchange.sourceIp, action.product);
      outcome.product = action.product;
      outcome.action = action.action;
      outcome.version = action.version;
      checkFormat(req);
      const auth = action.anonymous
        ? undefined
        : await authenticate(req, { ...options, nowMs: now(), windowMs });
      outcome.accessKeyId = auth?.accessKeyId;
      outcome.caller = auth?.caller;
      if (auth && options.onAuthenticated)
        await options
          .onAuthenticated(auth.accessKeyId, auth.caller, action.product)
          .catch((error: unknown) => report(error, requestId));
      return {
        status: 200,
        body: resultBody(await runHandler(exchange, action, req, auth, requestId), requestId),
      };
    } catch (thrown) {
      const error = admitted ? thrown : await admitRefused(exchange, thrown);
      const apiError = toApiError(error);
      if (apiError !== error) report(error, requestId);
      outcome.code = apiError.code;
      const hostId = options.hostId ?? (hostnameOf(exchange.req.headers.host) || 'ramgate');
      return {
        status: apiError.httpStatus,
        body: JSON.stringify(errorBody(apiError, requestId, hostId)),
        // A refused upload is not drained: the connection closes after the answer.
        close: apiError.code === 'RequestTooLarge',
      };
    }
  }

  return {
    accepts: isRpcRequest,
    async serve(req, res) {
      const started = performance.now();
      const requestId = newRequestId();
      const exchange = exchangeOf(req);
      const outcome = newOutcome(requestId, exchange.sourceIp);
      let status: number;
      try {
        const answered = await answer(exchange, requestId, outcome);
        status = answered.status;
        writeJsonAnswer(res, status, answered.body, requestId, answered.close === true);
      } catch (error) {
        // Only the socket or a hook can fail here: errors of the request itself became its answer.
        res.destroy();
        report(error, requestId);
        return;
      }
      try {
        outcome.status = status;
        outcome.durationMs = performance.now() - started;
        options.onComplete?.(outcome);
      } catch (error) {
        report(error, requestId);
      }
    },
  };
}

/**
 * Every member present from the start, so every request's outcome has one shape: spreads of partly
 * filled objects gave the hooks' reads as many shapes as there are failure paths (megamorphic).
 */
function newOutcome(requestId: string, sourceIp: string): RpcOutcome {
  return {
    requestId,
    sourceIp,
    product: undefined,
    action: undefined,
    version: undefined,
    accessKeyId: undefined,
    caller: undefined,
    status: 0,
    code: undefined,
    durationMs: 0,
  };
}

function targetOf(req: IncomingMessage): { path: string; query: string } {
  const url = req.url ?? '/';
  if (!url.startsWith('/')) {
    // Absolute form (a proxy's request line): only its path and query matter here.
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    return { path: parsed?.pathname ?? url, query: parsed?.search.slice(1) ?? '' };
  }
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, query: '' } : { path: url.slice(0, mark), query: url.slice(mark + 1) };
}

function isRpcRequest(req: IncomingMessage): boolean {
  const { path, query } = targetOf(req);
  if (path !== '/') return false;
  const bare = (req.method === 'GET' || req.method === 'HEAD') && query === '';
  return !bare || (req.headers['x-acs-action'] ?? '') !== '';
}

function exchangeOf(req: IncomingMessage): Exchange {
  const { clientIp, secure } = transportOf(req);
  return { req, method: req.method ?? 'GET', query: targetOf(req).query, sourceIp: clientIp, secure };
}

/** The Host header without its port (`[::1]:80` → `[::1]`). */
function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

async function readRpcRequest(exchange: Exchange, limits: RpcLimits): Promise<RpcRequest> {
  const { req, method } = exchange;
  if (method !== 'GET' && method !== 'POST') {
    throw new ApiError(
      'UnsupportedHTTPMethod',
      `The HTTP method ${method} is not supported: use GET or POST.`,
    );
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== '' && encoding.toLowerCase() !== 'identity') {
    throw new ApiError('InvalidParameter', `Content-Encoding "${encoding.slice(0, 40)}" is not supported.`);
  }
  const body = await readBodyWithinLimit(req, limits.maxBodyBytes);
  const query = parseParameterString(exchange.query, 'query string', limits);
  const form = parseFormBody(body, req.headers['content-type'], limits);
  return {
    method,
    query,
    form,
    params: mergeParameters(query, form, limits),
    body,
    ...headerAccess(req),
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
  exchange: Exchange,
  action: RpcAction,
  req: RpcRequest,
  auth: Authenticated | undefined,
  requestId: string,
) {
  // fromEntries defines every name as an own property; `params[name] = value` would drop "__proto__".
  const params = Object.fromEntries([...req.params].filter(([name]) => !COMMON_PARAMETERS.has(name)));
  return action.handler({
    params,
    caller: auth?.caller,
    accessKeyId: auth?.accessKeyId,
    requestId,
    sourceIp: exchange.sourceIp,
    secureTransport: exchange.secure,
  });
}
