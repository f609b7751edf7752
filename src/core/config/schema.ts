/**
 * The declarative bootstrap config (YAML or JSON): accounts with their AccessKeys, SAML providers,
 * user SSO settings, custom policies, groups, users and roles. zod checks the shape and the
 * cross-references; the directory checks every Alibaba name rule and limit when it is applied.
 */
import { z } from 'zod';
import { roleMappingSchema } from '../mapping/rules.js';
import { userMappingSchema } from '../mapping/user.js';
import { ACCESS_KEY_ID_PATTERN, ACCESS_KEY_SECRET_PATTERN } from '../ram/ids.js';
import { findSystemPolicyIgnoringCase } from '../ram/policies.js';

const name = z.string().min(1, 'must not be empty').max(256, 'is too long');
const optionalText = z.string().max(4096, 'is too long').optional();

/** A policy document: JSON text, or the policy as a YAML/JSON object. */
const policyDocument = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

/** A named built-in metadata source such as `builtin-demo-idp`, supplied at runtime by a resolver. */
export const BUILTIN_METADATA = /^builtin-[a-z0-9-]{1,64}$/;

const metadataSource = {
  /** Path of an IdP metadata XML file, relative to the config file. */
  metadataFile: z.string().min(1).max(1024).optional(),
  /** A built-in metadata source (e.g. `builtin-demo-idp`). */
  metadata: z
    .string()
    .regex(BUILTIN_METADATA, 'must name a built-in source such as builtin-demo-idp')
    .optional(),
};

const authnSignAlgo = z.enum(['rsa-sha256', 'rsa-sha1']).optional();

const accessKey = z.strictObject({
  id: z.string().regex(ACCESS_KEY_ID_PATTERN, 'must be LTAI followed by 20 letters or digits'),
  secret: z.string().regex(ACCESS_KEY_SECRET_PATTERN, 'must be 30 letters or digits'),
  status: z.enum(['Active', 'Inactive']).default('Active'),
});

/** `PolicyName` (Custom when the account declares it, System otherwise) or `{ name, type }`. */
const policyRef = z.union([name, z.strictObject({ name, type: z.enum(['System', 'Custom']) })]);

const samlProvider = z.strictObject({
  name,
  description: optionalText,
  authnSignAlgo,
  ...metadataSource,
  /**
   * Refresh the metadata from this URL (https; http only on loopback) every
   * `metadataRefreshSeconds` (default 3600). metadataFile/metadata is the first copy; once the
   * provider exists, later applies leave its (refreshed) metadata alone.
   */
  metadataUrl: z.url().max(2048).optional(),
  metadataRefreshSeconds: z.number().int().min(10).max(604_800).optional(),
  /** Attribute → role rules, session name and duration (docs/idp-recipes.md). */
  mapping: roleMappingSchema.optional(),
});

const ssoSettings = z.strictObject({
  enabled: z.boolean().default(false),
  auxiliaryDomain: z.string().optional(),
  loginWithDomain: z.boolean().optional(),
  authnSignAlgo,
  ...metadataSource,
  /** Which attribute or NameID form names the RAM user (docs/idp-recipes.md). */
  mapping: userMappingSchema.optional(),
});

const policy = z.strictObject({ name, description: optionalText, document: policyDocument });

const group = z.strictObject({
  name,
  comments: optionalText,
  policies: z.array(policyRef).default([]),
});

const user = z.strictObject({
  name,
  displayName: optionalText,
  email: optionalText,
  mobilePhone: optionalText,
  comments: optionalText,
  groups: z.array(name).default([]),
  policies: z.array(policyRef).default([]),
  accessKeys: z.array(accessKey).default([]),
});

const role = z.strictObject({
  name,
  description: optionalText,
  maxSessionDuration: z.number().int('must be a whole number of seconds').optional(),
  policies: z.array(policyRef).default([]),
  /** The trust policy (AssumeRolePolicyDocument) as JSON text or an object … */
  trustPolicy: policyDocument.optional(),
  /** … or generated: trusted by these SAML providers of the account, for this ACS recipient. */
  trustedSamlProviders: z.array(name).min(1).optional(),
  samlRecipient: z.url().optional(),
});

const account = z.strictObject({
  id: z.string().regex(/^[0-9]{1,32}$/, 'must be 1 to 32 decimal digits'),
  alias: z.string().optional(),
  domainAlias: z.string().optional(),
  /** Root AccessKeys of the account, for the management API. */
  accessKeys: z.array(accessKey).default([]),
  samlProviders: z.array(samlProvider).default([]),
  /** User-based SSO settings of the account. */
  ssoSettings: ssoSettings.optional(),
  policies: z.array(policy).default([]),
  groups: z.array(group).default([]),
  users: z.array(user).default([]),
  roles: z.array(role).default([]),
});

const perMinute = z.number().int().min(0).max(1_000_000);
const budget = z
  .strictObject({
    total: z.number().int().min(1).max(100_000_000),
    perClient: z.number().int().min(1).max(1_000_000),
  })
  .partial();

/** Settings of the gateway process itself (command-line options and RAMGATE_* variables override them). */
const gateway = z.strictObject({
  /** Public base URL: ACS URLs, SP metadata and saml:recipient derive from it. */
  baseUrl: z.url().optional(),
  /** Role-based SSO SP entityID (Audience). */
  roleSpEntityId: z.string().min(1).max(1024).optional(),
  /** SP key and certificate files (relative to the config file): sign AuthnRequests, decrypt assertions. */
  sp: z
    .strictObject({
      keyFile: z.string().min(1).optional(),
      certFile: z.string().min(1).optional(),
      /** Extra decryption keys (the next key during an SP key rollover). */
      decryptionKeyFiles: z.array(z.string().min(1)).max(2).optional(),
    })
    .optional(),
  /** SAML provider ARNs, or IdP entityIDs (user-based SSO), allowed to send AES-CBC encrypted assertions. */
  allowAesCbcProviders: z.array(z.string().min(1).max(1024)).optional(),
  /** Clock skew allowed in assertion time checks, seconds. */
  skewSeconds: z.number().int().min(0).max(600).optional(),
  /** Native HTTPS (docs/deployment.md): certificate chain and key files, reloaded when they change. */
  tls: z
    .strictObject({
      certFile: z.string().min(1),
      keyFile: z.string().min(1),
      /** Also listen for plain HTTP on this port, answering only redirects to https. */
      httpRedirectPort: z.number().int().min(0).max(65_535).optional(),
    })
    .optional(),
  /** Reverse proxies (CIDR blocks or addresses) whose Forwarded / X-Forwarded-* headers are believed. */
  trustProxy: z.array(z.string().min(1).max(64)).max(256).optional(),
  /** Strict-Transport-Security max-age on https answers, seconds (default one year; 0 sends none). */
  hstsMaxAge: z.number().int().min(0).max(63_072_000).optional(),
  /** /metrics: on a listener of its own (`host:port`) and/or behind a bearer token read from a file. */
  operator: z
    .strictObject({ listen: z.string().min(3).max(300).optional(), tokenFile: z.string().min(1).optional() })
    .optional(),
  /** Requests per minute and client address, by route class (README "Rate limits"); 0 turns one off. */
  rateLimits: z
    .strictObject({ login: perMinute, acs: perMinute, sts: perMinute, api: perMinute })
    .partial()
    .optional(),
  /** Caps of the ephemeral state clients can make the gateway create (README "Budgets"). */
  budgets: z
    .strictObject({
      authnRequest: budget,
      cliRequest: budget,
      cliCode: budget,
      session: budget,
      roleChoice: budget,
      rate: budget,
      signInStep: budget,
    })
    .partial()
    .optional(),
  /** Accept a Redis maxmemory-policy other than noeviction, with a warning (README "Redis"). */
  redisAllowEviction: z.boolean().optional(),
});

export const configSchema = z
  .strictObject({
    gateway: gateway.optional(),
    accounts: z.array(account).min(1, 'must declare at least one account'),
  })
  .superRefine(checkReferences);

export type RamgateConfig = z.infer<typeof configSchema>;
export type AccountConfig = RamgateConfig['accounts'][number];
export type PolicyRefConfig = z.infer<typeof policyRef>;

type Issue = { path: Array<string | number>; message: string };

/** Cross-references and uniqueness, so a bad config fails before anything is applied. */
function checkReferences(config: { accounts: AccountConfig[] }, ctx: z.RefinementCtx): void {
  const report = (issue: Issue) => ctx.addIssue({ code: 'custom', ...issue });
  unique(
    config.accounts.map((a) => a.id),
    ['accounts'],
    'id',
    report,
  );
  config.accounts.forEach((a, i) => checkAccount(a, ['accounts', i], report));
}

function checkAccount(a: AccountConfig, at: Array<string | number>, report: (i: Issue) => void): void {
  const lists = ['samlProviders', 'policies', 'groups', 'users', 'roles'] as const;
  for (const list of lists)
    unique(
      a[list].map((e) => e.name),
      [...at, list],
      'name',
      report,
    );
  const providers = new Set(a.samlProviders.map((p) => p.name.toLowerCase()));
  const groups = new Set(a.groups.map((g) => g.name.toLowerCase()));
  const custom = new Set(a.policies.map((p) => p.name.toLowerCase()));
  const checkPolicies = (refs: PolicyRefConfig[], path: Array<string | number>) =>
    refs.forEach((ref, k) => {
      const problem = policyRefProblem(ref, custom);
      if (problem) report({ path: [...path, k], message: problem });
    });
  a.samlProviders.forEach((p, k) => exactlyOneMetadata(p, [...at, 'samlProviders', k], true, report));
  if (a.ssoSettings) exactlyOneMetadata(a.ssoSettings, [...at, 'ssoSettings'], a.ssoSettings.enabled, report);
  a.groups.forEach((g, k) => checkPolicies(g.policies, [...at, 'groups', k, 'policies']));
  a.users.forEach((u, k) => {
    checkPolicies(u.policies, [...at, 'users', k, 'policies']);
    u.groups.forEach((g, m) => {
      if (!groups.has(g.toLowerCase()))
        report({
          path: [...at, 'users', k, 'groups', m],
          message: `group "${g}" is not declared in this account`,
        });
    });
  });
  a.roles.forEach((r, k) => {
    const path = [...at, 'roles', k];
    checkPolicies(r.policies, [...path, 'policies']);
    if ((r.trustPolicy === undefined) === (r.trustedSamlProviders === undefined))
      report({ path, message: 'give exactly one of trustPolicy and trustedSamlProviders' });
    r.trustedSamlProviders?.forEach((p, m) => {
      if (!providers.has(p.toLowerCase()))
        report({
          path: [...path, 'trustedSamlProviders', m],
          message: `SAML provider "${p}" is not declared in this account`,
        });
    });
  });
}

function policyRefProblem(ref: PolicyRefConfig, custom: Set<string>): string | undefined {
  const { name: n, type } = typeof ref === 'string' ? { name: ref, type: undefined } : ref;
  const isCustom = custom.has(n.toLowerCase());
  if (type === 'Custom' || (type === undefined && isCustom))
    return isCustom ? undefined : `custom policy "${n}" is not declared in this account`;
  return findSystemPolicyIgnoringCase(n)
    ? undefined
    : `"${n}" is neither a declared custom policy nor a system policy`;
}

function exactlyOneMetadata(
  source: { metadataFile?: string | undefined; metadata?: string | undefined },
  path: Array<string | number>,
  required: boolean,
  report: (i: Issue) => void,
): void {
  if (source.metadataFile !== undefined && source.metadata !== undefined)
    report({ path, message: 'give either metadataFile or metadata, not both' });
  else if (required && source.metadataFile === undefined && source.metadata === undefined)
    report({ path, message: 'needs metadataFile (a path) or metadata (a built-in source)' });
}

function unique(
  names: string[],
  path: Array<string | number>,
  field: string,
  report: (i: Issue) => void,
): void {
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const first = seen.get(n.toLowerCase());
    if (first !== undefined)
      report({
        path: [...path, i, field],
        message: `"${n}" repeats entry ${first} (names are case-insensitive)`,
      });
    else seen.set(n.toLowerCase(), i);
  });
}
