import { assumeRole, getCallerIdentity } from '../../core/sts/operations.js';
import type { Gateway } from '../../sso/gateway.js';
import { assumeRoleWithSamlApi } from '../../sso/sts-api.js';
import type { RpcAction, RpcHandlerContext } from '../rpc/types.js';
import { principalOf } from './caller.js';

const VERSION = '2015-04-01';

const callerPrincipal = (ctx: RpcHandlerContext) =>
  principalOf(ctx.caller as NonNullable<RpcHandlerContext['caller']>);

/** STS 2015-04-01: AssumeRoleWithSAML (anonymous), AssumeRole, GetCallerIdentity. */
export function stsActions(gw: Gateway): RpcAction[] {
  return [
    {
      product: 'Sts',
      version: VERSION,
      action: 'AssumeRoleWithSAML',
      anonymous: true,
      handler: async (ctx) => ({ ...(await assumeRoleWithSamlApi(gw, ctx.params)) }),
    },
    {
      product: 'Sts',
      version: VERSION,
      action: 'AssumeRole',
      anonymous: false,
      handler: async (ctx) => ({
        ...(await assumeRole(gw.sts, callerPrincipal(ctx), ctx.params, {
          sourceIp: ctx.sourceIp,
          secureTransport: ctx.secureTransport,
        })),
      }),
    },
    {
      product: 'Sts',
      version: VERSION,
      action: 'GetCallerIdentity',
      anonymous: false,
      handler: async (ctx) => ({ ...getCallerIdentity(callerPrincipal(ctx)) }),
    },
  ];
}
