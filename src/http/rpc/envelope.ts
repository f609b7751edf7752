import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import { ApiError, isApiError } from '../../core/errors.js';
import { StoreUnavailableError } from '../../core/store/types.js';
import type { RpcResult } from './types.js';

export const REQUEST_ID_HEADER = 'x-acs-request-id';
const JSON_TYPE = 'application/json;charset=utf-8';

/** Alibaba request ids are upper-case UUIDs. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** Any failure as an ApiError: stores that are down → ServiceUnavailable, the rest → InternalError. */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) return error;
  if (error instanceof StoreUnavailableError) return new ApiError('ServiceUnavailable');
  return new ApiError('InternalError', 'The server failed to process the request.');
}

export function errorBody(error: ApiError, requestId: string, hostId: string) {
  return { RequestId: requestId, HostId: hostId, ...error.toJSON() };
}

export function sendError(ctx: Context, error: ApiError, requestId: string, hostId: string): void {
  ctx.status = error.httpStatus;
  ctx.type = JSON_TYPE;
  ctx.body = JSON.stringify(errorBody(error, requestId, hostId));
}

/** The JSON of a successful answer: RequestId first, then the handler's fields (its own RequestId dropped). */
export function resultBody(result: RpcResult, requestId: string): string {
  const { RequestId: _handlerRequestId, ...fields } = result;
  return JSON.stringify({ RequestId: requestId, ...fields });
}

export function sendResult(ctx: Context, result: RpcResult, requestId: string): void {
  ctx.status = 200;
  ctx.type = JSON_TYPE;
  ctx.body = resultBody(result, requestId);
}

/** Writes a whole JSON answer on Node's response (the RPC endpoint works without a framework). */
export function writeJsonAnswer(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  closeConnection: boolean,
): void {
  const headers: Record<string, string | number> = {
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestId,
  };
  if (closeConnection) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}
