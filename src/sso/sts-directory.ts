/**
 * The directory as STS needs it, over the RAM directory, with compiled policies and a short
 * read-through cache: a sign-in reads a role, its policies and a provider; caching them for a few
 * seconds keeps Redis round trips per login low while changes still take effect quickly.
 */
import { ApiError } from '../core/errors.js';
import { compileCached } from '../core/policy-cache.js';
import { compilePolicySet, type PolicySet } from '../core/policy/index.js';
import type { Directory } from '../core/ram/index.js';
import type { RoleView, StsDirectory } from '../core/sts/ports.js';
import { TtlCache } from './ttl-cache.js';

const DEFAULT_TTL_MS = 5_000;

async function orUndefined<T>(promise: Promise<T>, missing: string[]): Promise<T | undefined> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof ApiError && missing.includes(err.code)) return undefined;
    throw err;
  }
}

/** A principal's policies compiled and indexed once per cache fill (every request reuses the set). */
const compileAll = (docs: Array<{ PolicyName: string; PolicyDocument: string }>): PolicySet =>
  compilePolicySet(docs.map((d) => compileCached(d.PolicyDocument, 'identity', d.PolicyName)));

export class CachedStsDirectory implements StsDirectory {
  private readonly roles: TtlCache<RoleView | undefined>;
  private readonly providers: TtlCache<{ arn: string } | undefined>;
  private readonly policies: TtlCache<PolicySet>;
  private readonly users: TtlCache<{ userName: string; userId: string } | undefined>;

  constructor(
    private readonly directory: Directory,
    ttlMs = DEFAULT_TTL_MS,
  ) {
    this.roles = new TtlCache(ttlMs);
    this.providers = new TtlCache(ttlMs);
    this.policies = new TtlCache(ttlMs);
    this.users = new TtlCache(ttlMs);
  }

  /** A RAM user's stored name and id (temporary credentials are bound to the id). */
  findUser(accountId: string, userName: string): Promise<{ userName: string; userId: string } | undefined> {
    return this.users.get(`${accountId}:${userName.toLowerCase()}`, async () => {
      const found = await this.directory.findEntity(accountId, 'user', userName);
      return found && { userName: found.name, userId: found.id };
    });
  }

  findRole(accountId: string, roleName: string): Promise<RoleView | undefined> {
    return this.roles.get(`${accountId}:${roleName.toLowerCase()}`, async () => {
      const found = await orUndefined(this.directory.GetRole(accountId, { RoleName: roleName }), [
        'EntityNotExist.Role',
        'EntityNotExist.Account',
        'InvalidParameter.RoleName',
      ]);
      if (!found) return undefined;
      const role = found.Role;
      return {
        accountId,
        roleName: role.RoleName,
        roleId: role.RoleId,
        arn: role.Arn,
        maxSessionDuration: role.MaxSessionDuration,
        trustPolicy: compileCached(role.AssumeRolePolicyDocument, 'trust', `trust policy of ${role.Arn}`),
      };
    });
  }

  findSamlProvider(accountId: string, name: string): Promise<{ arn: string } | undefined> {
    return this.providers.get(`${accountId}:${name.toLowerCase()}`, async () => {
      const provider = await this.directory.samlProviderForSso(accountId, name);
      return provider ? { arn: provider.arn } : undefined;
    });
  }

  userPolicies(accountId: string, userName: string): Promise<PolicySet> {
    return this.policies.get(`u:${accountId}:${userName.toLowerCase()}`, async () =>
      compileAll(await this.directory.effectivePoliciesForUser(accountId, userName)),
    );
  }

  rolePolicies(accountId: string, roleName: string): Promise<PolicySet> {
    return this.policies.get(`r:${accountId}:${roleName.toLowerCase()}`, async () =>
      compileAll(await this.directory.policiesForRole(accountId, roleName)),
    );
  }

  /** Forget everything (after a management write, so this instance sees it at once). */
  invalidate(): void {
    this.roles.clear();
    this.providers.clear();
    this.policies.clear();
    this.users.clear();
  }
}
