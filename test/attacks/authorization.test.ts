/**
 * The adversarial authorization suite, generated from the action table: for every action and
 * every resource it touches, a principal (RAM user or role session) allowed only on X — or allowed
 * everything with a Deny on X — sends the action with every combination of alias parameters,
 * parameters of other actions, letter cases and both ARN region forms. Whatever it sends, a call
 * that succeeds changes and reveals only what the policy allows; and the honest call on X works.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_TABLE,
  KNOWN_PARAMS,
  SELF_SERVICE_ACTIONS,
  SLOT_PARAMS,
  type ActionRow,
  type EntityKind,
  type SlotName,
} from '../../src/core/actions/index.js';
import { isApiError } from '../../src/core/errors.js';
import { assertServedFromTable, gatewayActions } from '../../src/http/api/actions.js';
import { callerOf } from '../../src/http/api/caller.js';
import type { RpcAction } from '../../src/http/rpc/types.js';
import {
  ACCOUNT,
  ATTACKER,
  DOMAIN,
  OTHER,
  SOME_POLICY,
  TARGET,
  WORLD_PASSWORD,
  buildWorld,
  changedOwners,
  facts,
  privateTraces,
  type World,
  ARN_TYPE,
} from './authorization-world.js';

const RUNS = Number(process.env.RAMGATE_AUTHZ_RUNS ?? 12);

/** The entity kinds a row's resource templates name through slots (X is drawn from these). */
function slotKinds(row: ActionRow): EntityKind[] {
  const kinds = new Set<EntityKind>();
  for (const template of row.resources)
    for (const [, slot] of template.matchAll(/\{#([A-Za-z]+)\}/g))
      if (slot !== 'accountId') kinds.add(SLOT_PARAMS[slot as SlotName].kind);
  return [...kinds];
}

const typeOf = ARN_TYPE;

const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

/** X's ARN as a policy writes it: either region form, any letter case of the name (and of the type). */
const resourceOf = (kind: EntityKind, name: string) =>
  fc
    .tuple(fc.constantFrom('', '*'), anyCase(typeOf[kind]), anyCase(name))
    .map(([region, type, n]) => `acs:ram:${region}:${ACCOUNT}:${type}/${n}`);

const namesOf = (kind: EntityKind): string[] => {
  const names = [TARGET[kind], OTHER[kind]];
  if (kind === 'user') names.push(ATTACKER.user);
  if (kind === 'role') names.push(ATTACKER.role);
  if (kind === 'policy') names.push('AdministratorAccess', 'attacker-policy');
  return names;
};
const someName = (kind: EntityKind) => fc.constantFrom(...namesOf(kind)).chain(anyCase);

/** A value for each parameter name the table knows (entity names are drawn; the rest plausible). */
function valueFor(param: string): fc.Arbitrary<string> {
  const slot = (Object.keys(SLOT_PARAMS) as SlotName[]).find((s) => SLOT_PARAMS[s].params.includes(param));
  if (slot) {
    const kind = SLOT_PARAMS[slot].kind;
    const name = param.startsWith('New') ? fc.oneof(someName(kind), fc.constant('zed')) : someName(kind);
    if (param === 'SerialNumber') return name.map((n) => `acs:ram::${ACCOUNT}:mfa/${n}`);
    return param.endsWith('PrincipalName')
      ? fc.tuple(name, anyCase(DOMAIN)).map(([n, d]) => `${n}@${d}`)
      : name;
  }
  const samples: Record<string, string[]> = {
    PolicyType: ['Custom', 'System'],
    PolicyDocument: [SOME_POLICY],
    AssumeRolePolicyDocument: [SOME_TRUST],
    NewAssumeRolePolicyDocument: [SOME_TRUST],
    UserAccessKeyId: ['<key:alice>', '<key:bob>', '<key:mallory>'],
    VersionId: ['v1', 'v2'],
    SetAsDefault: ['true', 'false'],
    CascadingDelete: ['true'],
    MaxItems: ['100'],
    SsoEnabled: ['false'],
    Email: ['a@example.com'],
    NewEmail: ['a@example.com'],
    DisplayName: ['Display'],
    NewDisplayName: ['Display'],
    Password: ['Fresh-password-1', 'short'],
    NewPassword: ['Fresh-password-1'],
    AuthenticationCode1: ['123456'],
    AuthenticationCode2: ['654321'],
    VirtualMFADeviceName: ['dev-new'],
    OldPassword: [WORLD_PASSWORD, 'wrong-password'],
    Status: ['Inactive', 'Active'],
  };
  return fc.constantFrom(...(samples[param] ?? ['changed']));
}

const SOME_TRUST = JSON.stringify({
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${ACCOUNT}:root`] } },
  ],
});

const ENTITY_PARAMS = (Object.values(SLOT_PARAMS) as Array<{ params: readonly string[] }>).flatMap(
  (s) => s.params,
);

/** A request: any of the entity parameters of any action, the row's own, and a few of other actions. */
function requestFor(row: ActionRow): fc.Arbitrary<Record<string, string>> {
  const own = row.params.map((p) => p.name);
  const pool = [...new Set([...ENTITY_PARAMS, 'PolicyType', ...own])];
  const entries = pool.map((p) =>
    fc.option(valueFor(p), { nil: undefined, freq: own.includes(p) ? 1 : 2 }).map((v) => [p, v] as const),
  );
  const extra = fc
    .subarray(
      KNOWN_PARAMS.filter((p) => !pool.includes(p)),
      { maxLength: 3 },
    )
    .chain((names) => fc.tuple(...names.map((n) => valueFor(n).map((v) => [n, v] as const))));
  return fc.tuple(fc.tuple(...entries), extra).map(([a, b]) => {
    const request: Record<string, string> = {};
    for (const [k, v] of [...a, ...b]) if (v !== undefined) request[k] = v;
    return request;
  });
}

async function send(world: World, action: RpcAction, params: Record<string, string>) {
  const filled = { ...params };
  if (filled.UserAccessKeyId?.startsWith('<key:'))
    filled.UserAccessKeyId = world.accessKeys[filled.UserAccessKeyId.slice(5, -1)] ?? '';
  try {
    const body = await action.handler({
      params: filled,
      caller: callerOf(world.principal),
      accessKeyId: 'LTAIattacker000000000001',
      requestId: 'R',
      sourceIp: '127.0.0.1',
      secureTransport: false,
    });
    return { code: 'OK', body: JSON.stringify(body) };
  } catch (error) {
    if (!isApiError(error)) throw error;
    return { code: error.code, body: '' };
  }
}

/** The names a request gives the row's slots of `kind` (user principal names as user names). */
function slotNames(row: ActionRow, kind: EntityKind, request: Record<string, string>): string[] {
  // A `self` slot is the caller whatever the request names (ChangePassword): no parameter names it.
  return (Object.keys(row.slots) as SlotName[])
    .filter((s) => SLOT_PARAMS[s].kind === kind && row.slots[s] !== 'self')
    .flatMap((s) => SLOT_PARAMS[s].params)
    .map((p) => request[p])
    .filter((v): v is string => v !== undefined && v !== '')
    .map((v) => (v.split('@')[0] ?? '').replace(/^acs:ram::\d+:mfa\//, '').toLowerCase());
}

/** Self-service actions whose preference is on by default (AllowUserToChangePassword, …ManageMFADevices). */
const DEFAULT_SELF_SERVICE = new Set(
  Object.entries(SELF_SERVICE_ACTIONS)
    .filter(([, kind]) => kind !== 'accessKeys')
    .map(([action]) => action),
);

const rows = ACTION_TABLE.filter((r) => r.authorizedBy === 'table' && slotKinds(r).length > 0);

function actionOf(world: World, row: ActionRow): RpcAction {
  const version = row.versions[0];
  const found = gatewayActions(world.gw).find((a) => a.action === row.action && a.version === version);
  if (!found) throw new Error(`${row.action} is not served`);
  return found;
}

/** What an attacker draws: X's ARN as a policy writes it, the action in any case, who it is, what it sends. */
const attempt = (row: ActionRow, kind: EntityKind, X: string) =>
  fc.tuple(
    resourceOf(kind, X),
    anyCase(row.policyAction),
    fc.constantFrom('user' as const, 'role-session' as const),
    requestFor(row),
  );

/** One call by an attacker with this policy: its result, and the owners of every directory fact it changed. */
async function attack(
  row: ActionRow,
  policy: object,
  as: 'user' | 'role-session',
  request: Record<string, string>,
  logins = false,
  preference: Record<string, string> = {},
) {
  const world = await buildWorld(policy, as, logins);
  if (Object.keys(preference).length > 0) await world.gw.directory.SetSecurityPreference(ACCOUNT, preference);
  const before = await facts(world);
  const result = await send(world, actionOf(world, row), request);
  return { world, result, changed: changedOwners(before, await facts(world)) };
}

describe.each(rows.map((r) => [`${r.action} (${r.versions.join(', ')})`, r] as const))('%s', (_, row) => {
  const logins = /LoginProfile|Password/.test(row.action);
  for (const kind of slotKinds(row)) {
    const X = TARGET[kind];

    it(`allowed only on ${kind} ${X}: a call that succeeds changes and shows nothing else`, async () => {
      await fc.assert(
        fc.asyncProperty(attempt(row, kind, X), async ([resource, action, as, request]) => {
          const { world, result, changed } = await attack(
            row,
            { Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] },
            as,
            request,
            logins,
          );
          // The security preference's defaults let a RAM user change its own password and MFA device.
          const ownByDefault = as === 'user' && DEFAULT_SELF_SERVICE.has(row.action);
          const others = [...changed].filter((n) => n !== X.toLowerCase());
          expect(others.filter((n) => !(ownByDefault && n === ATTACKER.user))).toEqual([]);
          if (result.code === 'OK') {
            for (const other of namesOf(kind).filter((n) => n !== X))
              for (const trace of privateTraces(world, kind, other)) expect(result.body).not.toContain(trace);
          }
          // The honest call: every name the row's slots are given is X, one resource → not refused.
          const named = slotNames(row, kind, request);
          const onlyX = named.length > 0 && named.every((n) => n === X.toLowerCase());
          const single = row.resources.length === 1 && Object.keys(row.slots).length === 1;
          if (onlyX && single) expect(result.code).not.toBe('NoPermission');
        }),
        { numRuns: RUNS },
      );
    });

    it(`allowed everything but denied on ${kind} ${X} (any case, either ARN form): X is never changed or shown`, async () => {
      await fc.assert(
        fc.asyncProperty(attempt(row, kind, X), async ([resource, action, as, request]) => {
          const policy = {
            Version: '1',
            Statement: [
              { Effect: 'Allow', Action: 'ram:*', Resource: '*' },
              { Effect: 'Deny', Action: action, Resource: resource },
            ],
          };
          const { world, result, changed } = await attack(row, policy, as, request, logins);
          expect(changed.has(X.toLowerCase())).toBe(false);
          if (result.code === 'OK') {
            for (const trace of privateTraces(world, kind, X)) expect(result.body).not.toContain(trace);
            expect(slotNames(row, kind, request)).not.toContain(X.toLowerCase());
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

/**
 * The security preference's self-service rule with every grant on: a principal with no RAM
 * permission at all sends each self-service action with every alias, case and stray parameter.
 * A RAM user changes and sees only its own entity; a role session nothing; an explicit Deny on the
 * user itself still wins.
 */
const ALL_GRANTS = {
  AllowUserToManageAccessKeys: 'true',
  AllowUserToManageMFADevices: 'true',
  AllowUserToChangePassword: 'true',
};
const NO_RAM = { Version: '1', Statement: [{ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' }] };
const selfRows = ACTION_TABLE.filter((r) => Object.hasOwn(SELF_SERVICE_ACTIONS, r.action));

describe.each(selfRows.map((r) => [`${r.action} (${r.versions.join(', ')})`, r] as const))(
  'self-service %s',
  (_, row) => {
    const logins = row.action === 'ChangePassword';
    const drawn = fc.tuple(fc.constantFrom('user' as const, 'role-session' as const), requestFor(row));

    it('without any policy: changes and shows only the calling user’s own entity', async () => {
      await fc.assert(
        fc.asyncProperty(drawn, async ([as, request]) => {
          const { world, result, changed } = await attack(row, NO_RAM, as, request, logins, ALL_GRANTS);
          const allowedToChange = as === 'user' ? [ATTACKER.user] : [];
          expect([...changed].filter((n) => !allowedToChange.includes(n))).toEqual([]);
          if (result.code === 'OK') {
            expect(as).toBe('user');
            for (const other of [TARGET.user, OTHER.user])
              for (const trace of privateTraces(world, 'user', other))
                expect(result.body).not.toContain(trace);
          }
          // Naming someone else (by any alias) is never let through by the rule.
          const named = slotNames(row, 'user', request);
          if (named.some((n) => n !== ATTACKER.user)) expect(result.code).not.toBe('OK');
          // And the honest call on itself is authorized by the rule alone.
          else if (as === 'user') expect(result.code).not.toBe('NoPermission');
        }),
        { numRuns: RUNS },
      );
    });

    it('an explicit Deny on the user itself wins over the rule', async () => {
      await fc.assert(
        fc.asyncProperty(requestFor(row), anyCase(ATTACKER.user), async (request, self) => {
          const policy = {
            Version: '1',
            Statement: [
              { Effect: 'Deny', Action: row.policyAction, Resource: `acs:ram::${ACCOUNT}:user/${self}` },
            ],
          };
          const { result, changed } = await attack(row, policy, 'user', request, logins, ALL_GRANTS);
          expect(changed.size).toBe(0);
          expect(result.code).not.toBe('OK');
        }),
        { numRuns: RUNS },
      );
    });
  },
);

describe('the action table is the router', () => {
  it('serves exactly the rows of the table, each version once', async () => {
    const world = await buildWorld(
      { Version: '1', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
      'user',
    );
    const served = gatewayActions(world.gw)
      .map((a) => `${a.version}/${a.action}`)
      .sort();
    const rowsByVersion = ACTION_TABLE.flatMap((r) => r.versions.map((v) => `${v}/${r.action}`)).sort();
    expect(served).toEqual(rowsByVersion);
    expect(new Set(served).size).toBe(served.length);
  });

  it('refuses to serve an action without a table row', async () => {
    const world = await buildWorld(
      { Version: '1', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
      'user',
    );
    const extra: RpcAction = {
      product: 'Ram',
      version: '2015-05-01',
      action: 'DeleteAccount',
      anonymous: false,
      handler: async () => ({}),
    };
    expect(() => assertServedFromTable([...gatewayActions(world.gw), extra])).toThrow(
      /no row in the action table/,
    );
  });

  it('every IMS action of Alibaba’s table that ramgate serves is authorized on exactly Alibaba’s resources', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const tsv = new URL('../../../shared/reference/ims-actions.tsv', import.meta.url);
    if (!existsSync(tsv)) return void console.warn('skipped: ../shared/reference/ims-actions.tsv is absent');
    const alibaba = new Map(
      readFileSync(tsv, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('ram:'))
        .map((l) => l.split('\t'))
        .map(
          ([, api, , resources]) => [api, (resources ?? '').split(' ').map((r) => r.split('=')[1])] as const,
        ),
    );
    const served = ACTION_TABLE.filter((r) => r.versions.includes('2019-08-15') && alibaba.has(r.action));
    expect(served.length).toBeGreaterThan(20);
    // One addition of ours: renaming a user (UpdateUser NewUserName) is authorized on the new name too,
    // as AWS does: trust policies name users, so a rename must not step into a trusted name.
    const ours = (row: ActionRow) => row.resources.filter((r) => !r.includes('{#NewUserName}')).sort();
    for (const row of served)
      expect([row.action, ours(row)]).toEqual([row.action, [...(alibaba.get(row.action) ?? [])].sort()]);
  });
});
