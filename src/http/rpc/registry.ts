import { ApiError } from '../../core/errors.js';
import type { RpcAction } from './types.js';

export type ActionRegistry = {
  /** The action for (Action, Version), or InvalidAction.NotFound / InvalidVersion.NotFound. */
  find(action: string, version: string): RpcAction;
};

export function createActionRegistry(actions: readonly RpcAction[]): ActionRegistry {
  const byKey = new Map<string, RpcAction>();
  const versionsByAction = new Map<string, string[]>();
  for (const entry of actions) {
    const key = `${entry.version}/${entry.action}`;
    if (byKey.has(key)) throw new Error(`RPC action ${entry.action} (${entry.version}) is registered twice`);
    byKey.set(key, entry);
    versionsByAction.set(entry.action, [...(versionsByAction.get(entry.action) ?? []), entry.version]);
  }
  return {
    find(action, version) {
      const found = byKey.get(`${version}/${action}`);
      if (found) return found;
      const versions = versionsByAction.get(action);
      if (versions === undefined) {
        throw new ApiError(
          'InvalidAction.NotFound',
          `Specified api "${action.slice(0, 64)}" is not found, please check your url and method.`,
        );
      }
      throw new ApiError(
        'InvalidVersion.NotFound',
        `Specified API version "${version.slice(0, 32)}" of ${action} is not supported; supported: ${versions.join(', ')}.`,
      );
    },
  };
}
