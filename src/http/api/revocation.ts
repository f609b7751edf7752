/**
 * `RevokeRoleSessions` (a ramgate extension on the RAM 2015-05-01 API): every session of the role
 * issued up to now is refused from then on, on every instance (see src/sso/revocation.ts).
 * Authorized as `ram:RevokeRoleSessions` on the role, like the other management actions.
 */
import { missingParameter } from '../../core/errors.js';
import { isoSeconds } from '../../core/sts/credentials.js';
import type { Gateway } from '../../sso/gateway.js';
import type { RpcAction } from '../rpc/types.js';
import { authorizeManagementCall } from './management.js';

export function revocationActions(gw: Gateway): RpcAction[] {
  return [
    {
      product: 'Ram',
      version: '2015-05-01',
      action: 'RevokeRoleSessions',
      anonymous: false,
      handler: async (ctx) => {
        const principal = await authorizeManagementCall(gw, ctx, 'RevokeRoleSessions');
        if (!ctx.params.RoleName) throw missingParameter('RoleName');
        const { Role } = await gw.directory.GetRole(principal.accountId, { RoleName: ctx.params.RoleName });
        const watermark = await gw.revocations.revoke(principal.accountId, Role.RoleName);
        gw.audit.write({
          event: 'role.sessions.revoked',
          outcome: 'success',
          requestId: ctx.requestId,
          sourceIp: ctx.sourceIp,
          accountId: principal.accountId,
          principal: ctx.caller?.arn,
          role: Role.RoleName,
        });
        return { RoleName: Role.RoleName, Arn: Role.Arn, RevokedBefore: isoSeconds(watermark) };
      },
    },
  ];
}
