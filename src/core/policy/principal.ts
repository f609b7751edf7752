/**
 * The Principal element of trust policies (reference §2.4): `RAM` (an account — `acs:ram::<id>:root`
 * or a bare account id — which admits every user and role of that account; or one user or role),
 * `Service` (`ecs.aliyuncs.com`) and `Federated` (a SAML provider ARN). RAM user and role names are
 * compared case-insensitively, as RAM treats them (a name is unique in an account regardless of case).
 */
import { ACCOUNT_ID_PATTERN, parseArn, type Arn } from '../arn.js';
import { isApiError } from '../errors.js';
import type { JsonValue } from './json.js';
import { element, grammarError, member, type Where } from './location.js';

export type TrustPrincipal =
  | { readonly type: 'RAM'; readonly arn: string }
  | { readonly type: 'Service'; readonly service: string }
  | { readonly type: 'Federated'; readonly arn: string };

export interface CompiledPrincipal {
  readonly accounts: ReadonlySet<string>;
  /** `<account>:<lower-case user name>` */
  readonly users: ReadonlySet<string>;
  /** `<account>:<lower-case role name>` */
  readonly roles: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  readonly federated: ReadonlySet<string>;
}

const SERVICE = /^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.aliyuncs\.com$/;
const PRINCIPAL_TYPES = ['RAM', 'Service', 'Federated'];

export function compilePrincipal(value: JsonValue | undefined, where: Where): CompiledPrincipal {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw grammarError(where, 'must be an object with RAM, Service and/or Federated');
  const types = Object.keys(value);
  if (types.length === 0) throw grammarError(where, 'must name at least one of RAM, Service, Federated');
  const accounts = new Set<string>();
  const users = new Set<string>();
  const roles = new Set<string>();
  const services = new Set<string>();
  const federated = new Set<string>();
  for (const type of types) {
    const typeWhere = member(where, type);
    if (!PRINCIPAL_TYPES.includes(type))
      throw grammarError(typeWhere, 'unknown principal type (allowed: RAM, Service, Federated)');
    for (const [entry, entryWhere] of stringList(value[type], typeWhere)) {
      if (entry.includes('*') || entry.includes('?'))
        throw grammarError(entryWhere, 'wildcards are not allowed in a Principal; name each trusted entity');
      if (type === 'Service') {
        const service = entry.toLowerCase();
        if (!SERVICE.test(service))
          throw grammarError(entryWhere, 'must be a service name such as ecs.aliyuncs.com');
        services.add(service);
      } else if (type === 'Federated') {
        federated.add(
          canonicalArn(
            parseOrFail(
              entry,
              entryWhere,
              'must be a SAML provider ARN acs:ram::<account>:saml-provider/<name>',
            ),
            'saml-provider',
          ),
        );
      } else if (ACCOUNT_ID_PATTERN.test(entry)) {
        accounts.add(entry);
      } else {
        const arn = parseOrFail(
          entry,
          entryWhere,
          'must be an account id or acs:ram::<account>:root, :user/<name> or :role/<name>',
        );
        if (arn.kind === 'root') accounts.add(arn.accountId);
        else if (arn.kind === 'user') users.add(`${arn.accountId}:${arn.name.toLowerCase()}`);
        else if (arn.kind === 'role') roles.add(`${arn.accountId}:${arn.name.toLowerCase()}`);
        else
          throw grammarError(
            entryWhere,
            `a ${arn.kind} ARN cannot be a RAM principal (use root, user/<name> or role/<name>)`,
          );
      }
    }
  }
  return Object.freeze({ accounts, users, roles, services, federated });
}

export function principalMatches(p: CompiledPrincipal, who: TrustPrincipal): boolean {
  if (who.type === 'Service') return p.services.has(who.service.toLowerCase());
  const arn = tryParseArn(who.arn);
  if (!arn) return false;
  if (who.type === 'Federated')
    return arn.kind === 'saml-provider' && p.federated.has(canonicalArn(arn, 'saml-provider'));
  switch (arn.kind) {
    case 'root':
      return p.accounts.has(arn.accountId);
    case 'user':
      return p.accounts.has(arn.accountId) || p.users.has(`${arn.accountId}:${arn.name.toLowerCase()}`);
    case 'role':
      return p.accounts.has(arn.accountId) || p.roles.has(`${arn.accountId}:${arn.name.toLowerCase()}`);
    case 'assumed-role':
      // A role session acts as its role.
      return p.accounts.has(arn.accountId) || p.roles.has(`${arn.accountId}:${arn.roleName.toLowerCase()}`);
    default:
      return false;
  }
}

function canonicalArn(arn: Arn, kind: 'saml-provider'): string {
  return arn.kind === kind ? `${arn.accountId}:${kind}/${arn.name}` : '';
}

function tryParseArn(text: string): Arn | undefined {
  try {
    return parseArn(text);
  } catch (e) {
    if (isApiError(e)) return undefined;
    throw e;
  }
}

function parseOrFail(text: string, where: Where, expected: string): Arn {
  const arn = tryParseArn(text);
  if (!arn || (expected.includes('saml-provider') && arn.kind !== 'saml-provider'))
    throw grammarError(where, expected);
  return arn;
}

function stringList(value: JsonValue | undefined, where: Where): [string, Where][] {
  if (typeof value === 'string') return [[value, where]];
  if (!Array.isArray(value) || value.length === 0)
    throw grammarError(where, 'must be a string or a non-empty list of strings');
  return value.map((v, i) => {
    if (typeof v !== 'string') throw grammarError(element(where, i), 'must be a string');
    return [v, element(where, i)];
  });
}
