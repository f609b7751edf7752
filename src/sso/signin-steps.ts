/**
 * The steps of a password sign-in after the password (password-signin.ts): the MFA code of a bound
 * device (±1 step, each step's code accepted once per user), the forced password change
 * (ChangePassword's policy and history rules), the binding of a new virtual MFA device (two
 * consecutive codes); then the console session. Each step takes the pending sign-in (single use),
 * checks the double-submit token, and puts it back for the next step, or for another try after a
 * wrong answer (at most MAX_STEP_FAILURES; wrong MFA codes also count towards MaxLoginAttemps).
 */
import { constantTimeEqual } from '../core/constant-time.js';
import { ApiError, isApiError } from '../core/errors.js';
import { passwordStamp } from '../core/ram/login-profiles.js';
import { matchingStep } from '../core/ram/totp.js';
import { userConsoleSession } from '../core/sts/operations.js';
import type { Gateway } from './gateway.js';
import { claimCodeStep, clearFailures, lockedUntil, recordFailure } from './signin-lockout.js';
import {
  MAX_STEP_FAILURES,
  savePendingSignIn,
  takePendingSignIn,
  type PendingSignIn,
  type SignInStep,
} from './signin-pending.js';
import { signInPreferences } from './signin-preferences.js';
import type { ConsoleSession } from './sessions.js';
import { consoleSessionAsUser } from './user-sso.js';

export type SignInOutcome =
  | { kind: 'idp'; location: string }
  | { kind: 'step'; pending: PendingSignIn; problem?: ApiError | undefined }
  | { kind: 'signed-in'; session: ConsoleSession };

export interface StepInput {
  pendingId: string;
  csrf: string;
  cookieCsrf: string | undefined;
  step: SignInStep;
  fields: Map<string, string>;
  client: string;
}

const CODE = /^[0-9]{6}$/;
const ended = () =>
  new ApiError('AuthenticationFail.Session', 'This sign-in has expired or was already used: sign in again.', {
    check: 'pending-sign-in',
  });

/** The next step's page, or the console session when none is left. */
export async function advance(gw: Gateway, pending: PendingSignIn, client: string): Promise<SignInOutcome> {
  if (pending.steps.length > 0) {
    await savePendingSignIn(gw.store.ephemeral, pending, gw.now(), client);
    return { kind: 'step', pending };
  }
  return { kind: 'signed-in', session: await consoleSessionOf(gw, pending) };
}

/** Before the session: the user, its active profile and password sign-in (user SSO off) are still there. */
async function assertStillAllowed(gw: Gateway, pending: PendingSignIn): Promise<void> {
  const facts = await gw.directory.signInFacts(pending.accountId, pending.userName);
  const ssoOn = await gw.directory.userSsoConfig(pending.accountId);
  if (!facts || facts.userId !== pending.userId || facts.profile.Status !== 'Active' || ssoOn) throw ended();
}

async function consoleSessionOf(gw: Gateway, pending: PendingSignIn): Promise<ConsoleSession> {
  await assertStillAllowed(gw, pending);
  const prefs = await signInPreferences(gw, pending.accountId);
  const seconds = prefs.sessionSeconds;
  const { credentials } = await userConsoleSession(
    gw.sts,
    { accountId: pending.accountId, userName: pending.userName, userId: pending.userId },
    { via: 'signin:password', mfaPresent: pending.mfaPassed },
    seconds,
  );
  await gw.directory.recordLogin(pending.accountId, pending.userName, pending.userId);
  return consoleSessionAsUser(gw, { accountId: pending.accountId, userName: pending.userName }, credentials);
}

function field(fields: Map<string, string>, name: string, max: number): string {
  const value = fields.get(name) ?? '';
  if (value.length > max)
    throw new ApiError('InvalidParameter', `The field ${name} is longer than ${max} characters.`, {
      check: 'fields',
    });
  return value;
}

/** The 6-digit codes of the form, or undefined when one is not 6 digits. */
function codes(fields: Map<string, string>, ...names: string[]): string[] | undefined {
  const values = names.map((name) => field(fields, name, 16).trim());
  return values.every((v) => CODE.test(v)) ? values : undefined;
}

const malformed = () =>
  new ApiError(
    'AuthenticationFail.MFA.Invalid',
    'An MFA code is exactly 6 digits, as your authenticator app shows it.',
    {
      check: 'mfa',
    },
  );

/** A wrong answer: the sign-in goes back for another try (or ends after MAX_STEP_FAILURES). */
async function retry(
  gw: Gateway,
  pending: PendingSignIn,
  client: string,
  problem: ApiError,
): Promise<SignInOutcome> {
  const next = { ...pending, failures: pending.failures + 1 };
  if (next.failures >= MAX_STEP_FAILURES) throw problem;
  await savePendingSignIn(gw.store.ephemeral, next, gw.now(), client);
  return { kind: 'step', pending: next, problem };
}

async function checkMfaCode(
  gw: Gateway,
  pending: PendingSignIn,
  typed: string,
): Promise<ApiError | undefined> {
  const facts = await gw.directory.signInFacts(pending.accountId, pending.userName);
  if (
    !facts ||
    facts.userId !== pending.userId ||
    !facts.mfa ||
    passwordStamp(facts.profile.Password) !== pending.passwordStamp
  )
    throw ended();
  const user = { accountId: pending.accountId, userId: pending.userId };
  const locked = await lockedUntil(gw.store.ephemeral, user);
  if (locked !== undefined && locked > gw.now())
    throw new ApiError(
      'AuthenticationFail.User.Locked',
      'Too many wrong answers: this RAM user is locked for one hour.',
      {
        check: 'lockout',
      },
    );
  const step = matchingStep(facts.mfa.seed, typed, new Date(gw.now()));
  const fresh =
    step !== undefined && step > facts.mfa.lastStep && (await claimCodeStep(gw.store.ephemeral, user, step));
  if (fresh) {
    await clearFailures(gw.store.ephemeral, user);
    return undefined;
  }
  const until = await recordFailure(gw.store.ephemeral, user, facts.policy.MaxLoginAttemps, gw.now());
  if (until !== undefined)
    throw new ApiError(
      'AuthenticationFail.User.Locked',
      'Too many wrong answers: this RAM user is locked for one hour.',
      {
        check: 'lockout',
      },
    );
  return new ApiError(
    'AuthenticationFail.MFA.Invalid',
    step === undefined
      ? 'That is not the current code of your MFA device. Check the time on your phone, then type the code shown now.'
      : 'That code was already used. Wait for the next code and type it.',
    { check: 'mfa' },
  );
}

/** One step; a wrong answer returns the same step with the problem, anything else that fails ends it. */
async function runStep(gw: Gateway, pending: PendingSignIn, input: StepInput): Promise<ApiError | undefined> {
  switch (input.step) {
    case 'mfa': {
      const [typed] = codes(input.fields, 'code') ?? [];
      if (typed === undefined) return malformed();
      const problem = await checkMfaCode(gw, pending, typed);
      if (!problem) pending.mfaPassed = true;
      return problem;
    }
    case 'change-password': {
      const password = field(input.fields, 'new-password', 128);
      if (password !== field(input.fields, 'confirm-password', 128))
        return new ApiError('InvalidParameter.Password', 'The two new passwords are not the same.', {
          check: 'new-password',
        });
      return passwordProblem(() =>
        gw.directory.changePasswordAtSignIn(pending.accountId, {
          userId: pending.userId,
          userName: pending.userName,
          passwordStamp: pending.passwordStamp,
          newPassword: password,
        }),
      );
    }
    case 'bind-mfa': {
      const [code1, code2] = codes(input.fields, 'code1', 'code2') ?? [];
      if (code1 === undefined || code2 === undefined) return malformed();
      if (!pending.seed) throw ended();
      const problem = await passwordProblem(async () => {
        const step = await gw.directory.bindMfaAtSignIn(pending.accountId, {
          userName: pending.userName,
          userId: pending.userId,
          seed: pending.seed as string,
          code1,
          code2,
        });
        const user = { accountId: pending.accountId, userId: pending.userId };
        await claimCodeStep(gw.store.ephemeral, user, step - 1);
        await claimCodeStep(gw.store.ephemeral, user, step);
      });
      if (!problem) pending.mfaPassed = true;
      return problem;
    }
  }
}

/** The refusals a person can fix by typing again (policy, history, codes) come back; others are thrown. */
async function passwordProblem(action: () => Promise<unknown>): Promise<ApiError | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    if (
      isApiError(error) &&
      ['InvalidParameter.Password', 'InvalidParameter.AuthenticationCode'].includes(error.code)
    )
      return error;
    throw error;
  }
}

export async function continueSignIn(gw: Gateway, input: StepInput): Promise<SignInOutcome> {
  const pending = await takePendingSignIn(gw.store.ephemeral, input.pendingId, gw.now());
  if (!pending) throw ended();
  if (
    !input.cookieCsrf ||
    !constantTimeEqual(input.csrf, pending.csrf) ||
    !constantTimeEqual(input.cookieCsrf, pending.csrf)
  )
    throw new ApiError('Forbidden.CSRF', 'The form did not come from this sign-in’s page.', {
      check: 'csrf',
    });
  if (pending.steps[0] !== input.step) throw ended();
  const problem = await runStep(gw, pending, input);
  if (problem) return retry(gw, pending, input.client, problem);
  return advance(gw, { ...pending, steps: pending.steps.slice(1) }, input.client);
}
