/**
 * `ramgate diagnose --config ramgate.yaml`: what the gateway would verify the response against,
 * from its own config: the provider whose metadata entityID is the response's Issuer (or the one
 * named by --provider), its metadata file, the audience and ACS of role- or user-based SSO, the
 * SHA-1 setting and, for role SSO, the provider ARN and mapping rules.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfigFile } from '../core/config/index.js';
import { loadIdpMetadata } from '../saml/metadata.js';
import { DEFAULT_ROLE_SP_ENTITY_ID } from '../saml/sp-metadata.js';
import type { DiagnoseFlags } from './diagnose.js';
import { responseFacts } from './diagnose-more.js';

interface Candidate {
  label: string;
  name?: string;
  metadataFile: string;
  entityId: string;
  flags: Partial<DiagnoseFlags>;
}

async function entityIdOf(path: string): Promise<string> {
  try {
    return loadIdpMetadata(await readFile(path, 'utf8')).entityId;
  } catch (error) {
    throw new Error(`cannot use the metadata ${path}: ${(error as Error).message}`);
  }
}

export async function flagsFromConfig(flags: DiagnoseFlags, input: string): Promise<Partial<DiagnoseFlags>> {
  if (flags.metadata || flags.cert.length > 0)
    throw new Error('give --config, or --metadata/--cert, not both');
  const loaded = await loadConfigFile(flags.config ?? '');
  const gateway = loaded.config.gateway;
  const baseUrl = (flags.baseUrl ?? gateway?.baseUrl)?.replace(/\/+$/, '');
  if (!baseUrl)
    throw new Error('the config has no gateway.baseUrl: give --base-url <the gateway public URL>');
  const candidates: Candidate[] = [];
  for (const account of loaded.config.accounts) {
    for (const p of account.samlProviders) {
      if (!p.metadataFile) continue; // a built-in (demo) IdP: not available offline
      const metadataFile = resolve(loaded.baseDir, p.metadataFile);
      candidates.push({
        label: `SAML provider ${account.id}:${p.name}`,
        name: p.name,
        metadataFile,
        entityId: await entityIdOf(metadataFile),
        flags: {
          metadata: metadataFile,
          audience: [gateway?.roleSpEntityId ?? DEFAULT_ROLE_SP_ENTITY_ID],
          acs: [`${baseUrl}/saml-role/sso`],
          allowSha1: p.authnSignAlgo === 'rsa-sha1',
          providerArn: `acs:ram::${account.id}:saml-provider/${p.name}`,
          ...(p.mapping ? { mapping: JSON.stringify(p.mapping) } : {}),
        },
      });
    }
    const sso = account.ssoSettings;
    if (sso?.metadataFile) {
      const metadataFile = resolve(loaded.baseDir, sso.metadataFile);
      const userAcs = `${baseUrl}/${account.id}/saml/SSO`;
      candidates.push({
        label: `user-based SSO of account ${account.id}`,
        metadataFile,
        entityId: await entityIdOf(metadataFile),
        flags: {
          metadata: metadataFile,
          audience: [userAcs],
          acs: [userAcs],
          allowSha1: sso.authnSignAlgo === 'rsa-sha1',
        },
      });
    }
  }
  const issuer = responseFacts(input).issuer;
  const chosen = flags.provider
    ? candidates.find((c) => c.name === flags.provider || c.label.endsWith(`:${flags.provider}`))
    : candidates.find((c) => c.entityId === issuer);
  if (!chosen) {
    const known =
      candidates.map((c) => `${c.label} (${c.entityId})`).join(', ') || 'none with a metadataFile';
    throw new Error(
      flags.provider
        ? `the config has no SAML provider "${flags.provider}" with a metadataFile; it has: ${known}`
        : `no provider in the config has the response's Issuer ${issuer ?? '(none)'} as its metadata entityID; it has: ${known}. Name one with --provider`,
    );
  }
  process.stderr.write(`diagnose: using ${chosen.label} from ${loaded.source}\n`);
  return {
    ...chosen.flags,
    ...(flags.audience.length > 0 ? { audience: flags.audience } : {}),
    ...(flags.acs.length > 0 ? { acs: flags.acs } : {}),
    ...(flags.allowSha1 ? { allowSha1: true } : {}),
  };
}
