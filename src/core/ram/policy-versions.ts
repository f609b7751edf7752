/**
 * Versions of custom policies: v1..vN (ids never reused), at most 5, one default. System policies
 * have the single version v1.
 */
import { ApiError } from '../errors.js';
import { requireAccount } from './accounts.js';
import { formatDate } from './ids.js';
import { oneOf, optionalBool, requiredString, type Params } from './params.js';
import {
  checkPolicyDocument,
  policyMissing,
  policyNameParam,
  policyTypeParam,
  requireCustomPolicy,
  requirePolicy,
  type PolicyRecord,
  type PolicyVersionRecord,
} from './policies.js';
import { clip, LIMITS, nameKey } from './rules.js';
import { C, commit, create, json, read, readAll, remove, update } from './storage.js';
import type { DirectoryContext, GuardedWrite, PolicyType } from './storage.js';

const ROTATE_STRATEGIES = ['None', 'DeleteOldestNonDefaultVersionWhenLimitExceeded'] as const;

const versionMissing = (policy: string, version: string) => () =>
  new ApiError('EntityNotExist.PolicyVersion', `The policy ${policy} has no version ${clip(version)}.`);

function versionIdParam(params: Params): string {
  const id = requiredString(params, 'VersionId');
  if (!/^v[1-9][0-9]{0,8}$/.test(id))
    throw new ApiError('InvalidParameter.VersionId', `VersionId "${clip(id)}" must be v1, v2, ….`);
  return id;
}

const versionNumber = (id: string) => Number(id.slice(1));

function versionShape(v: PolicyVersionRecord, defaultVersion: string) {
  return {
    VersionId: v.VersionId,
    IsDefaultVersion: v.VersionId === defaultVersion,
    PolicyDocument: v.PolicyDocument,
    CreateDate: v.CreateDate,
  };
}

async function versionsOf(ctx: DirectoryContext, accountId: string, policy: PolicyRecord) {
  const records = await readAll<PolicyVersionRecord>(
    ctx,
    accountId,
    C.policyVersions(nameKey(policy.PolicyName)),
  );
  return records.map((r) => r.value).sort((a, b) => versionNumber(a.VersionId) - versionNumber(b.VersionId));
}

export async function createPolicyVersion(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const document = requiredString(params, 'PolicyDocument');
  const setAsDefault = optionalBool(params, 'SetAsDefault') ?? false;
  const rotate =
    oneOf(params, 'RotateStrategy', ROTATE_STRATEGIES, 'InvalidParameter.RotateStrategy') ?? 'None';
  checkPolicyDocument(document);
  const policy = await requireCustomPolicy(ctx, accountId, name);
  const key = nameKey(policy.PolicyName);
  const versions = await versionsOf(ctx, accountId, policy);
  const writes: GuardedWrite[] = [];
  if (versions.length >= LIMITS.versionsPerPolicy && rotate !== 'None') {
    const oldest = versions.find((v) => v.VersionId !== policy.DefaultVersion);
    if (oldest) writes.push(remove(accountId, C.policyVersions(key), oldest.VersionId));
  }
  const now = formatDate(ctx.now());
  const version: PolicyVersionRecord = {
    VersionId: `v${policy.LastVersion + 1}`,
    PolicyDocument: document,
    CreateDate: now,
  };
  const next: PolicyRecord = {
    ...policy,
    LastVersion: policy.LastVersion + 1,
    DefaultVersion: setAsDefault ? version.VersionId : policy.DefaultVersion,
    UpdateDate: now,
  };
  writes.push(
    create(
      accountId,
      C.policyVersions(key),
      version.VersionId,
      json(version),
      {
        limit: () =>
          new ApiError(
            'LimitExceeded.Policy.Version',
            `The policy ${policy.PolicyName} already has ${LIMITS.versionsPerPolicy} versions; delete one first.`,
          ),
      },
      // When rotating, the delete above makes room within the same batch.
      writes.length > 0 ? undefined : LIMITS.versionsPerPolicy,
    ),
    update(accountId, C.policy, key, json(next), policyMissing('Custom', name)),
  );
  await commit(ctx.store, writes);
  return { PolicyVersion: versionShape(version, next.DefaultVersion) };
}

export async function getPolicyVersion(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const type = policyTypeParam(params) as PolicyType;
  const versionId = versionIdParam(params);
  if (type === 'System') {
    const policy = await requirePolicy(ctx, accountId, 'System', name);
    if (versionId !== 'v1') throw versionMissing(policy.PolicyName, versionId)();
    const v = { VersionId: 'v1', PolicyDocument: policy.PolicyDocument, CreateDate: policy.CreateDate };
    return { PolicyVersion: versionShape(v, 'v1') };
  }
  const policy = await requireCustomPolicy(ctx, accountId, name);
  const version = await read<PolicyVersionRecord>(ctx, accountId, C.policyVersions(nameKey(name)), versionId);
  if (!version) throw versionMissing(policy.PolicyName, versionId)();
  return { PolicyVersion: versionShape(version, policy.DefaultVersion) };
}

export async function listPolicyVersions(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const type = policyTypeParam(params) as PolicyType;
  if (type === 'System') {
    const policy = await requirePolicy(ctx, accountId, 'System', name);
    const v = { VersionId: 'v1', PolicyDocument: policy.PolicyDocument, CreateDate: policy.CreateDate };
    return { PolicyVersions: { PolicyVersion: [versionShape(v, 'v1')] } };
  }
  const policy = await requireCustomPolicy(ctx, accountId, name);
  const versions = await versionsOf(ctx, accountId, policy);
  return { PolicyVersions: { PolicyVersion: versions.map((v) => versionShape(v, policy.DefaultVersion)) } };
}

export async function setDefaultPolicyVersion(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const versionId = versionIdParam(params);
  const policy = await requireCustomPolicy(ctx, accountId, name);
  const key = nameKey(policy.PolicyName);
  const version = await read<PolicyVersionRecord>(ctx, accountId, C.policyVersions(key), versionId);
  if (!version) throw versionMissing(policy.PolicyName, versionId)();
  const next: PolicyRecord = { ...policy, DefaultVersion: versionId, UpdateDate: formatDate(ctx.now()) };
  await commit(ctx.store, [
    update(accountId, C.policy, key, json(next), policyMissing('Custom', name)),
    // Re-writing the version asserts it was not deleted meanwhile.
    update(
      accountId,
      C.policyVersions(key),
      versionId,
      json(version),
      versionMissing(policy.PolicyName, versionId),
    ),
  ]);
  return {};
}

export async function deletePolicyVersion(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = policyNameParam(params);
  const versionId = versionIdParam(params);
  const policy = await requireCustomPolicy(ctx, accountId, name);
  if (policy.DefaultVersion === versionId)
    throw new ApiError(
      'DeleteConflict.PolicyVersion.Default',
      `${versionId} is the default version of the policy ${policy.PolicyName}; set another default first.`,
    );
  const key = nameKey(policy.PolicyName);
  await commit(ctx.store, [
    remove(accountId, C.policyVersions(key), versionId, versionMissing(policy.PolicyName, versionId)),
    update(accountId, C.policy, key, json(policy), policyMissing('Custom', name)),
  ]);
  return {};
}
