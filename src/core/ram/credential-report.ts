/**
 * IMS GenerateCredentialReport / GetCredentialReport: a CSV of the account (`<root>`, first row)
 * and its RAM users with the state of their passwords, MFA devices and AccessKeys, with IMS's
 * column names. As IMS does, a report is generated at most every four hours: asking again within
 * them keeps the existing report. GetCredentialReport returns it base64, paged by rows.
 */
import { ApiError } from '../errors.js';
import { readAccessKeyUsage } from './access-key-usage.js';
import type { AccessKeyRecord } from './access-keys.js';
import { defaultDomain, requireAccount } from './accounts.js';
import { formatDate } from './ids.js';
import { readProfile } from './login-profiles.js';
import { bindingOf } from './mfa-devices.js';
import { optionalInt, optionalString, type Params } from './params.js';
import { readPasswordPolicy } from './password-policy.js';
import { clip, nameKey } from './rules.js';
import {
  ACCOUNT_PRINCIPAL,
  C,
  commit,
  json,
  put,
  read,
  readAll,
  SELF,
  type DirectoryContext,
} from './storage.js';
import type { UserRecord } from './users.js';

/** IMS: "A new user credential report … can only be generated every four hours." */
export const REPORT_REFRESH_MS = 4 * 3600_000;
/** GetCredentialReport MaxItems: 1 to 3501, default 3501 (the SDK's model). */
export const REPORT_MAX_ITEMS = 3501;

const KEY_COLUMNS = (prefix: string) =>
  ['exist', 'active', 'last_rotated', 'last_used'].map((c) => `${prefix}_${c}`);
export const REPORT_COLUMNS = [
  'user',
  'user_creation_time',
  'user_last_logon',
  'password_exist',
  'password_active',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  ...KEY_COLUMNS('access_key_1'),
  ...KEY_COLUMNS('access_key_2'),
  ...KEY_COLUMNS('additional_access_key_1'),
  ...KEY_COLUMNS('additional_access_key_2'),
  ...KEY_COLUMNS('additional_access_key_3'),
] as const;

type ReportRecord = { GeneratedTime: string; Rows: string[] };

const NA = 'N/A';
const bool = (b: boolean) => (b ? 'TRUE' : 'FALSE');

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

async function keyColumns(ctx: DirectoryContext, accountId: string, ownerKey: string): Promise<string[]> {
  const keys = (await readAll<AccessKeyRecord>(ctx, accountId, C.accessKeys(ownerKey)))
    .map((k) => k.value)
    .sort((a, b) => a.CreateDate.localeCompare(b.CreateDate) || a.AccessKeyId.localeCompare(b.AccessKeyId));
  const columns: string[] = [];
  for (let i = 0; i < 5; i++) {
    const key = keys[i];
    if (!key) {
      columns.push('FALSE', NA, NA, NA);
      continue;
    }
    const used = await readAccessKeyUsage(ctx, accountId, key.AccessKeyId);
    columns.push('TRUE', bool(key.Status === 'Active'), key.CreateDate, used?.LastUsedDate ?? NA);
  }
  return columns;
}

async function userRow(
  ctx: DirectoryContext,
  accountId: string,
  upn: string,
  user: UserRecord,
  maxAgeDays: number,
) {
  const profile = await readProfile(ctx, accountId, user);
  const mfa = (await bindingOf(ctx, accountId, user)) !== undefined;
  const nextRotation =
    profile && maxAgeDays > 0
      ? formatDate(new Date(Date.parse(profile.PasswordChangedAt) + maxAgeDays * 86_400_000))
      : NA;
  return csvLine([
    upn,
    user.CreateDate,
    profile?.LastLoginTime ?? '-',
    bool(profile !== undefined),
    profile ? bool(profile.Status === 'Active') : NA,
    profile?.PasswordChangedAt ?? NA,
    nextRotation,
    bool(mfa),
    ...(await keyColumns(ctx, accountId, nameKey(user.UserName))),
  ]);
}

async function buildReport(ctx: DirectoryContext, accountId: string): Promise<ReportRecord> {
  const account = await requireAccount(ctx, accountId);
  const policy = await readPasswordPolicy(ctx, accountId);
  const root = csvLine([
    '<root>',
    account.CreateDate,
    '-',
    'TRUE',
    NA,
    NA,
    NA,
    'FALSE',
    ...(await keyColumns(ctx, accountId, ACCOUNT_PRINCIPAL)),
  ]);
  const rows = [root];
  for (const { value: user } of await readAll<UserRecord>(ctx, accountId, C.user))
    rows.push(
      await userRow(
        ctx,
        accountId,
        `${user.UserName}@${defaultDomain(account)}`,
        user,
        policy.MaxPasswordAge,
      ),
    );
  return { GeneratedTime: formatDate(ctx.now()), Rows: rows };
}

/** STARTED: a new report was made; COMPLETED: one made within four hours stays the report. */
export async function generateCredentialReport(ctx: DirectoryContext, accountId: string) {
  await requireAccount(ctx, accountId);
  const current = await read<ReportRecord>(ctx, accountId, C.credentialReport, SELF);
  if (current && ctx.now().getTime() - Date.parse(current.GeneratedTime) < REPORT_REFRESH_MS)
    return { State: 'COMPLETED' };
  const report = await buildReport(ctx, accountId);
  await commit(ctx.store, [put(accountId, C.credentialReport, SELF, json(report))]);
  return { State: 'STARTED' };
}

/** The report's rows from NextToken (a row number), at most MaxItems of them, each page with the header. */
export async function getCredentialReport(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const report = await read<ReportRecord>(ctx, accountId, C.credentialReport, SELF);
  if (!report)
    throw new ApiError(
      'EntityNotExist.CredentialReport',
      'No credential report has been generated for this account: call GenerateCredentialReport first.',
    );
  const max = optionalInt(params, 'MaxItems', 'InvalidParameter.MaxItems') ?? REPORT_MAX_ITEMS;
  if (max < 1 || max > REPORT_MAX_ITEMS)
    throw new ApiError('InvalidParameter.MaxItems', `MaxItems must be 1 to ${REPORT_MAX_ITEMS}; got ${max}.`);
  const token = optionalString(params, 'NextToken');
  const start = token === undefined ? 0 : Number(token);
  if (token !== undefined && (!/^[1-9][0-9]{0,5}$/.test(token) || start >= report.Rows.length))
    throw new ApiError(
      'InvalidParameter.NextToken',
      `The NextToken "${clip(token)}" was not returned by this report.`,
    );
  const rows = report.Rows.slice(start, start + max);
  const truncated = start + max < report.Rows.length;
  const csv = [csvLine(REPORT_COLUMNS), ...rows].join('\n') + '\n';
  return {
    Content: Buffer.from(csv, 'utf8').toString('base64'),
    GeneratedTime: report.GeneratedTime,
    IsTruncated: String(truncated),
    ...(truncated ? { NextToken: String(start + max) } : {}),
  };
}
