/**
 * A small Koa app around the RPC adapter for the SDK tests: dummy handlers echo the verified
 * caller and the parameters; a fake credential resolver stands in for the STS core, the memory
 * store's EphemeralStore keeps the nonces.
 */
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { ApiError } from '../../src/core/errors.js';
import { MemoryEphemeral } from '../../src/core/store/memory-ephemeral.js';
import { createHttpServer, createRpcEndpoint } from '../../src/http/rpc/index.js';
import type {
  Caller,
  CredentialResolver,
  RpcAction,
  RpcHandlerContext,
  RpcOutcome,
  RpcRouterOptions,
} from '../../src/http/rpc/index.js';

export const ACCOUNT_ID = '1234567890123456';
export const LONG_TERM = { accessKeyId: 'LTAI5tTestKey0000000001', accessKeySecret: 'long-term-secret-0001' };
export const INACTIVE = { accessKeyId: 'LTAI5tInactive000000001', accessKeySecret: 'inactive-secret' };
export const TEMPORARY = {
  accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez0001',
  accessKeySecret: 'temporary-secret-0001',
  securityToken: 'CAIS-test-security-token/+=0001',
};

const ramUser: Caller = {
  accountId: ACCOUNT_ID,
  principalType: 'RAMUser',
  arn: `acs:ram::${ACCOUNT_ID}:user/alice`,
  userName: 'alice',
  userId: '216959339000001',
};
const roleSession: Caller = {
  accountId: ACCOUNT_ID,
  principalType: 'AssumedRoleUser',
  arn: `acs:ram::${ACCOUNT_ID}:assumed-role/admin/alice-session`,
  roleName: 'admin',
  roleId: '300800000000001',
  sessionName: 'alice-session',
};

export const resolveCredential: CredentialResolver = async (accessKeyId, securityToken) => {
  if (accessKeyId === LONG_TERM.accessKeyId) return { secret: LONG_TERM.accessKeySecret, caller: ramUser };
  if (accessKeyId === INACTIVE.accessKeyId) throw new ApiError('InvalidAccessKeyId.Inactive');
  if (accessKeyId === TEMPORARY.accessKeyId) {
    if (securityToken !== TEMPORARY.securityToken)
      throw new ApiError('InvalidSecurityToken.MismatchWithAccessKey');
    return { secret: TEMPORARY.accessKeySecret, caller: roleSession };
  }
  throw new ApiError('InvalidAccessKeyId.NotFound', `Specified access key ${accessKeyId} is not found.`);
};

const echo = (ctx: RpcHandlerContext) => ({
  Caller: ctx.caller ?? null,
  Params: ctx.params,
  AccessKeyId: ctx.accessKeyId ?? null,
});

export const testActions: RpcAction[] = [
  {
    product: 'Sts',
    version: '2015-04-01',
    action: 'GetCallerIdentity',
    anonymous: false,
    handler: async ({ caller }) => ({
      AccountId: caller?.accountId,
      Arn: caller?.arn,
      IdentityType: caller?.principalType,
      UserId: caller?.userId,
      RoleId: caller?.roleId,
      PrincipalId: caller?.userId ?? `${caller?.roleId}:${caller?.sessionName}`,
    }),
  },
  {
    product: 'Sts',
    version: '2015-04-01',
    action: 'AssumeRole',
    anonymous: false,
    handler: async ({ caller, params }) => ({
      Credentials: {
        AccessKeyId: 'STS.echo',
        AccessKeySecret: 'echo-secret',
        SecurityToken: JSON.stringify({ caller, params }),
        Expiration: '2030-01-01T00:00:00Z',
      },
      AssumedRoleUser: {
        Arn: `${params.RoleArn}/${params.RoleSessionName}`,
        AssumedRoleId: `x:${params.RoleSessionName}`,
      },
    }),
  },
  {
    product: 'Sts',
    version: '2015-04-01',
    action: 'AssumeRoleWithSAML',
    anonymous: true,
    handler: async ({ caller, params }) => ({
      Credentials: {
        AccessKeyId: 'STS.saml',
        AccessKeySecret: 'saml-secret',
        SecurityToken: `caller=${caller === undefined ? 'none' : 'set'}`,
        Expiration: '2030-01-01T00:00:00Z',
      },
      AssumedRoleUser: { Arn: params.RoleArn, AssumedRoleId: params.SAMLProviderArn },
      SAMLAssertionInfo: {
        Subject: String(params.SAMLAssertion?.length),
        SubjectType: 'persistent',
        Issuer: 'x',
        Recipient: 'y',
      },
    }),
  },
  {
    product: 'Ims',
    version: '2019-08-15',
    action: 'GetSAMLProvider',
    anonymous: false,
    handler: async (ctx) => ({
      SAMLProvider: {
        SAMLProviderName: ctx.params.SAMLProviderName,
        Arn: ctx.caller?.arn,
        Description: JSON.stringify(echo(ctx)),
      },
    }),
  },
  {
    product: 'Ims',
    version: '2019-08-15',
    action: 'ListSAMLProviders',
    anonymous: false,
    handler: async ({ caller }) => ({
      IsTruncated: false,
      SAMLProviders: {
        SAMLProvider: [{ SAMLProviderName: 'okta', Arn: `acs:ram::${caller?.accountId}:saml-provider/okta` }],
      },
    }),
  },
  {
    product: 'Test',
    version: '2000-01-01',
    action: 'Echo',
    anonymous: false,
    handler: async (ctx) => echo(ctx),
  },
  {
    product: 'Test',
    version: '2000-01-01',
    action: 'Crash',
    anonymous: true,
    handler: async () => {
      throw new Error('secret detail');
    },
  },
];

export type RunningApp = {
  endpoint: string;
  port: number;
  close: () => Promise<void>;
  unexpected: unknown[];
  /** Every AccessKeyId the resolver was asked about. */
  resolvedKeys: string[];
  outcomes: RpcOutcome[];
};

export async function startRpcApp(overrides: Partial<RpcRouterOptions> = {}): Promise<RunningApp> {
  const unexpected: unknown[] = [];
  const resolvedKeys: string[] = [];
  const outcomes: RpcOutcome[] = [];
  const nonces = new MemoryEphemeral();
  const app = new Koa();
  const rpc = createRpcEndpoint({
    actions: testActions,
    resolveCredential: (accessKeyId, securityToken) => {
      resolvedKeys.push(accessKeyId);
      return resolveCredential(accessKeyId, securityToken);
    },
    nonces,
    hostId: 'sts.ramgate.test',
    onUnexpectedError: (error) => unexpected.push(error),
    onComplete: (outcome) => outcomes.push(outcome),
    ...overrides,
  });
  const server = createHttpServer(app, { rpc });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    unexpected,
    resolvedKeys,
    outcomes,
    close: () =>
      new Promise((resolve) => {
        nonces.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
