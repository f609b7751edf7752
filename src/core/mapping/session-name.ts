/**
 * Turning an IdP value (UPN, email, `DOMAIN\user`, a display name) into a RoleSessionName
 * (reference §2.3: 2–64 of `A–Z a–z 0–9 , . _ + = @ -`). The transformation, documented in
 * docs/idp-recipes.md:
 *   1. a Windows account name `DOMAIN\user` keeps what follows the last backslash;
 *   2. every other character outside the allowed set becomes `-`;
 *   3. the result is cut to 64 characters;
 *   4. a result shorter than 2 characters is refused.
 */
export const SESSION_NAME_ALLOWED = /^[A-Za-z0-9,.\-_+=@]{2,64}$/;
const DISALLOWED = /[^A-Za-z0-9,.\-_+=@]/g;
export const SESSION_NAME_MAX_CHARS = 64;

export type SanitizedName = { ok: true; name: string; changed: boolean } | { ok: false; problem: string };

export function sanitizeSessionName(value: string): SanitizedName {
  const afterDomain = value.slice(value.lastIndexOf('\\') + 1);
  const name = afterDomain.replace(DISALLOWED, '-').slice(0, SESSION_NAME_MAX_CHARS);
  if (name.length < 2)
    return {
      ok: false,
      problem: `"${value.slice(0, 100)}" gives "${name}", shorter than the 2 characters a RoleSessionName needs`,
    };
  return { ok: true, name, changed: name !== value };
}
