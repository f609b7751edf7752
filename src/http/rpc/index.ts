export { createRpcEndpoint, type RpcEndpoint } from './router.js';
export {
  answerClientErrors,
  createHttpServer,
  serverOptionsOf,
  requestListener,
  HTTP_SERVER_DEFAULTS,
  type FrontDoor,
  type HttpServerOptions,
} from './server.js';
export { createActionRegistry, type ActionRegistry } from './registry.js';
export { DEFAULT_LIMITS } from './params.js';
export { REQUEST_ID_HEADER } from './envelope.js';
export type * from './types.js';
