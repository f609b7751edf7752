/**
 * A sign-in that fails after its pending request is known may belong to a CLI login: the error is
 * tagged with that login's id so the page that reports it can also hand it to the CLI's loopback
 * listener, which prints it and exits at once instead of waiting out its timeout.
 */
const cliLogins = new WeakMap<object, string>();

/** Run `step`; an error it throws is tagged with the CLI login id (when there is one) and rethrown. */
export async function withCliFailure<T>(cliId: string | undefined, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (cliId && typeof error === 'object' && error !== null) cliLogins.set(error, cliId);
    throw error;
  }
}

/** The CLI login id a failed sign-in belonged to, if any. */
export function cliLoginOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? cliLogins.get(error) : undefined;
}
