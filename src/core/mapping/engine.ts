/**
 * Role mapping of one SAML provider: verified attributes (+ NameID) and the provider's compiled
 * rules → the (role, provider) pairs offered, the RoleSessionName and the session duration, with
 * an explanation for `ramgate diagnose` and the audit trail. Mapping only ever *offers* roles of
 * the provider's own account through that provider; AssumeRoleWithSAML's trust-policy check stays
 * the gate. Precedence when the IdP also sends Alibaba's attributes (alibabaAttributes: accept):
 * roles are the union; a sessionName rule wins over RoleSessionName when its source is present;
 * SessionDuration wins over sessionDuration.default; sessionDuration.max caps either.
 */
import { ApiError } from '../errors.js';
import { checkRoleName } from '../ram/rules.js';
import { matchPattern } from './pattern.js';
import type { CompiledRoleMapping, ValueSource } from './rules.js';
import { sanitizeSessionName } from './session-name.js';

export interface MappedRole {
  roleArn: string;
  providerArn: string;
  accountId: string;
  roleName: string;
  providerName: string;
}

export interface RoleMappingInput {
  provider: { accountId: string; name: string };
  attributes: Record<string, string[]>;
  nameId?: string | undefined;
  /** What Alibaba's own attributes said (already parsed), for any provider. */
  alibaba: { roles: MappedRole[]; sessionName?: string | undefined; sessionDuration?: string | undefined };
}

export interface RoleMappingResult {
  provider: string;
  roles: MappedRole[];
  sessionName: string | undefined;
  /** Why there is no session name, when there is none and rules asked for one. */
  sessionNameProblem?: string | undefined;
  sessionDuration: string | undefined;
  attributesReceived: string[];
  explanation: string[];
}

/** Values considered per attribute (AD users can be in hundreds of groups). */
export const MAX_MAPPED_VALUES = 1000;
const DEFAULT_SESSION_SECONDS = 3600;

const providerArnOf = (p: RoleMappingInput['provider']) => `acs:ram::${p.accountId}:saml-provider/${p.name}`;

function validRoleName(name: string): string | undefined {
  try {
    checkRoleName(name);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function ruleRoles(mapping: CompiledRoleMapping, input: RoleMappingInput, say: (line: string) => void) {
  const found: string[] = [];
  const rule = mapping.rules.roles;
  if (!rule) return found;
  const values = input.attributes[rule.attribute];
  if (values === undefined) {
    say(`roles: attribute "${rule.attribute}" was not received, so no rule applied`);
    return found;
  }
  if (values.length > MAX_MAPPED_VALUES)
    say(`roles: only the first ${MAX_MAPPED_VALUES} of ${values.length} values were read`);
  say(`roles: attribute "${rule.attribute}" has ${values.length} value(s)`);
  for (const value of values.slice(0, MAX_MAPPED_VALUES)) {
    const exact = mapping.exact.get(value.toLowerCase());
    if (exact) {
      say(`  map: "${value}" → ${exact.join(', ')}`);
      found.push(...exact);
      continue;
    }
    const hit = mapping.patterns.map((p) => ({ p, m: matchPattern(p, value) })).find((x) => x.m);
    if (!hit?.m) continue;
    const { role, account } = hit.m;
    const source = `pattern "${hit.p.source}" matched "${value}"`;
    if (account !== undefined && account !== input.provider.accountId) {
      say(`  ${source} but names account ${account}, not ${input.provider.accountId}: ignored`);
      continue;
    }
    const problem = validRoleName(role);
    if (problem) {
      say(`  ${source} but the capture "${role}" is not a role name (${problem}): ignored`);
      continue;
    }
    say(`  ${source} → ${role}`);
    found.push(role);
  }
  if (found.length === 0) say('roles: no value matched a map entry or pattern');
  return found;
}

function sourceValue(source: ValueSource, input: RoleMappingInput): { value?: string; problem?: string } {
  if ('nameId' in source)
    return input.nameId ? { value: input.nameId } : { problem: 'the assertion has no NameID' };
  const values = input.attributes[source.attribute];
  if (values === undefined || values.length === 0)
    return { problem: `attribute "${source.attribute}" was not received` };
  if (values.length > 1)
    return { problem: `attribute "${source.attribute}" has ${values.length} values, not exactly one` };
  return { value: values[0] as string };
}

function sessionName(
  mapping: CompiledRoleMapping | undefined,
  input: RoleMappingInput,
  say: (l: string) => void,
) {
  const alibaba = mapping?.acceptAlibaba === false ? undefined : input.alibaba.sessionName;
  const rule = mapping?.rules.sessionName;
  if (!rule) return { name: alibaba };
  const from = 'nameId' in rule ? 'NameID' : `attribute "${rule.attribute}"`;
  const { value, problem } = sourceValue(rule, input);
  if (value !== undefined) {
    const clean = sanitizeSessionName(value);
    if (clean.ok) {
      say(`sessionName: from ${from}${clean.changed ? ` "${value}" sanitised to` : ':'} "${clean.name}"`);
      return { name: clean.name };
    }
    return { name: undefined, problem: `the session name from ${from}: ${clean.problem}` };
  }
  if (alibaba !== undefined) {
    say(`sessionName: ${problem}; using the RoleSessionName attribute "${alibaba}"`);
    return { name: alibaba };
  }
  return { name: undefined, problem: `the mapping takes the session name from ${from}, but ${problem}` };
}

function duration(
  mapping: CompiledRoleMapping | undefined,
  input: RoleMappingInput,
  say: (l: string) => void,
) {
  const alibaba = mapping?.acceptAlibaba === false ? undefined : input.alibaba.sessionDuration;
  const rule = mapping?.rules.sessionDuration;
  let value = alibaba ?? (rule?.default !== undefined ? String(rule.default) : undefined);
  if (rule?.default !== undefined && alibaba === undefined) say(`sessionDuration: default ${rule.default} s`);
  const asked = value === undefined ? DEFAULT_SESSION_SECONDS : Number(value);
  if (rule?.max !== undefined && Number.isFinite(asked) && asked > rule.max) {
    say(`sessionDuration: ${asked} s capped at ${rule.max} s`);
    value = String(rule.max);
  }
  return value;
}

/** Apply one provider's rules (or none: Alibaba's attributes alone, as before). */
export function mapRoles(
  mapping: CompiledRoleMapping | undefined,
  input: RoleMappingInput,
): RoleMappingResult {
  const explanation: string[] = [];
  const say = (line: string) => explanation.push(line);
  const providerArn = providerArnOf(input.provider);
  const own = input.alibaba.roles.filter((r) => r.providerArn.toLowerCase() === providerArn.toLowerCase());
  const roles: MappedRole[] = [];
  const seen = new Set<string>();
  const offer = (role: MappedRole) => {
    const key = role.roleArn.toLowerCase();
    if (!seen.has(key)) roles.push(role);
    seen.add(key);
  };
  if (mapping?.acceptAlibaba === false) {
    if (own.length > 0) say(`alibaba: ${own.length} Role value(s) ignored (alibabaAttributes: ignore)`);
  } else {
    own.forEach(offer);
    if (own.length > 0) say(`alibaba: Role attribute offers ${own.map((r) => r.roleName).join(', ')}`);
  }
  if (mapping)
    for (const roleName of ruleRoles(mapping, input, say))
      offer({
        roleArn: `acs:ram::${input.provider.accountId}:role/${roleName}`,
        providerArn,
        accountId: input.provider.accountId,
        roleName,
        providerName: input.provider.name,
      });
  const name = sessionName(mapping, input, say);
  return {
    provider: providerArn,
    roles,
    sessionName: name.name,
    sessionNameProblem: name.problem,
    sessionDuration: duration(mapping, input, say),
    attributesReceived: Object.keys(input.attributes),
    explanation,
  };
}

function loginError(message: string): ApiError {
  return new ApiError('AuthenticationFail.SAMLAssertion.Invalid', message, { check: 'role-mapping' });
}

/** The clear login error when a mapping produced no role, or no session name where rules asked for one. */
export function requireMappedLogin(result: RoleMappingResult): void {
  if (result.roles.length === 0) {
    const why = result.explanation.filter((l) => /^(roles|alibaba):/.test(l)).join('; ');
    throw loginError(
      `No role is offered through ${result.provider}: ${why || 'the assertion has no https://www.aliyun.com/SAML-Role/Attributes/Role value and the provider has no mapping rules'}.`,
    );
  }
  if (result.sessionNameProblem) throw loginError(`No RoleSessionName: ${result.sessionNameProblem}.`);
}
