export { createRpcEndpoint, type RpcEndpoint } from './router.js';
export { createHttpServer, requestListener, HTTP_SERVER_DEFAULTS, type HttpServerOptions } from './server.js';
export { createActionRegistry, type ActionRegistry } from './registry.js';
export { DEFAULT_LIMITS } from './params.js';
export { REQUEST_ID_HEADER } from './envelope.js';
export type * from './types.js';
