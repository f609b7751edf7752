/**
 * Built-in system policies (PolicyType System) the RAM directory lists and attaches. Documents
 * are kept as JSON text, exactly what GetPolicyVersion returns, and compiled on first use.
 */
import { compilePolicy } from './compile.js';
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

export const SYSTEM_POLICIES: readonly SystemPolicy[] = Object.freeze(
  [
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
    {
      name: 'AliyunRAMFullAccess',
      description: 'Provides full access to Resource Access Management (RAM).',
      document: document([{ Effect: 'Allow', Action: 'ram:*', Resource: '*' }]),
    },
    {
      name: 'AliyunRAMReadOnlyAccess',
      description: 'Provides read-only access to Resource Access Management (RAM).',
      document: document([{ Effect: 'Allow', Action: ['ram:Get*', 'ram:List*'], Resource: '*' }]),
    },
  ].map((p) => Object.freeze(p)),
);

const compiled = new Map<string, CompiledPolicy>();

export function findSystemPolicy(name: string): SystemPolicy | undefined {
  return SYSTEM_POLICIES.find((p) => p.name === name);
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
