/**
 * Step 2 of a management call (after authentication): read exactly the parameters the action's
 * row declares, collapse aliases (two that disagree are refused), and resolve every named entity
 * once to its stored name and id. What comes out is all the action is allowed to act on: the
 * operation receives these parameters and no others, so a parameter of another action (a stray
 * `RoleName`) can neither choose the authorized resource nor the acted-on one.
 */
import { ApiError, missingParameter } from '../errors.js';
import type { Principal } from '../principal.js';
import type { Directory } from '../ram/index.js';
import { deviceNameOfSerial, serialOf } from '../ram/mfa-devices.js';
import { clip, nameKey } from '../ram/rules.js';
import { SLOT_PARAMS, type EntityKind } from './params.js';
import type { ActionRow, ParamRule, SlotName, SlotUse } from './types.js';

export type Params = Record<string, unknown>;

export interface ResolvedSlot {
  readonly slot: SlotName;
  readonly kind: EntityKind;
  readonly use: SlotUse;
  /** The stored name when the entity exists, else the name as the request gave it. */
  readonly name: string;
  /** The stored entity's id (absent when it does not exist or is created by the call). */
  readonly id?: string;
  readonly exists: boolean;
}

export interface PreparedCall {
  readonly row: ActionRow;
  readonly accountId: string;
  /** What the operation receives: the declared parameters, each slot under its primary name. */
  readonly params: Params;
  readonly slots: Readonly<Partial<Record<SlotName, ResolvedSlot>>>;
  /** Every resource to authorize, as canonical ARNs (RAM's empty region). */
  readonly resources: readonly string[];
}

const INT = /^-?[0-9]{1,15}$/;
/** Longest entity name read from a request (UserPrincipalName included). */
const MAX_NAME = 256;

function present(raw: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
  return value === undefined || value === '' ? undefined : value;
}

function checkRule(rule: ParamRule, value: string): string | boolean | number {
  const bad = (why: string) =>
    new ApiError(rule.code ?? 'InvalidParameter', `The parameter ${rule.name} ${why}.`);
  if (rule.type === 'int') {
    if (!INT.test(value)) throw bad(`must be an integer; got "${clip(value)}"`);
    return value;
  }
  if (rule.type === 'bool') {
    if (value !== 'true' && value !== 'false') throw bad('must be true or false');
    return value;
  }
  const min = rule.min ?? 1;
  if (value.length < min || value.length > rule.max)
    throw bad(`must be ${min} to ${rule.max} characters long; it has ${value.length}`);
  return value;
}

/** The declared (non-entity) parameters, checked against their rules; every other parameter is dropped. */
export function declaredParams(row: ActionRow, raw: Readonly<Record<string, string>>): Params {
  const params: Params = {};
  for (const rule of row.params) {
    const value = present(raw, rule.name);
    if (value === undefined) {
      if (rule.required) throw missingParameter(rule.name);
      continue;
    }
    params[rule.name] = checkRule(rule, value);
  }
  return params;
}

/** The one name a slot's parameters give (aliases must agree), or undefined when none is given. */
async function slotName(
  directory: Directory,
  accountId: string,
  slot: SlotName,
  raw: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const names: Array<{ param: string; name: string }> = [];
  for (const param of SLOT_PARAMS[slot].params) {
    const value = present(raw, param);
    if (value === undefined) continue;
    if (value.length > MAX_NAME)
      throw new ApiError('InvalidParameter', `The parameter ${param} is longer than ${MAX_NAME} characters.`);
    const name = param.endsWith('PrincipalName')
      ? await directory.userNameOfPrincipalName(accountId, value, param)
      : param === 'SerialNumber'
        ? deviceNameOfSerial(accountId, value)
        : value;
    names.push({ param, name });
  }
  const [first, ...others] = names;
  const disagreeing = others.find((n) => nameKey(n.name) !== nameKey(first?.name ?? ''));
  if (first && disagreeing)
    throw new ApiError(
      'InvalidParameter',
      `The parameters ${first.param} and ${disagreeing.param} name different entities ("${clip(first.name)}", "${clip(disagreeing.name)}"): give one, or both naming the same.`,
    );
  return first?.name;
}

/** What an absent `caller` slot means: a RAM user's own keys, the account's root keys; a role session has none. */
function callerSelf(principal: Principal): { userName?: string; accountPrincipal?: true } {
  switch (principal.type) {
    case 'RAMUser':
      return { userName: principal.userName };
    case 'Account':
      return { accountPrincipal: true };
    case 'AssumedRoleUser':
      throw new ApiError(
        'MissingParameter',
        'A role session has no AccessKeys of its own: name the user (UserName).',
      );
  }
}

/** A `self` slot: the calling RAM user; the account principal and role sessions have no user of their own. */
function callerUser(principal: Principal): string {
  if (principal.type === 'RAMUser') return principal.userName;
  throw new ApiError(
    'NoPermission',
    `Only a RAM user can call this action for itself; the caller is ${principal.type === 'Account' ? 'the account' : 'a role session'}.`,
  );
}

async function resolveSlot(
  directory: Directory,
  accountId: string,
  slot: SlotName,
  use: SlotUse,
  name: string,
  policyType: unknown,
): Promise<ResolvedSlot> {
  const kind = SLOT_PARAMS[slot].kind;
  if (use === 'new') return { slot, kind, use, name, exists: false };
  const type = policyType === 'System' ? 'System' : 'Custom';
  const found = await directory.findEntity(accountId, kind, name, type);
  return found
    ? { slot, kind, use, name: found.name, id: found.id, exists: true }
    : { slot, kind, use, name, exists: false };
}

/** Fill `{#accountId}` and `{#Slot}`; a template whose slot is absent (optional, or root's own keys) is skipped. */
function resourceArns(
  row: ActionRow,
  accountId: string,
  slots: Partial<Record<SlotName, ResolvedSlot>>,
): string[] {
  const arns: string[] = [];
  for (const template of row.resources) {
    let complete = true;
    const arn = template.replace(/\{#([A-Za-z]+)\}/g, (_, name: string) => {
      if (name === 'accountId') return accountId;
      const slot = slots[name as SlotName];
      if (slot === undefined) complete = false;
      return slot?.name ?? '';
    });
    if (complete) arns.push(arn);
  }
  return arns;
}

/** Steps: declared parameters → each slot's one name → each entity resolved once → the ARNs to authorize. */
export async function prepareCall(
  directory: Directory,
  row: ActionRow,
  principal: Principal,
  raw: Readonly<Record<string, string>>,
): Promise<PreparedCall> {
  const accountId = principal.accountId;
  const params = declaredParams(row, raw);
  const slots: Partial<Record<SlotName, ResolvedSlot>> = {};
  for (const [slot, use] of Object.entries(row.slots) as Array<[SlotName, SlotUse]>) {
    const primary = SLOT_PARAMS[slot].params[0] as string;
    let name = use === 'self' ? callerUser(principal) : await slotName(directory, accountId, slot, raw);
    if (name === undefined && use === 'caller') {
      const self = callerSelf(principal);
      if (self.accountPrincipal) params['AccountPrincipal'] = true;
      name = self.userName;
      if (name === undefined) continue;
    } else if (name === undefined) {
      if (row.optionalSlots.includes(slot)) continue;
      throw missingParameter(primary);
    }
    const resolved = await resolveSlot(directory, accountId, slot, use, name, params['PolicyType']);
    slots[slot] = resolved;
    // The operation reads the entity's canonical name; a device's is its SerialNumber (an ARN).
    params[primary] = slot === 'SerialNumber' ? serialOf(accountId, resolved.name) : resolved.name;
  }
  return { row, accountId, params, slots, resources: resourceArns(row, accountId, slots) };
}

const MISSING_CODE = {
  user: 'EntityNotExist.User',
  group: 'EntityNotExist.Group',
  role: 'EntityNotExist.Role',
  policy: 'EntityNotExist.Policy',
  'saml-provider': 'EntityNotExist.SAMLProvider',
  'mfa-device': 'EntityNotExist.VirtualMFADevice',
} as const;

/** After authorization (so that existence does not leak to the unauthorized): every named entity exists. */
export function assertEntitiesExist(call: PreparedCall): void {
  for (const slot of Object.values(call.slots)) {
    if (slot === undefined || slot.use === 'new' || slot.exists) continue;
    const what =
      slot.kind === 'policy' ? `${String(call.params['PolicyType'] ?? 'Custom')} policy` : slot.kind;
    throw new ApiError(MISSING_CODE[slot.kind], `The ${what} ${clip(slot.name)} does not exist.`);
  }
}
