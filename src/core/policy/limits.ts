import { ApiError } from '../errors.js';
import type { PolicyKind } from './types.js';

/**
 * Document length limits in characters (reference §4): a custom policy 6,144; an STS session
 * Policy 1–2,048 (reference §3.1/§3.2). No trust-policy limit is documented; the custom-policy
 * limit is used for trust policies too.
 */
export const POLICY_LIMITS: Readonly<Record<PolicyKind, { readonly min: number; readonly max: number }>> =
  Object.freeze({
    identity: { min: 1, max: 6144 },
    trust: { min: 1, max: 6144 },
    session: { min: 1, max: 2048 },
  });

const LABEL: Readonly<Record<PolicyKind, string>> = {
  identity: 'a custom policy document',
  trust: 'a trust policy document',
  session: 'the session Policy',
};

/** Characters are Unicode code points (an emoji is one character, not two UTF-16 units). */
export function characterCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

export function checkPolicySize(text: string, kind: PolicyKind): void {
  const { min, max } = POLICY_LIMITS[kind];
  // Each character is at most two UTF-16 units, so a text longer than 2 × max is too long without counting.
  const count = text.length > 2 * max ? undefined : characterCount(text);
  if (count !== undefined && count >= min && count <= max) return;
  const actual = count === undefined ? `more than ${fmt(max)}` : fmt(count);
  throw new ApiError(
    'InvalidParameter.PolicySize',
    `The size of ${LABEL[kind]} must be ${fmt(min)} to ${fmt(max)} characters; it is ${actual}.`,
  );
}

const fmt = (n: number) => n.toLocaleString('en-US');
