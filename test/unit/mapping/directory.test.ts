import { afterAll, describe, expect, it } from 'vitest';
import { applyConfig, parseConfig } from '../../../src/core/config/index.js';
import { ApiError } from '../../../src/core/errors.js';
import { ACCOUNT, closeStores, codeOf, encodedMetadata, metadataXml, newDirectory } from '../ram/helpers.js';

afterAll(closeStores);

const RULES = {
  roles: { attribute: 'groups', patterns: ['Aliyun-{account}-{role}'] },
  sessionName: { nameId: true },
};

describe('MappingRules through the RAM API', () => {
  it('is stored with the provider, returned by GetSAMLProvider, updated alone and cleared with {}', async () => {
    const d = await newDirectory();
    await d.CreateSAMLProvider(ACCOUNT, {
      SAMLProviderName: 'corp',
      EncodedSAMLMetadataDocument: encodedMetadata(),
      MappingRules: JSON.stringify(RULES),
    });
    const got = await d.GetSAMLProvider(ACCOUNT, { SAMLProviderName: 'corp' });
    expect(JSON.parse(got.SAMLProvider.MappingRules as string)).toEqual(RULES);
    await d.UpdateSAMLProvider(ACCOUNT, {
      SAMLProviderName: 'corp',
      MappingRules: JSON.stringify({ sessionDuration: { max: 1800 } }),
    });
    expect((await d.samlProviderForSso(ACCOUNT, 'corp'))?.mappingRules).toBe(
      '{"sessionDuration":{"max":1800}}',
    );
    await d.UpdateSAMLProvider(ACCOUNT, { SAMLProviderName: 'corp', NewDescription: 'kept rules' });
    expect((await d.samlProviderForSso(ACCOUNT, 'corp'))?.mappingRules).toBe(
      '{"sessionDuration":{"max":1800}}',
    );
    await d.UpdateSAMLProvider(ACCOUNT, { SAMLProviderName: 'corp', MappingRules: '{}' });
    const cleared = await d.GetSAMLProvider(ACCOUNT, { SAMLProviderName: 'corp' });
    expect(cleared.SAMLProvider).not.toHaveProperty('MappingRules');
  });

  it('refuses bad rules and writes nothing', async () => {
    const d = await newDirectory();
    const bad = JSON.stringify({
      roles: { attribute: 'groups', map: { admins: 'acs:ram::999:role/Admin' } },
    });
    const create = d.CreateSAMLProvider(ACCOUNT, {
      SAMLProviderName: 'corp',
      EncodedSAMLMetadataDocument: encodedMetadata(),
      MappingRules: bad,
    });
    expect(await codeOf(create)).toBe('InvalidParameter.MappingRules');
    expect(await codeOf(d.GetSAMLProvider(ACCOUNT, { SAMLProviderName: 'corp' }))).toBe(
      'EntityNotExist.SAMLProvider',
    );
    await d.CreateSAMLProvider(ACCOUNT, {
      SAMLProviderName: 'corp',
      EncodedSAMLMetadataDocument: encodedMetadata(),
    });
    const update = d.UpdateSAMLProvider(ACCOUNT, {
      SAMLProviderName: 'corp',
      MappingRules: '{"roles":{"attribute":"g","patterns":["{role}"]}}',
    });
    expect(await codeOf(update)).toBe('InvalidParameter.MappingRules');
    expect((await d.samlProviderForSso(ACCOUNT, 'corp'))?.mappingRules).toBeUndefined();
  });

  it('SetUserSsoSettings takes and returns the user mapping, and refuses a bad one', async () => {
    const d = await newDirectory();
    await d.SetUserSsoSettings(ACCOUNT, { MappingRules: '{"user":{"attribute":"upn"}}' });
    expect((await d.GetUserSsoSettings(ACCOUNT)).UserSsoSettings).toMatchObject({
      MappingRules: '{"user":{"attribute":"upn"}}',
    });
    expect(await codeOf(d.SetUserSsoSettings(ACCOUNT, { MappingRules: '{"user":{"group":"x"}}' }))).toBe(
      'InvalidParameter.MappingRules',
    );
  });
});

describe('mapping: in the config', () => {
  const config = (mapping: unknown) =>
    parseConfig(
      JSON.stringify({
        accounts: [
          {
            id: ACCOUNT,
            samlProviders: [{ name: 'corp', metadata: 'builtin-test', ...(mapping ? { mapping } : {}) }],
          },
        ],
      }),
      { format: 'json' },
    );
  const options = { baseDir: '.', resolveBuiltinMetadata: () => metadataXml('https://idp.example/') };

  it('is applied, re-applied without change, and cleared when removed', async () => {
    const d = await newDirectory();
    await applyConfig(d, config(RULES), options);
    expect(JSON.parse((await d.samlProviderForSso(ACCOUNT, 'corp'))?.mappingRules ?? '')).toEqual(RULES);
    expect((await applyConfig(d, config(RULES), options)).actions).toEqual([]);
    await applyConfig(d, config(undefined), options);
    expect((await d.samlProviderForSso(ACCOUNT, 'corp'))?.mappingRules).toBeUndefined();
  });

  it('refuses a bad shape at load and another account’s role at apply, naming where', async () => {
    const shape = (() => {
      try {
        config({ roles: { attribute: 'g', patterns: 'Aliyun-{role}' } });
      } catch (e) {
        return (e as ApiError).message;
      }
    })();
    expect(shape).toMatch(/samlProviders\[0\]\.mapping\.roles\.patterns/);
    const d = await newDirectory();
    const applied = applyConfig(
      d,
      config({ roles: { attribute: 'g', map: { x: 'acs:ram::999:role/Admin' } } }),
      options,
    );
    await expect(applied).rejects.toThrow(/samlProviders\[0\].*role of another account/);
  });
});
