/**
 * SAML providers (IMS 2019-08-15, reference §2.1): name rule, ≤ 100 per account, metadata
 * validated by the injected port, AuthnSignAlgo rsa-sha256 | rsa-sha1 (default rsa-sha1).
 * Description: no source gives a cap; ours is LIMITS.samlProviderDescriptionChars (256).
 * MappingRules (ramgate extension, JSON text): attribute → role rules, checked by core/mapping.
 */
import { samlProviderArn } from '../arn.js';
import { missingParameter } from '../errors.js';
import { normalizeRoleMapping } from '../mapping/rules.js';
import { requireAccount } from './accounts.js';
import { formatDate } from './ids.js';
import { descriptionParam, checkedString, optionalString, requiredString, type Params } from './params.js';
import { checkSamlProviderName, LIMITS, nameKey } from './rules.js';
import { authnSignAlgo, validateMetadata, type AuthnSignAlgo } from './sso-settings.js';
import { C, commit, compact, json, read, update } from './storage.js';
import { entityOps, newDates } from './entity.js';
import type { DirectoryContext } from './storage.js';

export type SamlProviderRecord = {
  SAMLProviderName: string;
  Description: string;
  EncodedSAMLMetadataDocument: string;
  /** entityID of the IdP's EntityDescriptor, as the metadata validator reported it. */
  EntityId: string;
  AuthnSignAlgo: AuthnSignAlgo;
  /** Canonical JSON of the provider's mapping rules (extension); absent = Alibaba's attributes only. */
  MappingRules?: string;
  CreateDate: string;
  UpdateDate: string;
};

const PROVIDERS = entityOps({
  kind: 'SAMLProvider',
  collection: C.samlProvider,
  cap: LIMITS.samlProvidersPerAccount,
  nameOf: (p: SamlProviderRecord) => p.SAMLProviderName,
  list: { outer: 'SAMLProviders', inner: 'SAMLProvider', maxItems: LIMITS.samlProviderListMaxItems },
  dependents: [],
});

const providerMissing = PROVIDERS.missing;

function providerShape(accountId: string, p: SamlProviderRecord) {
  return compact({
    SAMLProviderName: p.SAMLProviderName,
    Description: p.Description,
    Arn: samlProviderArn(accountId, p.SAMLProviderName),
    AuthnSignAlgo: p.AuthnSignAlgo,
    CreateDate: p.CreateDate,
    UpdateDate: p.UpdateDate,
  });
}

const providerNameParam = (params: Params) =>
  checkedString(params, 'SAMLProviderName', checkSamlProviderName);

/** `MappingRules`: validated for this account; `{}` clears them. */
function mappingParam(params: Params, accountId: string): string | undefined {
  const raw = optionalString(params, 'MappingRules');
  return raw === undefined ? undefined : normalizeRoleMapping(raw, accountId);
}

const withMapping = (rules: string | undefined) => (rules && rules !== '{}' ? { MappingRules: rules } : {});

const requireProvider = PROVIDERS.require;

export async function createSamlProvider(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = providerNameParam(params);
  const description = descriptionParam(params, 'Description', LIMITS.samlProviderDescriptionChars);
  const algo = authnSignAlgo(params) ?? 'rsa-sha1';
  const metadata = requiredString(params, 'EncodedSAMLMetadataDocument');
  const entityId = validateMetadata(ctx, metadata, 'EncodedSAMLMetadataDocument');
  const mapping = mappingParam(params, accountId);
  const provider = await PROVIDERS.create(ctx, accountId, {
    SAMLProviderName: name,
    Description: description ?? '',
    EncodedSAMLMetadataDocument: metadata,
    EntityId: entityId,
    AuthnSignAlgo: algo,
    ...withMapping(mapping),
    ...newDates(ctx),
  });
  return { SAMLProvider: providerShape(accountId, provider) };
}

export async function getSamlProvider(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const provider = await requireProvider(ctx, accountId, providerNameParam(params));
  return {
    SAMLProvider: {
      ...providerShape(accountId, provider),
      EncodedSAMLMetadataDocument: provider.EncodedSAMLMetadataDocument,
      ...withMapping(provider.MappingRules),
    },
  };
}

/**
 * "Specify at least one of the NewDescription and NewEncodedSAMLMetadataDocument parameters."
 * (or, here, MappingRules).
 */
export async function updateSamlProvider(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  const name = providerNameParam(params);
  const description = descriptionParam(params, 'NewDescription', LIMITS.samlProviderDescriptionChars);
  const metadata = optionalString(params, 'NewEncodedSAMLMetadataDocument');
  const algo = authnSignAlgo(params);
  const mapping = mappingParam(params, accountId);
  if (description === undefined && metadata === undefined && mapping === undefined)
    throw missingParameter('NewEncodedSAMLMetadataDocument');
  const entityId =
    metadata === undefined ? undefined : validateMetadata(ctx, metadata, 'NewEncodedSAMLMetadataDocument');
  const provider = await requireProvider(ctx, accountId, name);
  const { MappingRules: previousRules, ...rest } = provider;
  const next: SamlProviderRecord = {
    ...rest,
    ...withMapping(mapping ?? previousRules),
    Description: description ?? provider.Description,
    EncodedSAMLMetadataDocument: metadata ?? provider.EncodedSAMLMetadataDocument,
    EntityId: entityId ?? provider.EntityId,
    AuthnSignAlgo: algo ?? provider.AuthnSignAlgo,
    UpdateDate: formatDate(ctx.now()),
  };
  await commit(ctx.store, [
    update(accountId, C.samlProvider, nameKey(name), json(next), providerMissing(name)),
  ]);
  return { SAMLProvider: providerShape(accountId, next) };
}

export async function deleteSamlProvider(ctx: DirectoryContext, accountId: string, params: Params) {
  await requireAccount(ctx, accountId);
  return PROVIDERS.remove(ctx, accountId, await requireProvider(ctx, accountId, providerNameParam(params)));
}

export const listSamlProviders = (ctx: DirectoryContext, accountId: string, params: Params) =>
  PROVIDERS.list(ctx, accountId, params, (p) => providerShape(accountId, p));

/** For the SAML engine: the provider's metadata XML, entity id and signature algorithm setting. */
export async function samlProviderForSso(ctx: DirectoryContext, accountId: string, name: string) {
  const provider = await read<SamlProviderRecord>(ctx, accountId, C.samlProvider, nameKey(name));
  if (!provider) return undefined;
  return {
    name: provider.SAMLProviderName,
    arn: samlProviderArn(accountId, provider.SAMLProviderName),
    metadataXml: Buffer.from(provider.EncodedSAMLMetadataDocument, 'base64').toString('utf8'),
    entityId: provider.EntityId,
    authnSignAlgo: provider.AuthnSignAlgo,
    mappingRules: provider.MappingRules,
    updateDate: provider.UpdateDate,
  };
}
