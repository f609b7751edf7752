/**
 * A tiny runner for the verification pipeline: each step is one named check from RESPONSE_CHECKS,
 * returns the detail it compared (recorded for diagnose) or throws CheckFailure. The first failure
 * ends the run; the result names exactly that check.
 */
import { ApiError, type ErrorCode } from '../../core/errors.js';
import type { ResponseCheck } from '../checks.js';
import type { CheckRecord } from '../types.js';

export class CheckFailure extends Error {
  readonly code: ErrorCode;
  constructor(
    message: string,
    code?: ErrorCode,
    /** Set when a step's own operation found a failure that belongs to another named check. */
    readonly check?: ResponseCheck,
  ) {
    super(message);
    this.name = 'CheckFailure';
    this.code = code ?? 'AuthenticationFail.SAMLAssertion.Invalid';
  }
}

/** Throws a CheckFailure unless `condition` holds. A message that interpolates is passed as a function, built only on failure. */
export function ensure(
  condition: unknown,
  message: string | (() => string),
  code?: ErrorCode,
): asserts condition {
  if (!condition) throw new CheckFailure(typeof message === 'string' ? message : message(), code);
}

/** What a step compared: a string, or a function building it only when someone reads the records. */
export type Detail = string | (() => string);

export interface Step<C> {
  name: ResponseCheck;
  run: (ctx: C) => Detail | Promise<Detail>;
}

/** A passed check's record; a detail given as a function is built now (records are built only when read). */
function record(name: ResponseCheck, detail: Detail): CheckRecord {
  return { name, ok: true, detail: typeof detail === 'string' ? detail : detail() };
}

/**
 * The records of the checks that passed, built on first read: a gateway request never reads them (only
 * diagnose and tests do), and building ~28 records per verification cost ~2 % of it (perf). What each
 * step returned is kept as it was, so the records are the same whenever they are built.
 */
export class PassedChecks {
  readonly #steps: readonly { readonly name: ResponseCheck }[];
  readonly #details: Detail[];
  #records: CheckRecord[] | null = null;

  constructor(steps: readonly { readonly name: ResponseCheck }[], details: Detail[]) {
    this.#steps = steps;
    this.#details = details;
  }

  records(): CheckRecord[] {
    if (this.#records === null) {
      const details = this.#details;
      const records: CheckRecord[] = [];
      for (let i = 0; i < details.length; i++) {
        records.push(record((this.#steps[i] as Step<unknown>).name, details[i] as Detail));
      }
      this.#records = records;
    }
    return this.#records;
  }
}

export type PipelineOutcome =
  | { ok: true; passed: PassedChecks }
  | { ok: false; check: ResponseCheck; error: ApiError; message: string; checks: CheckRecord[] };

export async function runPipeline<C>(steps: readonly Step<C>[], ctx: C): Promise<PipelineOutcome> {
  const details: Detail[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as Step<C>;
    try {
      const ran = step.run(ctx);
      details.push(typeof ran === 'string' || typeof ran === 'function' ? ran : await ran);
    } catch (err) {
      const failure =
        err instanceof CheckFailure
          ? err
          : new CheckFailure(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
      const check = failure.check ?? step.name;
      const checks = new PassedChecks(steps, details).records();
      checks.push({ name: check, ok: false, detail: failure.message });
      const error = new ApiError(failure.code, failure.message, { check });
      return { ok: false, check, error, message: failure.message, checks };
    }
  }
  return { ok: true, passed: new PassedChecks(steps, details) };
}
