import type { EphemeralStore } from '../../core/store/types.js';

/**
 * Who signed a request, as resolved from the AccessKey (and SecurityToken for temporary
 * credentials). Defined here until the STS core provides the real principal type.
 */
export type Caller = {
  accountId: string;
  principalType: 'Account' | 'RAMUser' | 'AssumedRoleUser';
  arn: string;
  userName?: string;
  userId?: string;
  roleName?: string;
  roleId?: string;
  sessionName?: string;
  /** The session passed MFA (temporary credentials whose token carries the `mfa` claim). */
  mfaPresent?: boolean;
  /** Session policy (role sessions) or anything the policy engine needs; opaque to the adapter. */
  policies?: unknown;
};

/** Maps an AccessKeyId (+ SecurityToken for `STS.` keys) to its secret and principal; throws ApiError. */
export type CredentialResolver = (
  accessKeyId: string,
  securityToken?: string,
) => Promise<{ secret: string; caller: Caller }>;

export type RpcHandlerContext = {
  /** Business parameters (query and form merged), without the protocol's common parameters. */
  params: Record<string, string>;
  /** The verified signer; undefined for anonymous actions. */
  caller: Caller | undefined;
  /** The AccessKeyId that signed the request; undefined for anonymous actions. */
  accessKeyId: string | undefined;
  requestId: string;
  /** Client address (for `acs:SourceIp` policy conditions). */
  sourceIp: string;
  /** True when the request came over TLS (for `acs:SecureTransport`). */
  secureTransport: boolean;
};

/** The JSON body of a successful answer, without RequestId (the adapter adds it first). */
export type RpcResult = Record<string, unknown>;

export type RpcAction = {
  /** `Sts`, `Ims`, `Ram`: informational, used in logs. */
  product: string;
  /** API version, e.g. `2015-04-01`. */
  version: string;
  /** Action name, e.g. `AssumeRole` (case-sensitive, as Alibaba). */
  action: string;
  /** Anonymous actions (AssumeRoleWithSAML) are not authenticated; any signature is ignored. */
  anonymous: boolean;
  handler: (ctx: RpcHandlerContext) => Promise<RpcResult>;
};

export type RpcLimits = {
  /** Maximum form body, bytes. */
  maxBodyBytes: number;
  /** Maximum number of parameters (query + form). */
  maxParameters: number;
  /** Maximum length of one parameter name. */
  maxParameterNameLength: number;
};

export type RpcRouterOptions = {
  actions: readonly RpcAction[];
  resolveCredential: CredentialResolver;
  /** Nonce replay store: `putIfAbsent` is the single-use check. */
  nonces: Pick<EphemeralStore, 'putIfAbsent'>;
  /** Value of HostId in error bodies; defaults to the request's host name. */
  hostId?: string;
  /** Accepted clock difference between a signed request's timestamp and the server, ms (default 15 min). */
  timestampWindowMs?: number;
  limits?: Partial<RpcLimits>;
  /** Clock, for tests. */
  now?: () => number;
  /**
   * Runs on every request once its action is known (before the signature is checked), with the
   * client's address and the action's product — and on a request refused before that, with no
   * product, so that malformed requests count too; throws an ApiError to refuse it (rate limits).
   */
  admit?: (sourceIp: string, product: string | undefined) => Promise<void>;
  /** Called once per RPC request after the answer is written (audit log, metrics). */
  onComplete?: (outcome: RpcOutcome) => void;
  /** Called with every error that is not an ApiError (answered as InternalError). */
  onUnexpectedError?: (error: unknown, requestId: string) => void;
};

/** What happened to one RPC request, for the audit log and metrics. */
export type RpcOutcome = {
  requestId: string;
  /** The client's address (src/http/transport.ts). */
  sourceIp: string;
  /** Set once the action was found. */
  product?: string;
  action?: string;
  version?: string;
  /** Set once the signature was verified. */
  accessKeyId?: string;
  caller?: Caller;
  status: number;
  /** The error code when the request failed. */
  code?: string;
  durationMs: number;
};
