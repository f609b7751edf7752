/**
 * Accounts: id (digits), alias (default = the id) giving the default domain `<alias>.onaliyun.com`,
 * and an optional domain alias. Aliases and domain aliases are unique across accounts (global
 * indexes), so a UPN suffix names exactly one account.
 */
import { ACCOUNT_ID_PATTERN } from '../arn.js';
import { ApiError } from '../errors.js';
import { formatDate } from './ids.js';
import { optionalString, requiredString, type Params } from './params.js';
import { checkAccountAlias, checkDomainName, clip, defaultDomainOf, DEFAULT_DOMAIN_SUFFIX } from './rules.js';
import {
  C,
  commit,
  create,
  G,
  globalScope,
  json,
  put,
  read,
  readAll,
  remove,
  SELF,
  update,
} from './storage.js';
import type { DirectoryContext, GuardedWrite } from './storage.js';
import { defaultSsoSettings } from './sso-settings.js';

export type AccountRecord = {
  AccountId: string;
  AccountAlias: string;
  DomainAlias: string | null;
  CreateDate: string;
  UpdateDate: string;
};

const accountMissing = (accountId: string) => () =>
  new ApiError('EntityNotExist.Account', `The account ${clip(accountId)} does not exist.`);

export function checkAccountId(accountId: string): void {
  if (!ACCOUNT_ID_PATTERN.test(accountId))
    throw new ApiError(
      'InvalidParameter.AccountId',
      `AccountId "${clip(accountId)}" must be 1 to 32 decimal digits.`,
    );
}

export async function requireAccount(ctx: DirectoryContext, accountId: string): Promise<AccountRecord> {
  const account = await read<AccountRecord>(ctx, accountId, C.account, SELF);
  if (!account) throw accountMissing(accountId)();
  return account;
}

export function defaultDomain(account: AccountRecord): string {
  return defaultDomainOf(account.AccountAlias);
}

/** Internal (no Alibaba API): create an account with its alias (default: the id). */
export async function createAccount(ctx: DirectoryContext, params: Params) {
  const accountId = requiredString(params, 'AccountId');
  checkAccountId(accountId);
  const given = optionalString(params, 'AccountAlias');
  const alias = given ?? accountId;
  if (given === undefined && !isValidAlias(alias))
    throw new ApiError(
      'InvalidParameter.AccountAlias',
      `The AccountAlias defaults to the account id "${clip(accountId)}", which is not a valid alias (3 to 51 characters here); give an AccountAlias.`,
    );
  checkAccountAlias(alias);
  const now = formatDate(ctx.now());
  const account: AccountRecord = {
    AccountId: accountId,
    AccountAlias: alias,
    DomainAlias: null,
    CreateDate: now,
    UpdateDate: now,
  };
  const exists = () =>
    new ApiError('EntityAlreadyExists.Account', `The account ${accountId} already exists.`);
  await commit(ctx.store, [
    create(globalScope, G.account, accountId, { AccountId: accountId }, { exists }),
    create(globalScope, G.accountAlias, alias, { AccountId: accountId }, { exists: aliasTaken(alias) }),
    create(accountId, C.account, SELF, json(account), { exists }),
    put(accountId, C.ssoSettings, SELF, json(defaultSsoSettings())),
  ]);
  return { Account: accountShape(account) };
}

export async function listAccountIds(ctx: DirectoryContext): Promise<string[]> {
  return (await readAll<{ AccountId: string }>(ctx, globalScope, G.account)).map((r) => r.value.AccountId);
}

export function accountShape(account: AccountRecord) {
  return {
    AccountId: account.AccountId,
    AccountAlias: account.AccountAlias,
    DefaultDomainName: defaultDomain(account),
    ...(account.DomainAlias ? { DomainAlias: account.DomainAlias } : {}),
    CreateDate: account.CreateDate,
  };
}

export async function getAccountAlias(ctx: DirectoryContext, accountId: string) {
  return { AccountAlias: (await requireAccount(ctx, accountId)).AccountAlias };
}

export async function setAccountAlias(ctx: DirectoryContext, accountId: string, params: Params) {
  const alias = requiredString(params, 'AccountAlias');
  checkAccountAlias(alias);
  const account = await requireAccount(ctx, accountId);
  if (account.AccountAlias === alias) return { AccountAlias: alias };
  const next = { ...account, AccountAlias: alias, UpdateDate: formatDate(ctx.now()) };
  await commit(ctx.store, [
    remove(globalScope, G.accountAlias, account.AccountAlias),
    create(globalScope, G.accountAlias, alias, { AccountId: accountId }, { exists: aliasTaken(alias) }),
    update(accountId, C.account, SELF, json(next), accountMissing(accountId)),
  ]);
  return { AccountAlias: alias };
}

export async function getDefaultDomain(ctx: DirectoryContext, accountId: string) {
  return { DefaultDomainName: defaultDomain(await requireAccount(ctx, accountId)) };
}

/** SetDefaultDomain(`<alias>.onaliyun.com`) is SetAccountAlias(`<alias>`): the domain is derived. */
export async function setDefaultDomain(ctx: DirectoryContext, accountId: string, params: Params) {
  const domain = requiredString(params, 'DefaultDomainName');
  if (!domain.endsWith(DEFAULT_DOMAIN_SUFFIX))
    throw new ApiError(
      'InvalidParameter.DefaultDomainName',
      `DefaultDomainName "${clip(domain)}" must end with ${DEFAULT_DOMAIN_SUFFIX}.`,
    );
  const { AccountAlias } = await setAccountAlias(ctx, accountId, {
    AccountAlias: domain.slice(0, -DEFAULT_DOMAIN_SUFFIX.length),
  });
  return { DefaultDomainName: defaultDomainOf(AccountAlias) };
}

export async function getDomainAlias(ctx: DirectoryContext, accountId: string) {
  const account = await requireAccount(ctx, accountId);
  return account.DomainAlias ? { DomainAlias: account.DomainAlias } : {};
}

/** Internal: set (or, with an empty DomainAlias, remove) the account's domain alias. */
export async function setDomainAlias(ctx: DirectoryContext, accountId: string, params: Params) {
  const raw = params['DomainAlias'];
  const alias = typeof raw === 'string' && raw !== '' ? raw : null;
  if (alias !== null) {
    checkDomainName('InvalidParameter.DomainAlias', 'DomainAlias', alias);
    if (alias.endsWith(DEFAULT_DOMAIN_SUFFIX))
      throw new ApiError(
        'InvalidParameter.DomainAlias',
        `DomainAlias cannot be a ${DEFAULT_DOMAIN_SUFFIX} domain.`,
      );
  }
  const account = await requireAccount(ctx, accountId);
  if (account.DomainAlias === alias) return alias ? { DomainAlias: alias } : {};
  const writes: GuardedWrite[] = [];
  if (account.DomainAlias) writes.push(remove(globalScope, G.domainAlias, account.DomainAlias));
  if (alias) {
    const exists = () =>
      new ApiError(
        'EntityAlreadyExists.DomainAlias',
        `The domain alias ${alias} is used by another account.`,
      );
    writes.push(create(globalScope, G.domainAlias, alias, { AccountId: accountId }, { exists }));
  }
  const next = { ...account, DomainAlias: alias, UpdateDate: formatDate(ctx.now()) };
  writes.push(update(accountId, C.account, SELF, json(next), accountMissing(accountId)));
  await commit(ctx.store, writes);
  return alias ? { DomainAlias: alias } : {};
}

/**
 * The account whose default domain or domain alias is `domain` (case-insensitive). The global
 * index is checked against the account's own record, so a stale index entry never resolves.
 */
export async function findAccountByDomain(
  ctx: DirectoryContext,
  domain: string,
): Promise<string | undefined> {
  const lower = domain.toLowerCase();
  const isDefault = lower.endsWith(DEFAULT_DOMAIN_SUFFIX);
  const name = isDefault ? lower.slice(0, -DEFAULT_DOMAIN_SUFFIX.length) : lower;
  const index = await read<{ AccountId: string }>(
    ctx,
    globalScope,
    isDefault ? G.accountAlias : G.domainAlias,
    name,
  );
  if (!index) return undefined;
  const account = await read<AccountRecord>(ctx, index.AccountId, C.account, SELF);
  const current = isDefault ? account?.AccountAlias : account?.DomainAlias;
  return current === name ? index.AccountId : undefined;
}

function isValidAlias(alias: string): boolean {
  try {
    checkAccountAlias(alias);
    return true;
  } catch {
    return false;
  }
}

const aliasTaken = (alias: string) => () =>
  new ApiError('EntityAlreadyExists.AccountAlias', `The account alias ${alias} is used by another account.`);
