import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import { Directory } from '../../../src/core/ram/index.js';
import {
  ACCOUNT,
  closeStores,
  codeOf,
  encodedMetadata,
  newDirectory,
  openStore,
  STORE_KINDS,
} from './helpers.js';

afterAll(closeStores);

const create = (d: Directory, name: string, extra: Record<string, unknown> = {}) =>
  d.CreateSAMLProvider(ACCOUNT, {
    SAMLProviderName: name,
    EncodedSAMLMetadataDocument: encodedMetadata(),
    ...extra,
  });

describe('SAML provider rules', () => {
  it('checks SAMLProviderName at 128/129 and its start/end/character rules', async () => {
    const d = await newDirectory();
    await create(d, 'p'.repeat(128));
    expect(await codeOf(create(d, 'p'.repeat(129)))).toBe('InvalidParameter.SAMLProviderName');
    await create(d, 'a');
    await create(d, 'a.b-c_d');
    for (const bad of ['.abc', 'abc.', '-abc', 'abc-', '_abc', 'abc_', 'a b', 'a/b', 'a@b'])
      expect(await codeOf(create(d, bad))).toBe('InvalidParameter.SAMLProviderName');
    expect(
      await codeOf(d.CreateSAMLProvider(ACCOUNT, { EncodedSAMLMetadataDocument: encodedMetadata() })),
    ).toBe('MissingParameter');
  });

  it('checks Description at 256/257 and AuthnSignAlgo values', async () => {
    const d = await newDirectory();
    await create(d, 'd1', { Description: 'd'.repeat(256) });
    expect(await codeOf(create(d, 'd2', { Description: 'd'.repeat(257) }))).toBe(
      'InvalidParameter.Description',
    );
    expect((await create(d, 'sha256', { AuthnSignAlgo: 'rsa-sha256' })).SAMLProvider.AuthnSignAlgo).toBe(
      'rsa-sha256',
    );
    expect((await create(d, 'default')).SAMLProvider.AuthnSignAlgo).toBe('rsa-sha1');
    expect(await codeOf(create(d, 'md5', { AuthnSignAlgo: 'rsa-md5' }))).toBe(
      'InvalidParameter.AuthnSignAlgo',
    );
  });

  it('decodes the metadata strictly before the validator sees it', async () => {
    const d = await newDirectory();
    const good = encodedMetadata();
    const withNewline = `${good.slice(0, 8)}\n${good.slice(8)}`;
    for (const bad of [
      withNewline,
      good.slice(0, -1),
      `${good}=`,
      'not base64!',
      Buffer.from([0xff, 0xfe]).toString('base64'),
    ])
      expect(await codeOf(create(d, 'p', { EncodedSAMLMetadataDocument: bad }))).toBe(
        'InvalidParameter.EncodedSAMLMetadataDocument',
      );
    // Non-zero padding bits: "QR==" decodes like "QQ==" but is not canonical.
    expect(await codeOf(create(d, 'p', { EncodedSAMLMetadataDocument: 'QR==' }))).toBe(
      'InvalidParameter.EncodedSAMLMetadataDocument',
    );
    // Well-formed base64 of something that is not metadata: the validator's own error.
    const notMetadata = Buffer.from('<html/>').toString('base64');
    expect(await codeOf(create(d, 'p', { EncodedSAMLMetadataDocument: notMetadata }))).toBe(
      'AuthenticationFail.IDPMetadata.Invalid',
    );
    expect((await d.ListSAMLProviders(ACCOUNT)).SAMLProviders.SAMLProvider).toEqual([]);
  });

  it('fails closed without a metadata validator', async () => {
    const store = await openStore();
    const d = new Directory({ store: store.directory });
    await d.CreateAccount({ AccountId: ACCOUNT });
    expect(await codeOf(create(d, 'p'))).toBe('AuthenticationFail.IDPMetadata.Invalid');
  });
});

describe.each(STORE_KINDS)('SAML providers on the %s store', (kind) => {
  it('allows 100 providers and refuses the 101st with LimitExceeded.SAMLProvider', async () => {
    const d = await newDirectory(kind);
    for (let i = 0; i < 100; i++) await create(d, `idp-${i}`);
    expect(await codeOf(create(d, 'idp-100'))).toBe('LimitExceeded.SAMLProvider');
    expect(await codeOf(d.ListSAMLProviders(ACCOUNT, { MaxItems: 101 }))).toBe('InvalidParameter.MaxItems');
    const page = await d.ListSAMLProviders(ACCOUNT, { MaxItems: 100 });
    expect(page.SAMLProviders.SAMLProvider).toHaveLength(100);
    expect(page.IsTruncated).toBe(false);
  });

  it('creates, gets, updates, lists and deletes with the IMS shapes', async () => {
    const d = await newDirectory(kind, () => new Date('2020-10-22T02:37:05.123Z'));
    const created = await create(d, 'Okta', { Description: 'This is a provider.' });
    expect(created).toEqual({
      SAMLProvider: {
        SAMLProviderName: 'Okta',
        Description: 'This is a provider.',
        Arn: `acs:ram::${ACCOUNT}:saml-provider/Okta`,
        AuthnSignAlgo: 'rsa-sha1',
        CreateDate: '2020-10-22T02:37:05Z',
        UpdateDate: '2020-10-22T02:37:05Z',
      },
    });
    expect(await codeOf(create(d, 'okta'))).toBe('EntityAlreadyExists.SAMLProvider');
    const got = await d.GetSAMLProvider(ACCOUNT, { SAMLProviderName: 'OKTA' });
    expect(got.SAMLProvider.EncodedSAMLMetadataDocument).toBe(encodedMetadata());
    expect(await codeOf(d.UpdateSAMLProvider(ACCOUNT, { SAMLProviderName: 'Okta' }))).toBe(
      'MissingParameter',
    );
    const updated = await d.UpdateSAMLProvider(ACCOUNT, {
      SAMLProviderName: 'Okta',
      NewEncodedSAMLMetadataDocument: encodedMetadata('https://okta.example/new'),
      AuthnSignAlgo: 'rsa-sha256',
    });
    expect(updated.SAMLProvider).not.toHaveProperty('EncodedSAMLMetadataDocument');
    expect(await d.samlProviderForSso(ACCOUNT, 'okta')).toMatchObject({
      name: 'Okta',
      arn: `acs:ram::${ACCOUNT}:saml-provider/Okta`,
      entityId: 'https://okta.example/new',
      authnSignAlgo: 'rsa-sha256',
      metadataXml: expect.stringContaining('entityID="https://okta.example/new"'),
    });
    await d.DeleteSAMLProvider(ACCOUNT, { SAMLProviderName: 'okta' });
    expect(await codeOf(d.GetSAMLProvider(ACCOUNT, { SAMLProviderName: 'Okta' }))).toBe(
      'EntityNotExist.SAMLProvider',
    );
    expect(await d.samlProviderForSso(ACCOUNT, 'Okta')).toBeUndefined();
  });

  it('creates exactly one provider when created concurrently', async () => {
    const d = await newDirectory(kind);
    const results = await Promise.allSettled([create(d, 'dup'), create(d, 'DUP'), create(d, 'Dup')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await d.ListSAMLProviders(ACCOUNT)).SAMLProviders.SAMLProvider).toHaveLength(1);
  });
});

describe('user SSO settings', () => {
  it('has Alibaba’s defaults and keeps unspecified settings on update', async () => {
    const d = await newDirectory();
    expect(await d.GetUserSsoSettings(ACCOUNT)).toEqual({
      UserSsoSettings: { SsoEnabled: false, SsoLoginWithDomain: true, AuthnSignAlgo: 'rsa-sha1' },
    });
    expect(await codeOf(d.SetUserSsoSettings(ACCOUNT, { SsoEnabled: true }))).toBe(
      'InvalidParameter.MetadataDocument',
    );
    await d.SetUserSsoSettings(ACCOUNT, { MetadataDocument: encodedMetadata(), SsoEnabled: 'true' });
    await d.SetUserSsoSettings(ACCOUNT, { AuxiliaryDomain: 'example.com' });
    expect((await d.GetUserSsoSettings(ACCOUNT)).UserSsoSettings).toEqual({
      AuxiliaryDomain: 'example.com',
      MetadataDocument: encodedMetadata(),
      SsoEnabled: true,
      SsoLoginWithDomain: true,
      AuthnSignAlgo: 'rsa-sha1',
    });
    expect(await codeOf(d.SetUserSsoSettings(ACCOUNT, { MetadataDocument: 'QR==' }))).toBe(
      'InvalidParameter.MetadataDocument',
    );
    expect(await codeOf(d.SetUserSsoSettings(ACCOUNT, { AuxiliaryDomain: 'x.onaliyun.com' }))).toBe(
      'InvalidParameter.AuxiliaryDomain',
    );
    expect(await codeOf(d.SetUserSsoSettings(ACCOUNT, { SsoLoginWithDomain: 'yes' }))).toBe(
      'InvalidParameter',
    );
    expect(await codeOf(d.SetUserSsoSettings(ACCOUNT, { AuthnSignAlgo: 'rsa-sha512' }))).toBe(
      'InvalidParameter.AuthnSignAlgo',
    );
  });

  it('maps a NameID to a RAM user as reference §1.7 describes', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'Alice' });
    expect(await codeOf(d.resolveSsoUser(ACCOUNT, 'alice@demo.onaliyun.com'))).toBe(
      'AuthenticationFail.SSO.Disabled',
    );
    await d.SetUserSsoSettings(ACCOUNT, {
      MetadataDocument: encodedMetadata(),
      SsoEnabled: true,
      AuxiliaryDomain: 'aux.example',
    });
    const resolve = (nameId: string) => d.resolveSsoUser(ACCOUNT, nameId).then((u) => u.UserName);
    expect(await resolve('alice@demo.onaliyun.com')).toBe('Alice');
    expect(await resolve('ALICE@Demo.Onaliyun.Com')).toBe('Alice');
    // The auxiliary domain counts only while no domain alias is set.
    expect(await resolve('alice@aux.example')).toBe('Alice');
    await d.SetDomainAlias(ACCOUNT, { DomainAlias: 'example.com' });
    expect(await resolve('alice@example.com')).toBe('Alice');
    expect(await codeOf(resolve('alice@aux.example'))).toBe('AuthenticationFail.User.NotFound');
    expect(await codeOf(resolve('alice'))).toBe('AuthenticationFail.User.NotFound');
    expect(await codeOf(resolve('mallory@example.com'))).toBe('AuthenticationFail.User.NotFound');
    await d.SetUserSsoSettings(ACCOUNT, { SsoLoginWithDomain: false });
    expect(await resolve('alice')).toBe('Alice');
    expect(await codeOf(resolve('alice@example.com'))).toBe('AuthenticationFail.User.NotFound');
    const config = await d.userSsoConfig(ACCOUNT);
    expect(config).toMatchObject({ entityId: 'https://idp.example.com/metadata', ssoLoginWithDomain: false });
  });
});

describe('errors', () => {
  it('are ApiErrors from the one table with messages naming the problem', async () => {
    const d = await newDirectory();
    const error = await create(d, '.bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).httpStatus).toBe(400);
    expect((error as ApiError).message).toMatch(/must not start or end/);
  });
});
