import { constantTimeEqual } from '../core/constant-time.js';
import { ApiError } from '../core/errors.js';
import type { Gateway } from './gateway.js';
import { signInWithRole, type RoleSsoOutcome } from './role-sso.js';
import { withCliFailure } from './cli-failure.js';
import { takePendingChoice, type PendingChoice } from './sessions.js';

/**
 * The role picker's POST: the pending choice is taken (single use), its CSRF token must match the
 * one in the form and in the picker cookie, and the role must be one the assertion offered.
 */
export async function chooseRole(
  gw: Gateway,
  form: { pending: string; csrf: string; role: string; cookieCsrf: string | undefined },
): Promise<Extract<RoleSsoOutcome, { kind: 'signed-in' }>> {
  const pending = await takePendingChoice(gw.store.ephemeral, form.pending);
  if (!pending) {
    throw new ApiError(
      'AuthenticationFail.Session',
      'This role choice has expired or was already used: sign in again.',
      {
        check: 'pending-choice',
      },
    );
  }
  return withCliFailure(pending.cliState, () => chooseFromPending(gw, form, pending));
}

async function chooseFromPending(
  gw: Gateway,
  form: { csrf: string; role: string; cookieCsrf: string | undefined },
  pending: PendingChoice,
): Promise<Extract<RoleSsoOutcome, { kind: 'signed-in' }>> {
  if (
    !form.cookieCsrf ||
    !constantTimeEqual(form.csrf, pending.csrf) ||
    !constantTimeEqual(form.cookieCsrf, pending.csrf)
  ) {
    throw new ApiError(
      'Forbidden.CSRF',
      'The role choice did not come from the page this gateway showed you.',
      {
        check: 'csrf',
      },
    );
  }
  const index = /^[0-9]{1,3}$/.test(form.role) ? Number(form.role) : -1;
  const role = pending.roles[index];
  if (!role)
    throw new ApiError('AuthenticationFail.SAMLAssertion.Invalid', 'Choose one of the offered roles.', {
      check: 'role-choice',
    });
  const session = await signInWithRole(gw, pending.login, role, pending.sessionDuration);
  return { kind: 'signed-in', session, returnTo: pending.returnTo, cliState: pending.cliState };
}
