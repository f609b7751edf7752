/**
 * Applying a validated config to the directory. Create-or-update, so applying the same config
 * again to a persisted store changes nothing and fails on nothing; entities the config does not
 * mention are left alone (nothing is deleted). A failure names the config path it came from.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError, isApiError, type ErrorCode } from '../errors.js';
import type { Directory } from '../ram/index.js';
import { LIMITS } from '../ram/index.js';
import type { Params } from '../ram/params.js';
import {
  configProblemsError,
  explainFileError,
  FieldProblem,
  insideFailed,
  stepProblem,
  type ConfigProblem,
  type ConfigSource,
} from './problems.js';
import type { AccountConfig, PolicyRefConfig, RamgateConfig } from './schema.js';
import { ALIBABA_ROLE_ACS, policyText, samlTrustPolicy } from './trust.js';

export interface ApplyOptions {
  /** Directory of the config file: metadataFile paths are relative to it. */
  baseDir: string;
  /** Supplies a built-in metadata source (`builtin-demo-idp` → the gateway's development IdP) as XML. */
  resolveBuiltinMetadata?: (name: string) => string | Promise<string>;
  /** Recipient of generated SAML trust policies when a role gives no samlRecipient (the gateway's role ACS). */
  samlRecipient?: string;
  /** Reads a metadata file as text (default: the file system). */
  readTextFile?: (path: string) => Promise<string>;
  /** What is wrong with a metadata document beyond its form (e.g. an expired validUntil), if anything. */
  metadataProblem?: (xml: string) => string | undefined;
  /** The config's file and text: errors name the line of each problem. */
  source?: ConfigSource | undefined;
  /**
   * Collect every problem here instead of stopping at the first one (a dry run on a scratch
   * directory); the steps inside an element that failed are skipped.
   */
  problems?: ConfigProblem[];
}

export type ApplyResult = { actions: string[] };

type Path = Array<string | number>;

class Applier {
  readonly actions: string[] = [];
  private readonly failed: Path[] = [];

  constructor(
    private readonly directory: Directory,
    private readonly options: ApplyOptions,
    private readonly config: RamgateConfig,
  ) {}

  /**
   * Run one step; an error names the config path (down to the field) and line. Collecting, the
   * problem is kept and the steps inside the failed element are skipped; otherwise it is thrown.
   */
  async step(path: Path, work: () => Promise<unknown>): Promise<void> {
    if (insideFailed(this.failed, path)) return;
    try {
      await work();
    } catch (e) {
      if (isApiError(e) && e.code === 'InvalidParameter.Config') throw e;
      const problem = stepProblem(this.config, path, e);
      if (!this.options.problems) {
        const error = configProblemsError(this.options.source, [problem]);
        throw new ApiError('InvalidParameter.Config', error.message, { cause: e });
      }
      this.options.problems.push(problem);
      this.failed.push(path);
    }
  }

  /**
   * Collecting, after the element at `path` failed: make a stand-in with `standIn` (e.g. the account
   * without its bad alias) so the steps inside it are still checked. The problem stays reported.
   */
  async checkInsideAnyway(path: Path, standIn: () => Promise<unknown>): Promise<void> {
    const index = this.failed.findIndex((f) => f.length === path.length && f.every((p, i) => p === path[i]));
    if (!this.options.problems || index < 0) return;
    try {
      await standIn();
      this.failed.splice(index, 1);
    } catch {
      // the element cannot be made at all: what is inside it stays skipped
    }
  }

  /** Create, or when the entity exists (the create failed with `existsCode`) update it. */
  async createOrUpdate(
    what: string,
    create: () => Promise<unknown>,
    existsCode: ErrorCode,
    update: () => Promise<boolean>,
  ) {
    try {
      await create();
      this.actions.push(`created ${what}`);
    } catch (e) {
      if (!isApiError(e) || e.code !== existsCode) throw e;
      if (await update()) this.actions.push(`updated ${what}`);
    }
  }

  /** Add a link (membership, attachment) unless it is already there. */
  async link(what: string, add: () => Promise<unknown>, existsCode: ErrorCode) {
    try {
      await add();
      this.actions.push(`added ${what}`);
    } catch (e) {
      if (!isApiError(e) || e.code !== existsCode) throw e;
    }
  }

  async metadataBase64(source: { metadataFile?: string | undefined; metadata?: string | undefined }) {
    let xml: string;
    if (source.metadataFile !== undefined) {
      const path = resolve(this.options.baseDir, source.metadataFile);
      try {
        xml = await (this.options.readTextFile ?? ((p: string) => readFile(p, 'utf8')))(path);
      } catch (e) {
        throw new FieldProblem(
          'metadataFile',
          `${explainFileError(e, path)} (metadataFile is relative to the config file; download the IdP's metadata there)`,
        );
      }
    } else if (source.metadata !== undefined) {
      if (!this.options.resolveBuiltinMetadata)
        throw new FieldProblem(
          'metadata',
          `the built-in metadata "${source.metadata}" is not available here`,
        );
      xml = await this.options.resolveBuiltinMetadata(source.metadata);
    } else return undefined;
    const problem = this.options.metadataProblem?.(xml);
    if (problem)
      throw new FieldProblem(source.metadataFile !== undefined ? 'metadataFile' : 'metadata', problem);
    const encoded = Buffer.from(xml, 'utf8').toString('base64');
    if (encoded.length > LIMITS.metadataDocumentChars) throw new Error('the metadata document is too large');
    return encoded;
  }
}

/** Keep the `New…` parameters whose value is given and differs from the current one. */
function changes(
  current: Record<string, unknown>,
  desired: Record<string, [param: string, value: unknown]>,
): Params {
  const out: Params = {};
  for (const [field, [param, value]] of Object.entries(desired))
    if (value !== undefined && current[field] !== value) out[param] = value;
  return out;
}

const hasChanges = (params: Params) => Object.keys(params).length > 0;

function policyParams(ref: PolicyRefConfig, custom: Set<string>): Params {
  if (typeof ref !== 'string') return { PolicyName: ref.name, PolicyType: ref.type };
  return { PolicyName: ref, PolicyType: custom.has(ref.toLowerCase()) ? 'Custom' : 'System' };
}

export async function applyConfig(directory: Directory, config: RamgateConfig, options: ApplyOptions) {
  const applier = new Applier(directory, options, config);
  for (const [i, account] of config.accounts.entries())
    await applyAccount(applier, directory, account, ['accounts', i], options);
  return { actions: applier.actions } satisfies ApplyResult;
}

async function applyAccount(a: Applier, d: Directory, acc: AccountConfig, at: Path, options: ApplyOptions) {
  const id = acc.id;
  const custom = new Set(acc.policies.map((p) => p.name.toLowerCase()));
  await a.step(at, () =>
    a.createOrUpdate(
      `account ${id}`,
      () => d.CreateAccount({ AccountId: id, AccountAlias: acc.alias }),
      'EntityAlreadyExists.Account',
      async () => {
        const { AccountAlias } = await d.GetAccountAlias(id);
        if (acc.alias === undefined || acc.alias === AccountAlias) return false;
        await d.SetAccountAlias(id, { AccountAlias: acc.alias });
        return true;
      },
    ),
  );
  await a.checkInsideAnyway(at, () => d.CreateAccount({ AccountId: id }));
  if (acc.domainAlias !== undefined)
    await a.step([...at, 'domainAlias'], () => d.SetDomainAlias(id, { DomainAlias: acc.domainAlias }));
  for (const [k, key] of acc.accessKeys.entries())
    await a.step([...at, 'accessKeys', k], () =>
      d.importAccessKey(id, {
        AccountPrincipal: true,
        AccessKeyId: key.id,
        AccessKeySecret: key.secret,
        Status: key.status,
      }),
    );

  for (const [k, p] of acc.samlProviders.entries())
    await a.step([...at, 'samlProviders', k], async () => {
      const metadata = await a.metadataBase64(p);
      // A provider refreshed from its metadata URL keeps what the refresh fetched.
      const newMetadata = p.metadataUrl === undefined ? metadata : undefined;
      const mapping = p.mapping ? JSON.stringify(p.mapping) : undefined;
      const create = {
        SAMLProviderName: p.name,
        Description: p.description,
        AuthnSignAlgo: p.authnSignAlgo,
        MappingRules: mapping,
      };
      await a.createOrUpdate(
        `SAML provider ${p.name}`,
        () => d.CreateSAMLProvider(id, { ...create, EncodedSAMLMetadataDocument: metadata }),
        'EntityAlreadyExists.SAMLProvider',
        async () => {
          const { SAMLProvider: current } = await d.GetSAMLProvider(id, { SAMLProviderName: p.name });
          const update = changes(current, {
            Description: ['NewDescription', p.description],
            EncodedSAMLMetadataDocument: ['NewEncodedSAMLMetadataDocument', newMetadata],
            AuthnSignAlgo: ['AuthnSignAlgo', p.authnSignAlgo],
            // Rules removed from the config are cleared ('{}'), not kept.
            MappingRules: ['MappingRules', mapping ?? (current.MappingRules ? '{}' : undefined)],
          });
          if (!hasChanges(update)) return false;
          await d.UpdateSAMLProvider(id, {
            SAMLProviderName: p.name,
            NewEncodedSAMLMetadataDocument: newMetadata,
            ...update,
          });
          return true;
        },
      );
    });

  const sso = acc.ssoSettings;
  if (sso)
    await a.step([...at, 'ssoSettings'], async () => {
      const metadata = await a.metadataBase64(sso);
      await d.SetUserSsoSettings(id, {
        MetadataDocument: metadata,
        SsoEnabled: sso.enabled,
        AuxiliaryDomain: sso.auxiliaryDomain,
        SsoLoginWithDomain: sso.loginWithDomain,
        AuthnSignAlgo: sso.authnSignAlgo,
        MappingRules: JSON.stringify(sso.mapping ?? {}),
      });
    });

  for (const [k, p] of acc.policies.entries())
    await a.step([...at, 'policies', k], () => {
      const document = policyText(p.document);
      return a.createOrUpdate(
        `policy ${p.name}`,
        () =>
          d.CreatePolicy(id, { PolicyName: p.name, PolicyDocument: document, Description: p.description }),
        'EntityAlreadyExists.Policy',
        async () => {
          const { DefaultPolicyVersion } = await d.GetPolicy(id, {
            PolicyName: p.name,
            PolicyType: 'Custom',
          });
          if (DefaultPolicyVersion.PolicyDocument === document) return false;
          await d.CreatePolicyVersion(id, {
            PolicyName: p.name,
            PolicyDocument: document,
            SetAsDefault: true,
            RotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded',
          });
          return true;
        },
      );
    });

  for (const [k, g] of acc.groups.entries()) {
    const path = [...at, 'groups', k];
    await a.step(path, () =>
      a.createOrUpdate(
        `group ${g.name}`,
        () => d.CreateGroup(id, { GroupName: g.name, Comments: g.comments }),
        'EntityAlreadyExists.Group',
        async () => {
          const { Group } = await d.GetGroup(id, { GroupName: g.name });
          const update = changes(Group, { Comments: ['NewComments', g.comments] });
          if (!hasChanges(update)) return false;
          await d.UpdateGroup(id, { GroupName: g.name, ...update });
          return true;
        },
      ),
    );
    await attachAll(a, g.policies, custom, [...path, 'policies'], `group ${g.name}`, (p) =>
      d.AttachPolicyToGroup(id, { GroupName: g.name, ...p }),
    );
  }

  for (const [k, u] of acc.users.entries()) await applyUser(a, d, id, u, [...at, 'users', k], custom);

  for (const [k, r] of acc.roles.entries()) {
    const path = [...at, 'roles', k];
    const trust =
      r.trustPolicy !== undefined
        ? policyText(r.trustPolicy)
        : samlTrustPolicy(
            id,
            r.trustedSamlProviders ?? [],
            r.samlRecipient ?? options.samlRecipient ?? ALIBABA_ROLE_ACS,
          );
    await a.step(path, () =>
      a.createOrUpdate(
        `role ${r.name}`,
        () =>
          d.CreateRole(id, {
            RoleName: r.name,
            AssumeRolePolicyDocument: trust,
            Description: r.description,
            MaxSessionDuration: r.maxSessionDuration,
          }),
        'EntityAlreadyExists.Role',
        async () => {
          const { Role } = await d.GetRole(id, { RoleName: r.name });
          const update = changes(Role, {
            AssumeRolePolicyDocument: ['NewAssumeRolePolicyDocument', trust],
            Description: ['NewDescription', r.description],
            MaxSessionDuration: ['NewMaxSessionDuration', r.maxSessionDuration],
          });
          if (!hasChanges(update)) return false;
          await d.UpdateRole(id, { RoleName: r.name, ...update });
          return true;
        },
      ),
    );
    await attachAll(a, r.policies, custom, [...path, 'policies'], `role ${r.name}`, (p) =>
      d.AttachPolicyToRole(id, { RoleName: r.name, ...p }),
    );
  }
}

async function applyUser(
  a: Applier,
  d: Directory,
  id: string,
  u: AccountConfig['users'][number],
  path: Path,
  custom: Set<string>,
) {
  const profile = {
    DisplayName: u.displayName,
    Email: u.email,
    MobilePhone: u.mobilePhone,
    Comments: u.comments,
  };
  await a.step(path, () =>
    a.createOrUpdate(
      `user ${u.name}`,
      () => d.CreateUser(id, { UserName: u.name, ...profile }),
      'EntityAlreadyExists.User',
      async () => {
        const { User } = await d.GetUser(id, { UserName: u.name });
        const update = changes(User, {
          DisplayName: ['NewDisplayName', u.displayName],
          Email: ['NewEmail', u.email],
          MobilePhone: ['NewMobilePhone', u.mobilePhone],
          Comments: ['NewComments', u.comments],
        });
        if (!hasChanges(update)) return false;
        await d.UpdateUser(id, { UserName: u.name, ...update });
        return true;
      },
    ),
  );
  for (const [k, key] of u.accessKeys.entries())
    await a.step([...path, 'accessKeys', k], () =>
      d.importAccessKey(id, {
        UserName: u.name,
        AccessKeyId: key.id,
        AccessKeySecret: key.secret,
        Status: key.status,
      }),
    );
  for (const [k, group] of u.groups.entries())
    await a.step([...path, 'groups', k], () =>
      a.link(
        `user ${u.name} to group ${group}`,
        () => d.AddUserToGroup(id, { UserName: u.name, GroupName: group }),
        'EntityAlreadyExists.User.Group',
      ),
    );
  await attachAll(a, u.policies, custom, [...path, 'policies'], `user ${u.name}`, (p) =>
    d.AttachPolicyToUser(id, { UserName: u.name, ...p }),
  );
}

async function attachAll(
  a: Applier,
  refs: PolicyRefConfig[],
  custom: Set<string>,
  path: Path,
  to: string,
  attach: (policy: Params) => Promise<unknown>,
) {
  for (const [k, ref] of refs.entries()) {
    const policy = policyParams(ref, custom);
    await a.step([...path, k], () =>
      a.link(
        `${String(policy['PolicyType'])} policy ${String(policy['PolicyName'])} to ${to}`,
        () => attach(policy),
        'EntityAlreadyExists.Attachment',
      ),
    );
  }
}
