/**
 * The shape of the action table (table.ts): what each API action is, what it reads, and every
 * resource it is authorized on. Modelled on Alibaba's own action tables (reference/ims-actions.tsv)
 * and AWS's service authorization reference: what an action touches is data, not code.
 */
import type { ErrorCode } from '../errors.js';

export type ApiVersion = '2015-04-01' | '2019-08-15' | '2015-05-01';
export type Product = 'Sts' | 'Ims' | 'Ram';
export type AccessLevel = 'Read' | 'List' | 'Write';

export const PRODUCT_OF_VERSION: Readonly<Record<ApiVersion, Product>> = {
  '2015-04-01': 'Sts',
  '2019-08-15': 'Ims',
  '2015-05-01': 'Ram',
};

/**
 * The named entities an action can act on. Each slot is filled from one or more parameters that
 * name the same thing (aliases: `UserName` or the IMS `UserPrincipalName`); resource templates
 * name slots as `{#Slot}`.
 */
export type SlotName =
  'UserName' | 'NewUserName' | 'GroupName' | 'RoleName' | 'PolicyName' | 'SAMLProviderName' | 'SerialNumber';

/**
 * How an action uses a slot:
 * - `existing`: the entity must exist (EntityNotExist.* after authorization when it does not);
 * - `new`: the action creates it (a name, not looked up);
 * - `caller`: like `existing`, but when no parameter names it the caller itself is meant
 *   (AccessKey actions: a RAM user's own keys, or the account's root keys);
 * - `self`: always the calling RAM user; a parameter naming another is not read (ChangePassword).
 * A slot is required unless the row lists it in `optionalSlots`.
 */
export type SlotUse = 'existing' | 'new' | 'caller' | 'self';

export type ParamType = 'string' | 'int' | 'bool';

export interface ParamRule {
  readonly name: string;
  readonly type: ParamType;
  readonly required: boolean;
  /** Longest accepted value, characters (strings) — a cap; the directory applies the exact rules. */
  readonly max: number;
  readonly min?: number;
  /** The error code for a value outside min..max (InvalidParameter otherwise). */
  readonly code?: ErrorCode;
}

/** Who decides whether the caller may perform the action. */
export type AuthorizedBy =
  /** The table: every resource template, evaluated by the policy engine before the action runs. */
  | 'table'
  /** STS AssumeRole: the core evaluates the identity policy on the role and the role's trust policy. */
  | 'sts-core'
  /** Anonymous (AssumeRoleWithSAML: the SAML assertion is the credential) or any authenticated caller (GetCallerIdentity). */
  | 'none';

export interface ActionRow {
  readonly action: string;
  readonly versions: readonly ApiVersion[];
  /** The policy action, e.g. `ram:CreateAccessKey`. */
  readonly policyAction: string;
  readonly access: AccessLevel;
  readonly anonymous: boolean;
  readonly authorizedBy: AuthorizedBy;
  readonly slots: Readonly<Partial<Record<SlotName, SlotUse>>>;
  readonly optionalSlots: readonly SlotName[];
  /** Every other parameter the action reads (slot parameters are implied by the slots). */
  readonly params: readonly ParamRule[];
  /** ARN templates, each authorized: `acs:ram::{#accountId}:user/{#UserName}`. */
  readonly resources: readonly string[];
  /** Not an Alibaba action: a ramgate extension (documented as such). */
  readonly extension: boolean;
}
