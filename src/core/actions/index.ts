/** The action table and the steps of a management call that read it (resolve → authorize). */
export { ACTION_TABLE, findRow, RESOURCE } from './table.js';
export { SLOT_PARAMS, KNOWN_PARAMS, type EntityKind } from './params.js';
export {
  prepareCall,
  assertEntitiesExist,
  declaredParams,
  type PreparedCall,
  type ResolvedSlot,
} from './resolve.js';
export { authorizeCall, type AuthorizationDeps } from './authorize.js';
export {
  selfServiceGrants,
  selfServiceAllows,
  SELF_SERVICE_ACTIONS,
  type SelfServiceGrants,
} from './self-service.js';
export { encodeDiagnostic, decodeDiagnostic, type DiagnosticInfo } from './diagnostic.js';
export { checkTable } from './check.js';
export type * from './types.js';
export { PRODUCT_OF_VERSION } from './types.js';
