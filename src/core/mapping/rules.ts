/**
 * Mapping rules of a SAML provider (a ramgate extension, docs/idp-recipes.md): which attribute
 * carries groups or roles and how a value becomes a role of the provider's own account, where the
 * RoleSessionName comes from, and a default and a cap for the session duration. The shape is
 * checked by zod; `compileRoleMapping` adds the checks that need the account (no rule may name
 * another account's role) and compiles the patterns, so bad rules are refused when configured.
 */
import { z } from 'zod';
import { parseArn } from '../arn.js';
import { ApiError } from '../errors.js';
import { Lru } from '../lru.js';
import { checkRoleName } from '../ram/rules.js';
import { mfaAuthnContextsSchema } from './mfa.js';
import { compilePattern, type CompiledPattern } from './pattern.js';

export const MAPPING_LIMITS = {
  rulesJsonChars: 32_768,
  attributeNameChars: 512,
  mapEntries: 500,
  mapKeyChars: 256,
  rolesPerMapEntry: 10,
  patterns: 20,
  nameIdFormats: 10,
} as const;

const attributeName = z.string().min(1, 'must not be empty').max(MAPPING_LIMITS.attributeNameChars);

/** Where a single value comes from: an attribute, or the Subject's NameID. */
export const valueSource = z.union([
  z.strictObject({ attribute: attributeName }),
  z.strictObject({ nameId: z.literal(true) }),
]);

const seconds = z.number().int('must be a whole number of seconds').min(900).max(43_200);

export const roleMappingSchema = z.strictObject({
  roles: z
    .strictObject({
      attribute: attributeName,
      map: z
        .record(
          z.string().min(1).max(MAPPING_LIMITS.mapKeyChars),
          z.union([
            z.string().min(1),
            z.array(z.string().min(1)).min(1).max(MAPPING_LIMITS.rolesPerMapEntry),
          ]),
        )
        .optional(),
      patterns: z.array(z.string().min(1)).max(MAPPING_LIMITS.patterns).optional(),
    })
    .optional(),
  sessionName: valueSource.optional(),
  sessionDuration: z.strictObject({ default: seconds.optional(), max: seconds.optional() }).optional(),
  /** Alibaba's own Role/RoleSessionName/SessionDuration attributes: still honoured (default) or ignored. */
  alibabaAttributes: z.enum(['accept', 'ignore']).optional(),
  /** AuthnContextClassRef values that mean the IdP did MFA (core/mapping/mfa.ts); none = never MFA. */
  mfaAuthnContexts: mfaAuthnContextsSchema.optional(),
});

export type RoleMappingRules = z.infer<typeof roleMappingSchema>;
export type ValueSource = z.infer<typeof valueSource>;

export interface CompiledRoleMapping {
  rules: RoleMappingRules;
  /** Lower-cased attribute value → role names of the provider's account. */
  exact: Map<string, string[]>;
  patterns: CompiledPattern[];
  acceptAlibaba: boolean;
}

function invalid(message: string): ApiError {
  return new ApiError('InvalidParameter.MappingRules', `MappingRules: ${message}`, {
    check: 'mapping-rules',
  });
}

/** zod's first issue as "<path>: <message>". */
function shapeError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return invalid(`${path}: ${issue?.message ?? 'is not valid'}`);
}

/** Parse a JSON string (the API parameter) or an object (the config file) against a schema. */
export function parseRules<T>(schema: z.ZodType<T>, raw: unknown): T {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAPPING_LIMITS.rulesJsonChars)
      throw invalid(`the JSON is longer than ${MAPPING_LIMITS.rulesJsonChars} characters`);
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw invalid(`not valid JSON (${(err as Error).message})`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw shapeError(parsed.error);
  return parsed.data;
}

/** A map target is a role name or the ARN of a role of this same account, nothing else. */
function targetRoleName(target: string, accountId: string, key: string): string {
  if (target.startsWith('acs:')) {
    let arn;
    try {
      arn = parseArn(target, 'role');
    } catch (err) {
      throw invalid(`roles.map["${key}"]: ${(err as Error).message}`);
    }
    if (arn.kind !== 'role' || arn.accountId !== accountId)
      throw invalid(
        `roles.map["${key}"] names ${target}, a role of another account; a provider of account ${accountId} can only map to its own roles`,
      );
    target = arn.name;
  }
  try {
    checkRoleName(target);
  } catch (err) {
    throw invalid(`roles.map["${key}"] → "${target}": ${(err as Error).message}`);
  }
  return target;
}

function compileExact(map: Record<string, string | string[]> | undefined, accountId: string) {
  const exact = new Map<string, string[]>();
  const entries = Object.entries(map ?? {});
  if (entries.length > MAPPING_LIMITS.mapEntries)
    throw invalid(`roles.map has ${entries.length} entries; at most ${MAPPING_LIMITS.mapEntries}`);
  for (const [key, target] of entries) {
    const folded = key.toLowerCase();
    if (exact.has(folded))
      throw invalid(`roles.map["${key}"] repeats another key (keys compare case-insensitively)`);
    const targets = Array.isArray(target) ? target : [target];
    exact.set(
      folded,
      targets.map((t) => targetRoleName(t, accountId, key)),
    );
  }
  return exact;
}

/** Check and compile a provider's rules (JSON text or object) for a provider of `accountId`. */
export function compileRoleMapping(raw: unknown, accountId: string): CompiledRoleMapping {
  const rules = parseRules(roleMappingSchema, raw);
  const roles = rules.roles;
  if (roles && !roles.map && !roles.patterns)
    throw invalid('roles needs a map, patterns or both to turn a value into a role');
  const duration = rules.sessionDuration;
  if (duration?.default !== undefined && duration.max !== undefined && duration.default > duration.max)
    throw invalid(`sessionDuration.default ${duration.default} is above sessionDuration.max ${duration.max}`);
  const patterns = (roles?.patterns ?? []).map((p, i) => {
    try {
      return compilePattern(p);
    } catch (err) {
      throw invalid(`roles.patterns[${i}] "${p.slice(0, 300)}": ${(err as Error).message}`);
    }
  });
  return {
    rules,
    exact: compileExact(roles?.map, accountId),
    patterns,
    acceptAlibaba: rules.alibabaAttributes !== 'ignore',
  };
}

/** Canonical JSON of valid rules, as stored with the provider. */
export function normalizeRoleMapping(raw: unknown, accountId: string): string {
  return JSON.stringify(compileRoleMapping(raw, accountId).rules);
}

const compiledCache = new Lru<string, CompiledRoleMapping>(256);

/**
 * Stored (already validated) rules, compiled once per distinct text: logins re-read providers, and
 * compiling 500 map entries costs about a millisecond. The regexes are stateless (no `g` flag).
 */
export function compiledRoleMapping(json: string, accountId: string): CompiledRoleMapping {
  const key = `${accountId}\n${json}`;
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const compiled = compileRoleMapping(json, accountId);
  compiledCache.set(key, compiled);
  return compiled;
}
