/**
 * Why a call is allowed or denied: `DecodeDiagnosticMessage` (RAM) reads the sealed message of a
 * NoPermission answer; `RamgateSimulatePrincipalPolicy` (a ramgate extension) evaluates actions on
 * resources for a principal or the caller. Both are rows of the action table; this is what they do.
 */
import type { PreparedCall } from '../../core/actions/index.js';
import { decodeDiagnostic } from '../../core/actions/index.js';
import { ApiError } from '../../core/errors.js';
import { mfaPresentOf, type Principal } from '../../core/principal.js';
import {
  simulate,
  simulatedActions,
  simulatedContext,
  simulatedResources,
  type SimulatedPrincipal,
} from '../../core/simulator/index.js';
import type { Gateway } from '../../sso/gateway.js';
import type { RpcHandlerContext, RpcResult } from '../rpc/types.js';

export async function decodeDiagnosticMessage(gw: Gateway, call: PreparedCall): Promise<RpcResult> {
  const info = decodeDiagnostic(await gw.sts.keyring(), String(call.params['EncodedDiagnosticMessage']));
  // Only this gateway's messages about this account's principals are read back to it.
  if (!info || !info.Principal.startsWith(`acs:ram::${call.accountId}:`))
    throw new ApiError(
      'InvalidParameter.EncodedDiagnosticMessage',
      'The EncodedDiagnosticMessage was not issued by this gateway for a principal of this account.',
    );
  return { DecodedDiagnosticMessage: JSON.stringify(info) };
}

/** At most one principal is named; none means the caller itself. */
function simulatedPrincipal(call: PreparedCall, caller: Principal): SimulatedPrincipal {
  const named = (['UserName', 'GroupName', 'RoleName'] as const).filter((s) => call.slots[s] !== undefined);
  if (named.length > 1)
    throw new ApiError('InvalidParameter', `Name one principal to simulate, not ${named.join(' and ')}.`);
  const slot = named[0] === undefined ? undefined : call.slots[named[0]];
  if (!slot) {
    if (call.params['SessionPolicy'] !== undefined)
      throw new ApiError(
        'InvalidParameter',
        'SessionPolicy applies to a named user or role, not to the caller.',
      );
    return { kind: 'caller', principal: caller };
  }
  if (slot.kind === 'group' && call.params['SessionPolicy'] !== undefined)
    throw new ApiError(
      'InvalidParameter',
      'A group has no sessions: SessionPolicy applies to a user or role.',
    );
  return { kind: slot.kind as 'user' | 'group' | 'role', name: slot.name };
}

export async function simulatePrincipalPolicy(
  gw: Gateway,
  call: PreparedCall,
  ctx: RpcHandlerContext,
  caller: Principal,
): Promise<RpcResult> {
  const sessionPolicy = call.params['SessionPolicy'];
  const principal = simulatedPrincipal(call, caller);
  // acs:MFAPresent defaults to the simulated principal's: the caller's own session, or false for a
  // named user or role (no session); ContextEntries may set it either way.
  const mfaPresent = principal.kind === 'caller' && mfaPresentOf(principal.principal);
  return {
    ...(await simulate(gw.directory, call.accountId, {
      principal,
      actions: simulatedActions(call.params['ActionNames']),
      resources: simulatedResources(call.params['ResourceArns']),
      context: simulatedContext(
        call.params['ContextEntries'],
        { sourceIp: ctx.sourceIp, secureTransport: ctx.secureTransport, mfaPresent },
        gw.now(),
      ),
      ...(typeof sessionPolicy === 'string' ? { sessionPolicy } : {}),
    })),
  };
}
