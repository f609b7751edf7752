import { describe, expect, it } from 'vitest';
import { compilePattern, matchPattern } from '../../../src/core/mapping/pattern.js';
import {
  compiledRoleMapping,
  compileRoleMapping,
  normalizeRoleMapping,
} from '../../../src/core/mapping/rules.js';
import { sanitizeSessionName } from '../../../src/core/mapping/session-name.js';
import { parseUserMapping } from '../../../src/core/mapping/user.js';
import { ApiError } from '../../../src/core/errors.js';

const ACCOUNT = '1234567890123456';

function refusal(raw: unknown): string {
  try {
    compileRoleMapping(raw, ACCOUNT);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('InvalidParameter.MappingRules');
    return (err as ApiError).message;
  }
  throw new Error('the rules were accepted');
}

describe('mapping rules are checked when configured', () => {
  it('accepts the AD FS recipe and stores a canonical JSON', () => {
    const json = normalizeRoleMapping(
      JSON.stringify({
        roles: {
          attribute: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
          patterns: ['Aliyun-{account}-{role}'],
        },
        sessionName: { attribute: 'upn' },
        sessionDuration: { default: 3600, max: 7200 },
      }),
      ACCOUNT,
    );
    expect(JSON.parse(json)).toMatchObject({ sessionDuration: { default: 3600, max: 7200 } });
  });

  it('refuses a map entry that names another account’s role', () => {
    expect(refusal({ roles: { attribute: 'groups', map: { admins: 'acs:ram::999:role/admin' } } })).toMatch(
      /acs:ram::999:role\/admin, a role of another account/,
    );
  });

  it('accepts a map entry naming a role ARN of its own account, and refuses an invalid role name', () => {
    expect(() =>
      compileRoleMapping(
        { roles: { attribute: 'g', map: { a: `acs:ram::${ACCOUNT}:role/admin` } } },
        ACCOUNT,
      ),
    ).not.toThrow();
    expect(refusal({ roles: { attribute: 'g', map: { a: 'bad/role' } } })).toMatch(
      /roles\.map\["a"\].*RoleName/,
    );
  });

  it('refuses patterns that could turn any value into a role, or are ambiguous', () => {
    expect(refusal({ roles: { attribute: 'g', patterns: ['{role}'] } })).toMatch(/two literal characters/);
    expect(refusal({ roles: { attribute: 'g', patterns: ['x{role}'] } })).toMatch(/two literal characters/);
    expect(refusal({ roles: { attribute: 'g', patterns: ['Aliyun-{account}{role}'] } })).toMatch(
      /no literal text between/,
    );
    expect(refusal({ roles: { attribute: 'g', patterns: ['Aliyun-{role}*'] } })).toMatch(
      /no literal text between/,
    );
    expect(refusal({ roles: { attribute: 'g', patterns: ['Aliyun-static'] } })).toMatch(
      /exactly one \{role\}/,
    );
    expect(refusal({ roles: { attribute: 'g', patterns: ['Aliyun-{group}-{role}'] } })).toMatch(/brace/);
    expect(refusal({ roles: { attribute: 'g', patterns: ['a*b*-{role}'] } })).toMatch(/more than one \*/);
  });

  it('refuses bad shapes with the path of the problem', () => {
    expect(refusal('{not json')).toMatch(/not valid JSON/);
    expect(refusal({ roles: { attribute: 'g' } })).toMatch(/needs a map, patterns or both/);
    expect(refusal({ sessionDuration: { default: 600 } })).toMatch(/sessionDuration\.default/);
    expect(refusal({ sessionDuration: { default: 7200, max: 3600 } })).toMatch(/above sessionDuration\.max/);
    expect(refusal({ sessionName: { attribute: 'a', nameId: true } })).toMatch(/sessionName/);
    expect(refusal({ roles: { attribute: 'g', map: { A: 'x', a: 'y' } } })).toMatch(/case-insensitively/);
    expect(refusal({ surprise: 1 })).toMatch(/MappingRules/);
    expect(refusal('x'.repeat(40_000))).toMatch(/longer than/);
  });

  it('user mapping: an attribute or NameID with formats, nothing else', () => {
    expect(parseUserMapping('{"user":{"attribute":"upn"}}')).toEqual({ user: { attribute: 'upn' } });
    expect(() => parseUserMapping({ user: { nameId: false } })).toThrow(ApiError);
    expect(() => parseUserMapping({ user: { attribute: 'a', formats: ['x'] } })).toThrow(ApiError);
  });
});

describe('patterns', () => {
  it('match literals case-insensitively and capture account and role', () => {
    const p = compilePattern('Aliyun-{account}-{role}');
    expect(matchPattern(p, 'aliyun-123-Admin-Team')).toEqual({ account: '123', role: 'Admin-Team' });
    expect(matchPattern(p, 'Aliyun-abc-admin')).toBeUndefined();
    expect(matchPattern(p, 'xAliyun-123-admin')).toBeUndefined();
  });

  it('take the CN out of an LDAP DN with a wildcard', () => {
    const p = compilePattern('CN=aliyun-{role},*');
    expect(matchPattern(p, 'CN=aliyun-ops,OU=Groups,DC=example,DC=com')).toEqual({
      role: 'ops',
      account: undefined,
    });
  });

  it('never read a value over the length cap', () => {
    const p = compilePattern('Aliyun-{role}');
    expect(matchPattern(p, `Aliyun-${'a'.repeat(600)}`)).toBeUndefined();
  });
});

describe('session name sanitising', () => {
  it('keeps valid names, drops the domain of DOMAIN\\user and replaces other characters with -', () => {
    expect(sanitizeSessionName('alice@example.com')).toEqual({
      ok: true,
      name: 'alice@example.com',
      changed: false,
    });
    expect(sanitizeSessionName('EXAMPLE\\alice')).toEqual({ ok: true, name: 'alice', changed: true });
    expect(sanitizeSessionName('José Müller')).toEqual({ ok: true, name: 'Jos--M-ller', changed: true });
    const long = sanitizeSessionName('a'.repeat(100));
    expect(long.ok && long.name.length).toBe(64);
  });

  it('refuses what becomes shorter than two characters', () => {
    expect(sanitizeSessionName('DOMAIN\\x')).toMatchObject({ ok: false });
    expect(sanitizeSessionName('')).toMatchObject({ ok: false });
  });
});

describe('compiledRoleMapping', () => {
  it('compiles stored rules once per text and account', () => {
    const json = '{"roles":{"attribute":"g","map":{"a":"A"}}}';
    const first = compiledRoleMapping(json, ACCOUNT);
    expect(compiledRoleMapping(json, ACCOUNT)).toBe(first);
    expect(compiledRoleMapping(json, '42')).not.toBe(first);
    expect(first.exact.get('a')).toEqual(['A']);
  });
});
