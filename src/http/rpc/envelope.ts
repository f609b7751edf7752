import { randomUUID } from 'node:crypto';
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

export function sendResult(ctx: Context, result: RpcResult, requestId: string): void {
  ctx.status = 200;
  ctx.type = JSON_TYPE;
  const { RequestId: _handlerRequestId, ...fields } = result;
  ctx.body = JSON.stringify({ RequestId: requestId, ...fields });
}
