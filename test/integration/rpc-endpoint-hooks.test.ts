/** The RPC endpoint keeps serving when its own hooks fail: a broken logger or metrics sink never takes the server down. */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/errors.js';
import { startRpcApp, type RunningApp } from './rpc-test-app.js';
import { queryString, send } from './rpc-http-client.js';

const anonymous = {
  Action: 'AssumeRoleWithSAML',
  Version: '2015-04-01',
  RoleArn: 'acs:ram::1:role/r',
  SAMLAssertion: 'abcd',
};
const crash = { Action: 'Crash', Version: '2000-01-01' };

let app: RunningApp | undefined;
afterEach(() => app?.close());

describe('RPC endpoint hooks', () => {
  it('answers even when onComplete throws, and reports that error', async () => {
    const reported: unknown[] = [];
    app = await startRpcApp({
      onComplete: () => {
        throw new Error('metrics sink down');
      },
      onUnexpectedError: (error) => reported.push(error),
    });
    for (let i = 0; i < 2; i++) {
      const response = await send(app.port, { path: `/?${queryString(anonymous)}` });
      expect(response.status).toBe(200);
    }
    expect(reported.map((e) => (e as Error).message)).toEqual(['metrics sink down', 'metrics sink down']);
  });

  it('answers InternalError when a handler and then the error reporter both fail', async () => {
    app = await startRpcApp({
      onUnexpectedError: () => {
        throw new Error('logger down');
      },
    });
    const failed = await send(app.port, { path: `/?${queryString(crash)}` });
    expect([failed.status, failed.body.Code]).toEqual([500, 'InternalError']);
    expect(JSON.stringify(failed.body)).not.toContain('secret detail');
    const next = await send(app.port, { path: `/?${queryString(anonymous)}` });
    expect(next.status).toBe(200);
  });

  it('runs admit first: a refusal is answered in the Alibaba envelope before the body is read', async () => {
    const seen: string[] = [];
    app = await startRpcApp({
      admit: (sourceIp) => {
        seen.push(sourceIp);
        return Promise.reject(new ApiError('Throttling.User', `Too many requests from ${sourceIp}.`));
      },
    });
    const refused = await send(app.port, { path: `/?${queryString(anonymous)}` });
    expect([refused.status, refused.body.Code]).toEqual([400, 'Throttling.User']);
    expect(refused.headers['x-acs-request-id']).toBe(refused.body.RequestId);
    expect(seen).toEqual(['127.0.0.1']);
  });
});
