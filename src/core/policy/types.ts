import type { CompiledCondition } from './conditions.js';
import type { CompiledPrincipal } from './principal.js';
import type { PreparedRequest } from './request.js';
import type { StatementIndex } from './statement-index.js';
import type { Matcher } from './wildcard.js';

/** identity: custom/system policies attached to users, groups, roles; trust: a role's AssumeRolePolicyDocument; session: the STS `Policy` parameter. */
export type PolicyKind = 'identity' | 'trust' | 'session';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface EvaluationResult {
  readonly decision: Decision;
  /** Name of the policy whose statement decided (absent for an implicit deny). */
  readonly policy?: string;
  /** 0-based index of the deciding statement in that policy's Statement list. */
  readonly statement?: number;
}

/** Action / NotAction or Resource / NotResource, compiled. */
export interface PatternList {
  /** True for NotAction / NotResource: the statement applies to everything the patterns do NOT match. */
  readonly negated: boolean;
  readonly patterns: readonly string[];
  readonly matchers: readonly Matcher[];
  /**
   * The patterns lower-cased, for RAM resources (`acs:ram:…`): RAM names are case-insensitive, so a
   * Deny on `user/Alice` must also refuse `user/alice`.
   */
  readonly foldedMatchers: readonly Matcher[];
}

export interface CompiledStatement {
  readonly index: number;
  readonly effect: 'Allow' | 'Deny';
  /** Patterns lower-cased: action names are case-insensitive. */
  readonly actions: PatternList;
  /** Case-sensitive, but for RAM resources (see PatternList.foldedMatchers); absent in trust policies. */
  readonly resources: PatternList | undefined;
  /** Present in trust policies only. */
  readonly principal: CompiledPrincipal | undefined;
  readonly conditions: readonly CompiledCondition[];
  /** Resource and Condition against a request whose action the Action list matched (statement-test.ts). */
  readonly applies: (request: PreparedRequest) => boolean;
  /** The result this statement yields when it decides (allocated once). */
  readonly result: EvaluationResult;
}

export interface CompiledPolicy {
  readonly kind: PolicyKind;
  readonly name: string;
  /** The document as given. */
  readonly text: string;
  readonly statements: readonly CompiledStatement[];
  /** The statements a request can meet, by action and resource head (statement-index.ts). */
  readonly index: StatementIndex;
}

/** Several identity policies merged into one index: build once per principal, evaluate many times. */
export interface PolicySet {
  readonly kind: 'set';
  readonly policies: readonly CompiledPolicy[];
  readonly index: StatementIndex;
}
