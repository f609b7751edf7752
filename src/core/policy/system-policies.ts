/**
 * Built-in system policies (PolicyType System) the RAM directory lists and attaches. Documents
 * are kept as JSON text, exactly what GetPolicyVersion returns, and compiled on first use.
 */
import { compilePolicy } from './compile.js';
import { SERVICE_POLICIES, type CatalogueEntry } from './system-catalogue.js';
import type { CompiledPolicy } from './types.js';

export interface SystemPolicy {
  readonly name: string;
  readonly description: string;
  /** The policy document (JSON text). */
  readonly document: string;
}

const document = (statements: readonly object[]) =>
  JSON.stringify({ Version: '1', Statement: statements }, null, 2);

const READ_ONLY_ACTIONS = [
  '*:Get*',
  '*:List*',
  '*:Describe*',
  '*:Query*',
  '*:Check*',
  '*:BatchGet*',
  '*:Search*',
  '*:Preview*',
];

const READ_ONLY_VERBS = ['Describe*', 'Get*', 'List*'];

/** Documents that are Alibaba's own, word for word (the rest are conventional forms, see system-catalogue.ts). */
export const EXACT_COPIES: ReadonlySet<string> = new Set([
  'AdministratorAccess',
  'AliyunSTSAssumeRoleAccess',
  'AliyunRAMFullAccess',
  'AliyunRAMReadOnlyAccess',
  'AliyunOSSFullAccess',
  'AliyunOSSReadOnlyAccess',
]);

/** Alibaba's own documents where they differ from the conventional form. */
const OWN_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  AliyunRAMReadOnlyAccess: ['ram:Get*', 'ram:List*'],
  AliyunOSSReadOnlyAccess: ['oss:Get*', 'oss:List*'],
};

function catalogueActions([name, , form, actions]: CatalogueEntry): readonly string[] {
  const own = OWN_ACTIONS[name];
  if (own) return own;
  if (typeof actions !== 'string') return actions;
  return form === 'full' ? [`${actions}:*`] : READ_ONLY_VERBS.map((v) => `${actions}:${v}`);
}

function fromCatalogue(entry: CatalogueEntry): SystemPolicy {
  const [name, service, form] = entry;
  const what = { full: 'full access to', read: 'read-only access to', special: 'part of the access to' }[
    form
  ];
  const actions = catalogueActions(entry);
  return {
    name,
    description: `Provides ${what} ${service}.`,
    document: document([
      { Effect: 'Allow', Action: actions.length === 1 ? actions[0] : actions, Resource: '*' },
    ]),
  };
}

const GENERAL: readonly SystemPolicy[] = [
  {
    name: 'AdministratorAccess',
    description: 'Provides full access to Alibaba Cloud services and resources.',
    document: document([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
  },
  {
    name: 'ReadOnlyAccess',
    description: 'Provides read-only access to all Alibaba Cloud resources.',
    document: document([{ Effect: 'Allow', Action: READ_ONLY_ACTIONS, Resource: '*' }]),
  },
  {
    name: 'AliyunSTSAssumeRoleAccess',
    description: 'Provides access to call the AssumeRole operation of Security Token Service (STS).',
    document: document([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]),
  },
];

export const SYSTEM_POLICIES: readonly SystemPolicy[] = Object.freeze(
  [...GENERAL, ...SERVICE_POLICIES.map(fromCatalogue)].map((p) => Object.freeze(p)),
);

const BY_NAME = new Map(SYSTEM_POLICIES.map((p) => [p.name, p]));
const BY_LOWER_NAME = new Map(SYSTEM_POLICIES.map((p) => [p.name.toLowerCase(), p]));

const compiled = new Map<string, CompiledPolicy>();

export function findSystemPolicy(name: string): SystemPolicy | undefined {
  return BY_NAME.get(name);
}

/** RAM names are case-insensitive: `administratoraccess` is AdministratorAccess. */
export function findSystemPolicyIgnoringCase(name: string): SystemPolicy | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** The compiled system policy, or undefined when no system policy has that name. */
export function compiledSystemPolicy(name: string): CompiledPolicy | undefined {
  const cached = compiled.get(name);
  if (cached) return cached;
  const policy = findSystemPolicy(name);
  if (!policy) return undefined;
  const result = compilePolicy(policy.document, 'identity', { name: policy.name });
  compiled.set(name, result);
  return result;
}
