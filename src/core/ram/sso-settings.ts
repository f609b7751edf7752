/**
 * User-based SSO settings of an account (IMS SetUserSsoSettings / GetUserSsoSettings, reference
 * §1.2–§1.4). The metadata is kept base64 as uploaded; its entity id is kept beside it.
 * MappingRules (ramgate extension, JSON): which value names the RAM user (core/mapping/user.ts).
 */
import { ApiError } from '../errors.js';
import { parseUserMapping } from '../mapping/user.js';
import { decodeBase64Text, oneOf, optionalBool, optionalString, type Params } from './params.js';
import { checkDomainName, DEFAULT_DOMAIN_SUFFIX, LIMITS } from './rules.js';
import { C, commit, json, read, SELF, update, type DirectoryContext } from './storage.js';

export const AUTHN_SIGN_ALGOS = ['rsa-sha256', 'rsa-sha1'] as const;
export type AuthnSignAlgo = (typeof AUTHN_SIGN_ALGOS)[number];

export type SsoSettingsRecord = {
  SsoEnabled: boolean;
  MetadataDocument: string | null;
  EntityId: string | null;
  AuxiliaryDomain: string | null;
  SsoLoginWithDomain: boolean;
  AuthnSignAlgo: AuthnSignAlgo;
  MappingRules?: string;
};

export function defaultSsoSettings(): SsoSettingsRecord {
  return {
    SsoEnabled: false,
    MetadataDocument: null,
    EntityId: null,
    AuxiliaryDomain: null,
    SsoLoginWithDomain: true,
    AuthnSignAlgo: 'rsa-sha1',
  };
}

export function authnSignAlgo(params: Params): AuthnSignAlgo | undefined {
  return oneOf(params, 'AuthnSignAlgo', AUTHN_SIGN_ALGOS, 'InvalidParameter.AuthnSignAlgo');
}

/**
 * Strictly decode base64 metadata, cap its size, and have the injected validator (the SAML
 * engine) check the XML. Returns the entity id the validator found.
 */
export function validateMetadata(
  ctx: DirectoryContext,
  encoded: string,
  name: 'EncodedSAMLMetadataDocument' | 'MetadataDocument' | 'NewEncodedSAMLMetadataDocument',
): string {
  const code =
    name === 'MetadataDocument'
      ? 'InvalidParameter.MetadataDocument'
      : 'InvalidParameter.EncodedSAMLMetadataDocument';
  if (encoded.length > LIMITS.metadataDocumentChars)
    throw new ApiError(code, `${name} is longer than ${LIMITS.metadataDocumentChars} characters.`);
  const xml = decodeBase64Text(encoded, code, name);
  return ctx.validateIdpMetadata(xml).entityId;
}

async function readSettings(ctx: DirectoryContext, accountId: string): Promise<SsoSettingsRecord> {
  const settings = await read<SsoSettingsRecord>(ctx, accountId, C.ssoSettings, SELF);
  if (!settings) throw new ApiError('EntityNotExist.Account', `The account ${accountId} does not exist.`);
  return settings;
}

function settingsShape(s: SsoSettingsRecord) {
  return {
    UserSsoSettings: {
      ...(s.AuxiliaryDomain ? { AuxiliaryDomain: s.AuxiliaryDomain } : {}),
      ...(s.MetadataDocument ? { MetadataDocument: s.MetadataDocument } : {}),
      SsoEnabled: s.SsoEnabled,
      SsoLoginWithDomain: s.SsoLoginWithDomain,
      AuthnSignAlgo: s.AuthnSignAlgo,
      ...(s.MappingRules ? { MappingRules: s.MappingRules } : {}),
    },
  };
}

export async function getUserSsoSettings(ctx: DirectoryContext, accountId: string) {
  return settingsShape(await readSettings(ctx, accountId));
}

export async function setUserSsoSettings(ctx: DirectoryContext, accountId: string, params: Params) {
  const metadata = optionalString(params, 'MetadataDocument');
  const enabled = optionalBool(params, 'SsoEnabled');
  const auxiliary = params['AuxiliaryDomain'];
  const withDomain = optionalBool(params, 'SsoLoginWithDomain');
  const algo = authnSignAlgo(params);
  const rawMapping = optionalString(params, 'MappingRules');
  const mapping = rawMapping === undefined ? undefined : JSON.stringify(parseUserMapping(rawMapping));
  const entityId = metadata === undefined ? undefined : validateMetadata(ctx, metadata, 'MetadataDocument');
  if (typeof auxiliary === 'string' && auxiliary !== '') checkAuxiliaryDomain(auxiliary);
  const { MappingRules: currentMapping, ...current } = await readSettings(ctx, accountId);
  const keptMapping = mapping ?? currentMapping;
  const next: SsoSettingsRecord = {
    ...(keptMapping && keptMapping !== '{}' ? { MappingRules: keptMapping } : {}),
    SsoEnabled: enabled ?? current.SsoEnabled,
    MetadataDocument: metadata ?? current.MetadataDocument,
    EntityId: entityId ?? current.EntityId,
    // An empty AuxiliaryDomain clears it; an absent one keeps it.
    AuxiliaryDomain:
      auxiliary === undefined ? current.AuxiliaryDomain : (optionalString(params, 'AuxiliaryDomain') ?? null),
    SsoLoginWithDomain: withDomain ?? current.SsoLoginWithDomain,
    AuthnSignAlgo: algo ?? current.AuthnSignAlgo,
  };
  if (next.SsoEnabled && !next.MetadataDocument)
    throw new ApiError(
      'InvalidParameter.MetadataDocument',
      'SSO cannot be enabled before a MetadataDocument is set.',
    );
  await commit(ctx.store, [update(accountId, C.ssoSettings, SELF, json(next))]);
  return settingsShape(next);
}

function checkAuxiliaryDomain(domain: string): void {
  checkDomainName('InvalidParameter.AuxiliaryDomain', 'AuxiliaryDomain', domain);
  if (domain.endsWith(DEFAULT_DOMAIN_SUFFIX))
    throw new ApiError(
      'InvalidParameter.AuxiliaryDomain',
      `AuxiliaryDomain cannot be a ${DEFAULT_DOMAIN_SUFFIX} domain.`,
    );
}

/** For the SSO layer: the settings with the metadata decoded, or undefined when SSO is off. */
export async function userSsoConfig(ctx: DirectoryContext, accountId: string) {
  const s = await readSettings(ctx, accountId);
  if (!s.SsoEnabled || !s.MetadataDocument) return undefined;
  return {
    metadataXml: Buffer.from(s.MetadataDocument, 'base64').toString('utf8'),
    entityId: s.EntityId ?? '',
    auxiliaryDomain: s.AuxiliaryDomain ?? undefined,
    ssoLoginWithDomain: s.SsoLoginWithDomain,
    authnSignAlgo: s.AuthnSignAlgo,
    mapping: s.MappingRules ? parseUserMapping(s.MappingRules) : undefined,
  };
}
