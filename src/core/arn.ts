import { detached } from './detached.js';
import { ApiError, type ErrorCode } from './errors.js';
import { Lru } from './lru.js';

/** Alibaba Cloud account ids are decimal digits (16 in practice). */
export const ACCOUNT_ID_PATTERN = /^[0-9]{1,32}$/;

export type Arn =
  | { kind: 'role'; accountId: string; name: string }
  | { kind: 'saml-provider'; accountId: string; name: string }
  | { kind: 'user'; accountId: string; name: string }
  | { kind: 'group'; accountId: string; name: string }
  | { kind: 'policy'; accountId: string; name: string; policyType: 'System' | 'Custom' }
  | { kind: 'root'; accountId: string }
  | { kind: 'assumed-role'; accountId: string; roleName: string; sessionName: string };

export type ArnKind = Arn['kind'];

const ARN_SHAPE = /^acs:(ram|sts)::([^:]*):(.+)$/;

function fail(code: ErrorCode, arn: string, why: string): never {
  throw new ApiError(code, `The ARN "${truncate(arn)}" is wrongly formed: ${why}.`);
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

/**
 * Parse an ARN. `expect` restricts the kind (a RoleArn must be a role ARN); `code` is the error
 * code to raise (InvalidParameter.RoleArn for a RoleArn parameter, …).
 */
export function parseArn(arn: string, expect?: ArnKind, code: ErrorCode = 'InvalidParameter.Arn'): Arn {
  const parsed = recentArns.get(arn) ?? parseAndRemember(arn, code);
  if (expect && parsed.kind !== expect) fail(code, arn, `expected a ${expect} ARN, got a ${parsed.kind} ARN`);
  return parsed;
}

/**
 * Role and provider ARNs come back on every request (RoleArn, SAMLProviderArn, each Role attribute
 * value): parsed once, they are shared read-only (~2 % of an AssumeRoleWithSAML's CPU, measured).
 * Session ARNs are not kept: each session names its own.
 */
const recentArns = new Lru<string, Arn>(1024);

function parseAndRemember(arn: string, code: ErrorCode): Arn {
  if (typeof arn !== 'string' || arn.length === 0) fail(code, String(arn), 'it is empty');
  if (arn.length > 1024) fail(code, arn, 'it is longer than 1024 characters');
  // Kept beyond the request: a copy that does not pin the request body it was cut from.
  const own = detached(arn);
  const m = ARN_SHAPE.exec(own);
  if (!m) fail(code, arn, 'expected acs:ram::<accountId>:<type>/<name>');
  const [, service, accountId = '', resource = ''] = m;
  if (!ACCOUNT_ID_PATTERN.test(accountId)) fail(code, arn, 'the account id must be decimal digits');
  const parsed = Object.freeze(parseResource(service === 'sts', accountId, resource, own, code));
  if (parsed.kind !== 'assumed-role') recentArns.set(own, parsed);
  return parsed;
}

function parseResource(
  isSts: boolean,
  accountId: string,
  resource: string,
  arn: string,
  code: ErrorCode,
): Arn {
  if (resource === 'root') return { kind: 'root', accountId };
  const slash = resource.indexOf('/');
  if (slash <= 0) fail(code, arn, 'expected <type>/<name> after the account id');
  const type = resource.slice(0, slash);
  const rest = resource.slice(slash + 1);
  if (rest.length === 0) fail(code, arn, 'the name is empty');
  if (isSts && type !== 'assumed-role') fail(code, arn, 'acs:sts:: ARNs name assumed roles only');
  switch (type) {
    case 'role':
    case 'saml-provider':
    case 'user':
    case 'group':
      if (rest.includes('/')) fail(code, arn, `a ${type} name cannot contain "/"`);
      return { kind: type, accountId, name: rest };
    case 'policy': {
      const [policyType, name, extra] = rest.split('/');
      if (extra !== undefined || !name) fail(code, arn, 'expected policy/<system|custom>/<name>');
      const t = policyType?.toLowerCase();
      if (t !== 'system' && t !== 'custom') fail(code, arn, 'the policy type must be system or custom');
      return { kind: 'policy', accountId, name, policyType: t === 'system' ? 'System' : 'Custom' };
    }
    case 'assumed-role': {
      const second = rest.indexOf('/');
      if (second <= 0 || second === rest.length - 1)
        fail(code, arn, 'expected assumed-role/<role>/<session>');
      return {
        kind: 'assumed-role',
        accountId,
        roleName: rest.slice(0, second),
        sessionName: rest.slice(second + 1),
      };
    }
    default:
      return fail(code, arn, `unknown resource type "${type}"`);
  }
}

export function formatArn(arn: Arn): string {
  const prefix = `acs:ram::${arn.accountId}:`;
  switch (arn.kind) {
    case 'root':
      return `${prefix}root`;
    case 'assumed-role':
      return `${prefix}assumed-role/${arn.roleName}/${arn.sessionName}`;
    case 'policy':
      return `${prefix}policy/${arn.policyType.toLowerCase()}/${arn.name}`;
    default:
      return `${prefix}${arn.kind}/${arn.name}`;
  }
}

export const roleArn = (accountId: string, name: string) => formatArn({ kind: 'role', accountId, name });
export const samlProviderArn = (accountId: string, name: string) =>
  formatArn({ kind: 'saml-provider', accountId, name });
export const userArn = (accountId: string, name: string) => formatArn({ kind: 'user', accountId, name });
export const assumedRoleArn = (accountId: string, roleName: string, sessionName: string) =>
  formatArn({ kind: 'assumed-role', accountId, roleName, sessionName });
