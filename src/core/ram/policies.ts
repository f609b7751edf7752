/**
 * Policies: built-in System policies (from the policy engine) and Custom policies of an account
 * (name ≤ 128 `^[a-zA-Z0-9-]+$`, document ≤ 6,144 characters, versions in policy-versions.ts).
 */
import { ApiError, missingParameter } from '../errors.js';
import {
  compilePolicy,
  findSystemPolicyIgnoringCase,
  SYSTEM_POLICIES,
  type SystemPolicy,
} from '../policy/index.js';
import { requireAccount } from './accounts.js';
import { formatDate } from './ids.js';
import {
  descriptionParam,
  checkedString,
  listResponse,
  oneOf,
  optionalBool,
  paginate,
  requiredString,
  type Params,
} from './params.js';
import { checkPolicyName, clip, LIMITS, nameKey } from './rules.js';
import { C, commit, compact, create, json, read, readAll, remove, createEntity } from './storage.js';
import type { DirectoryContext, GuardedWrite, PolicyType } from './storage.js';
import { sweepCustomPolicy } from './sweep.js';

export type PolicyRecord = {
  PolicyName: string;
  Description: string;
  DefaultVersion: string;
  /** Highest version number ever used: version ids are never reused. */
  LastVersion: number;
  CreateDate: string;
  UpdateDate: string;
};
export type PolicyVersionRecord = { VersionId: string; PolicyDocument: string; CreateDate: string };

/** A policy of either type with its default document, as attachments and evaluation need it. */
export type ResolvedPolicy = {
  PolicyName: string;
  PolicyType: PolicyType;
  Description: string;
  DefaultVersion: string;
  PolicyDocument: string;
  DefaultVersionDate: string;
  CreateDate: string;
  UpdateDate: string;
};

/** System policies have no dates in the engine; they report the epoch of ramgate's catalogue. */
const SYSTEM_POLICY_DATE = '2015-04-01T00:00:00Z';

export const policyMissing = (type: PolicyType, name: string) => () =>
  new ApiError('EntityNotExist.Policy', `The ${type} policy ${clip(name)} does not exist.`);

export function policyTypeParam(params: Params, required = true): PolicyType | undefined {
  const type = oneOf(params, 'PolicyType', ['System', 'Custom'] as const, 'InvalidParameter.PolicyType');
  if (type === undefined && required) throw missingParameter('PolicyType');
  return type;
}

export const policyNameParam = (params: Params) => checkedString(params, 'PolicyName', checkPolicyName);

/** A custom policy document must compile as an identity policy (grammar, ≤ 6,144 characters). */
export function checkPolicyDocument(document: string): void {
  compilePolicy(document, 'identity');
}

export { findSystemPolicyIgnoringCase };

function systemResolved(p: SystemPolicy): ResolvedPolicy {
  return {
    PolicyName: p.name,
    PolicyType: 'System',
    Description: p.description,
    DefaultVersion: 'v1',
    PolicyDocument: p.document,
    DefaultVersionDate: SYSTEM_POLICY_DATE,
    CreateDate: SYSTEM_POLICY_DATE,
    UpdateDate: SYSTEM_POLICY_DATE,
  };
}

/** A custom policy record as a ResolvedPolicy (listings leave the document out). */
function customResolved(p: PolicyRecord, document: string): ResolvedPolicy {
  return { ...p, PolicyType: 'Custom', PolicyDocument: document, DefaultVersionDate: p.UpdateDate };
}

export async function requireCustomPolicy(ctx: DirectoryContext, accountId: string, name: string) {
  const policy = await read<PolicyRecord>(ctx, accountId, C.policy, nameKey(name));
  if (!policy) throw policyMissing('Custom', name)();
  return policy;
}

export async function resolvePolicy(
  ctx: DirectoryContext,
  accountId: string,
  type: PolicyType,
  name: string,
): Promise<ResolvedPolicy | undefined> {
  if (type === 'System') {
    const p = findSystemPolicyIgnoringCase(name);
    return p && systemResolved(p);
  }
  const policy = await read<PolicyRecord>(ctx, accountId, C.policy, nameKey(name));
  if (!policy) return undefined;
  const version = await read<PolicyVersionRecord>(
    ctx,
    accountId,
    C.policyVersions(nameKey(name)),
    policy.DefaultVersion,
  );
  if (!version) return undefined;
  return {
    ...policy,
    PolicyType: 'Custom',
    PolicyDocument: version.PolicyDocument,
    DefaultVersionDate: version.CreateDate,
  };
}

export async function requirePolicy(
  ctx: DirectoryContext,
  accountId: string,
  type: PolicyType,
  name: string,
) {
  const policy = await resolvePolicy(ctx, accountId, type, name);
  if (!policy) throw policyMissing(type, name)();
  return policy;
}

function policyShape(p: ResolvedPolicy, attachmentCount?: number) {
  return compact({
    PolicyName: p.PolicyName,
    PolicyType: p.PolicyType,
    Description: p.Description,
    DefaultVersion: p.DefaultVersion,
    CreateDate: p.CreateDate,
    UpdateDate: p.UpdateDate,
    AttachmentCount: attachmentCount,
  });
}

export async function createPolicy(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const document = requiredString(params, 'PolicyDocument');
  const description = descriptionParam(params, 'Description', LIMITS.policyDescriptionChars);
  checkPolicyDocument(document);
  const now = formatDate(ctx.now());
  const policy: PolicyRecord = {
    PolicyName: name,
    Description: description ?? '',
    DefaultVersion: 'v1',
    LastVersion: 1,
    CreateDate: now,
    UpdateDate: now,
  };
  const version: PolicyVersionRecord = { VersionId: 'v1', PolicyDocument: document, CreateDate: now };
  await commit(ctx.store, [
    createEntity(accountId, 'Policy', C.policy, name, json(policy), LIMITS.customPoliciesPerAccount),
    create(accountId, C.policyVersions(nameKey(name)), 'v1', json(version)),
  ]);
  return { Policy: policyShape(customResolved(policy, '')) };
}

export async function getPolicy(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const type = policyTypeParam(params) as PolicyType;
  const policy = await requirePolicy(ctx, accountId, type, name);
  const attachments = await ctx.store.count(accountId, C.policyAttachments(type, nameKey(policy.PolicyName)));
  return {
    Policy: policyShape(policy, attachments),
    DefaultPolicyVersion: {
      VersionId: policy.DefaultVersion,
      IsDefaultVersion: true,
      PolicyDocument: policy.PolicyDocument,
      CreateDate: policy.DefaultVersionDate,
    },
  };
}

export async function listPolicies(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const type = policyTypeParam(params, false);
  const records: Array<{ key: string; value: ResolvedPolicy }> = [];
  if (type !== 'Custom')
    for (const p of SYSTEM_POLICIES)
      records.push({ key: `System:${p.name.toLowerCase()}`, value: systemResolved(p) });
  if (type !== 'System')
    for (const { key, value } of await readAll<PolicyRecord>(ctx, accountId, C.policy))
      records.push({ key: `Custom:${key}`, value: customResolved(value, '') });
  records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const page = paginate(records, params);
  const counts = await Promise.all(
    page.items.map((p) =>
      ctx.store.count(accountId, C.policyAttachments(p.PolicyType, nameKey(p.PolicyName))),
    ),
  );
  return listResponse(
    'Policies',
    'Policy',
    page.items.map((p, i) => policyShape(p, counts[i])),
    page,
  );
}

/** DeletePolicy refuses while attached, and while non-default versions remain unless CascadingDelete. */
export async function deletePolicy(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const cascade = optionalBool(params, 'CascadingDelete') ?? false;
  const policy = await requireCustomPolicy(ctx, accountId, name);
  const key = nameKey(policy.PolicyName);
  const [attachments, versions] = await Promise.all([
    ctx.store.count(accountId, C.policyAttachments('Custom', key)),
    ctx.store.list(accountId, C.policyVersions(key)),
  ]);
  if (attachments > 0)
    throw new ApiError(
      'DeleteConflict.Policy.Attachment',
      `The policy ${policy.PolicyName} is still attached to ${attachments} principal(s).`,
    );
  if (versions.length > 1 && !cascade)
    throw new ApiError(
      'DeleteConflict.Policy.Version',
      `The policy ${policy.PolicyName} still has ${versions.length - 1} non-default version(s).`,
    );
  const writes: GuardedWrite[] = [
    remove(accountId, C.policy, key, policyMissing('Custom', name)),
    ...versions.map((v) => remove(accountId, C.policyVersions(key), v.key)),
  ];
  await commit(ctx.store, writes);
  await sweepCustomPolicy(ctx, accountId, key);
  return {};
}
