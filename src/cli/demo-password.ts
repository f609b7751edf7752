/**
 * Demo mode's password sign-in: the demo account signs its RAM users in through the demo IdP
 * (user-based SSO on turns password sign-in off, as Alibaba), so a second demo account, without
 * SSO, has a RAM user with a login profile. Created when absent; an existing profile is left alone.
 */
import { isApiError } from '../core/errors.js';
import type { Gateway } from '../sso/gateway.js';

export const DEMO_PASSWORD_ACCOUNT = '1234567890123457';
export const DEMO_PASSWORD_ALIAS = 'demo-password';
export const DEMO_PASSWORD_USER = { name: 'carol', password: 'Carol-demo-1' } as const;

const unlessExists = (error: unknown) => {
  if (isApiError(error) && error.code.startsWith('EntityAlreadyExists')) return undefined;
  throw error;
};

export async function setUpPasswordDemo(gw: Gateway): Promise<{ label: string; href: string }> {
  const d = gw.directory;
  if (!(await d.hasAccount(DEMO_PASSWORD_ACCOUNT)))
    await d
      .CreateAccount({ AccountId: DEMO_PASSWORD_ACCOUNT, AccountAlias: DEMO_PASSWORD_ALIAS })
      .catch(unlessExists);
  const user = DEMO_PASSWORD_USER.name;
  await d
    .CreateUser(DEMO_PASSWORD_ACCOUNT, { UserName: user, DisplayName: 'Carol (password)' })
    .catch(unlessExists);
  await d
    .CreateLoginProfile(DEMO_PASSWORD_ACCOUNT, { UserName: user, Password: DEMO_PASSWORD_USER.password })
    .catch(unlessExists);
  return {
    label: `Password sign-in (${user} / ${DEMO_PASSWORD_USER.password})`,
    href: `/signin/user?account=${DEMO_PASSWORD_ACCOUNT}`,
  };
}

/** The banner's line. */
export const demoPasswordLine = (baseUrl: string) =>
  `Demo password sign-in: ${baseUrl}/signin/user as ${DEMO_PASSWORD_USER.name}@${DEMO_PASSWORD_ALIAS}.onaliyun.com / ${DEMO_PASSWORD_USER.password}`;
