/**
 * User-based SSO end to end: a NameID the IdP signed is mapped to exactly the RAM user it names.
 * Case-insensitive matching (Alibaba's rule) must stay ASCII: Unicode case mapping folds other
 * characters onto ASCII letters (U+212A KELVIN SIGN lower-cases to "k"), turning one identity into
 * another.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/errors.js';
import { Directory } from '../../src/core/ram/index.js';
import { createStore, type Store } from '../../src/core/store/index.js';
import { validateIdpMetadata } from '../../src/saml/metadata.js';
import { build, idp, verify } from './harness.js';

const ACCOUNT = '1234567890123456';
const stores: Store[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

async function directoryWithUser(userName: string): Promise<Directory> {
  const store = await createStore({ kind: 'memory' });
  stores.push(store);
  const directory = new Directory({ store: store.directory, validateIdpMetadata });
  await directory.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'demo' });
  await directory.CreateUser(ACCOUNT, { UserName: userName });
  await directory.SetUserSsoSettings(ACCOUNT, {
    MetadataDocument: Buffer.from(idp.metadata()).toString('base64'),
    SsoEnabled: true,
  });
  return directory;
}

/** Verify a response whose NameID the IdP signed, then map it as the user-based ACS does. */
async function signIn(directory: Directory, nameId: string): Promise<string> {
  const result = await verify(build({ nameId }));
  if (!result.ok) throw new Error(`verification refused: ${result.check}`);
  try {
    return (await directory.resolveSsoUser(ACCOUNT, result.assertion.nameId!)).UserName;
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
}

describe('NameID → RAM user', () => {
  it('control: the signed NameID maps to its user, ASCII case-insensitively', async () => {
    const directory = await directoryWithUser('kevin');
    expect(await signIn(directory, 'kevin@demo.onaliyun.com')).toBe('kevin');
    expect(await signIn(directory, 'KEVIN@demo.onaliyun.com')).toBe('kevin');
    expect(await signIn(directory, 'mallory@demo.onaliyun.com')).toBe('AuthenticationFail.User.NotFound');
  });

  // Regression: nameKey used String.prototype.toLowerCase, which folds U+212A KELVIN SIGN to "k".
  it('a NameID with U+212A KELVIN SIGN does not sign in as the ASCII user', async () => {
    const directory = await directoryWithUser('kevin');
    expect(await signIn(directory, '\u212Aevin@demo.onaliyun.com')).toBe('AuthenticationFail.User.NotFound');
  });
});
