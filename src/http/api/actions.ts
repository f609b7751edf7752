/**
 * The RPC actions of the gateway, one per row and version of the action table
 * (src/core/actions/table.ts): nothing else is served. Each signed call runs the same pipeline:
 * authenticate (the RPC adapter) → resolve every named entity once → authorize every resource of
 * the row on its canonical ARN → check the entities exist → act on exactly the resolved entities.
 */
import {
  ACTION_TABLE,
  PRODUCT_OF_VERSION,
  assertEntitiesExist,
  authorizeCall,
  checkTable,
  declaredParams,
  prepareCall,
  selfServiceGrants,
  type ActionRow,
  type PreparedCall,
} from '../../core/actions/index.js';
import type { Principal } from '../../core/principal.js';
import { isoSeconds } from '../../core/sts/credentials.js';
import { assumeRole, getCallerIdentity } from '../../core/sts/operations.js';
import type { Gateway } from '../../sso/gateway.js';
import type { SessionOwner } from '../../sso/revocation.js';
import { assumeRoleWithSamlApi } from '../../sso/sts-api.js';
import type { RpcAction, RpcHandlerContext, RpcResult } from '../rpc/types.js';
import { principalOf } from './caller.js';
import { decodeDiagnosticMessage, simulatePrincipalPolicy } from './explain-actions.js';

type StringParams = Record<string, string | undefined>;
type Operation = (
  gw: Gateway,
  call: PreparedCall,
  ctx: RpcHandlerContext,
  caller: Principal,
) => Promise<RpcResult>;

const facts = (ctx: RpcHandlerContext) => ({ sourceIp: ctx.sourceIp, secureTransport: ctx.secureTransport });

/** `RevokeRoleSessions` / `RevokeUserSessions` (ramgate extensions): every session issued up to now is refused. */
function revokeSessions(owner: SessionOwner): Operation {
  return async (gw, call, ctx) => {
    const slot = call.slots[owner === 'role' ? 'RoleName' : 'UserName'];
    const name = slot?.name ?? '';
    const watermark = await gw.revocations.revoke(call.accountId, name, owner);
    gw.audit.write({
      event: `${owner}.sessions.revoked`,
      outcome: 'success',
      requestId: ctx.requestId,
      sourceIp: ctx.sourceIp,
      accountId: call.accountId,
      principal: ctx.caller?.arn,
      [owner]: name,
    });
    const arn = `acs:ram::${call.accountId}:${owner}/${name}`;
    const named = owner === 'role' ? { RoleName: name } : { UserName: name };
    return { ...named, Arn: arn, RevokedBefore: isoSeconds(watermark) };
  };
}

/** Actions that are not a directory method of the same name. */
const OPERATIONS: Readonly<Record<string, Operation>> = {
  AssumeRole: async (gw, call, ctx, caller) => ({
    ...(await assumeRole(gw.sts, caller, call.params as StringParams, facts(ctx))),
  }),
  GetCallerIdentity: async (_gw, _call, _ctx, caller) => ({ ...getCallerIdentity(caller) }),
  RevokeRoleSessions: revokeSessions('role'),
  RevokeUserSessions: revokeSessions('user'),
  DecodeDiagnosticMessage: decodeDiagnosticMessage,
  RamgateSimulatePrincipalPolicy: simulatePrincipalPolicy,
};

type DirectoryMethod = (
  accountId: string,
  params: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

function directoryOperation(gw: Gateway, action: string): Operation {
  const method = (gw.directory as unknown as Record<string, unknown>)[action];
  if (typeof method !== 'function') throw new Error(`action table: ${action} has no operation`);
  return async (_gw, call) => (await (method as DirectoryMethod)(call.accountId, call.params)) ?? {};
}

function signedHandler(gw: Gateway, row: ActionRow): RpcAction['handler'] {
  const operation = OPERATIONS[row.action] ?? directoryOperation(gw, row.action);
  return async (ctx) => {
    const caller = principalOf(ctx.caller as NonNullable<RpcHandlerContext['caller']>);
    const call = await prepareCall(gw.directory, row, caller, ctx.params);
    await authorizeCall(gw.sts, caller, call, facts(ctx), await selfServiceGrants(gw.directory, row, caller));
    assertEntitiesExist(call);
    return operation(gw, call, ctx, caller);
  };
}

function anonymousHandler(gw: Gateway, row: ActionRow): RpcAction['handler'] {
  if (row.action !== 'AssumeRoleWithSAML')
    throw new Error(`action table: no anonymous operation ${row.action}`);
  return async (ctx) => ({
    ...(await assumeRoleWithSamlApi(gw, declaredParams(row, ctx.params) as StringParams)),
  });
}

/** Every row of the table, each of its versions, as an RPC action. */
export function gatewayActions(gw: Gateway): RpcAction[] {
  checkTable(ACTION_TABLE);
  return ACTION_TABLE.flatMap((row) => {
    const handler = row.anonymous ? anonymousHandler(gw, row) : signedHandler(gw, row);
    return row.versions.map((version) => ({
      product: PRODUCT_OF_VERSION[version],
      version,
      action: row.action,
      anonymous: row.anonymous,
      handler,
    }));
  });
}

/** Served actions must be exactly the table's (the router refuses to start otherwise). */
export function assertServedFromTable(actions: readonly RpcAction[]): void {
  const rows = new Set(ACTION_TABLE.flatMap((r) => r.versions.map((v) => `${v}/${r.action}`)));
  for (const a of actions)
    if (!rows.has(`${a.version}/${a.action}`))
      throw new Error(`The action ${a.action} (${a.version}) has no row in the action table.`);
}
