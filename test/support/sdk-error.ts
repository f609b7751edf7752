import { expect } from 'vitest';

/** The error an official SDK call fails with (the test fails when the call succeeds). */
export async function sdkError(
  promise: Promise<unknown>,
): Promise<{ code: string; statusCode: number; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the SDK call should have failed').toBeDefined();
  return error as { code: string; statusCode: number; message: string };
}
