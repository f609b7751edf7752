import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import { Directory } from '../../../src/core/ram/index.js';
import { createStore, type Store } from '../../../src/core/store/index.js';

export const ACCOUNT = '1234567890123456';
export const STORE_KINDS = ['memory', 'redis'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/**
 * Stand-in for the SAML engine's metadata check (core parses no XML): accepts a text holding an
 * EntityDescriptor with an entityID, refuses anything else the way the real port does.
 */
export function fakeMetadataValidator(xml: string): { entityId: string } {
  const match = /<(?:md:)?EntityDescriptor[^>]*\bentityID="([^"]+)"/.exec(xml);
  if (!match?.[1]) throw new ApiError('AuthenticationFail.IDPMetadata.Invalid', 'no EntityDescriptor');
  return { entityId: match[1] };
}

export function metadataXml(entityId = 'https://idp.example.com/metadata'): string {
  return `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"><md:IDPSSODescriptor/></md:EntityDescriptor>`;
}

export const encodedMetadata = (entityId?: string) => Buffer.from(metadataXml(entityId)).toString('base64');

const stores: Store[] = [];

export async function openStore(kind: StoreKind = 'memory'): Promise<Store> {
  const store =
    kind === 'memory'
      ? await createStore({ kind: 'memory' })
      : await createStore({
          kind: 'redis',
          url: inject('redisUrl'),
          keyPrefix: `ram${randomBytes(6).toString('hex')}:`,
        });
  stores.push(store);
  return store;
}

export async function closeStores(): Promise<void> {
  await Promise.all(stores.splice(0).map((s) => s.close()));
}

/** A directory on a fresh store with one account (ACCOUNT, alias "demo"). */
export async function newDirectory(kind: StoreKind = 'memory', now?: () => Date): Promise<Directory> {
  const store = await openStore(kind);
  const directory = new Directory({
    store: store.directory,
    validateIdpMetadata: fakeMetadataValidator,
    ...(now ? { now } : {}),
  });
  await directory.CreateAccount({ AccountId: ACCOUNT, AccountAlias: 'demo' });
  return directory;
}

/** The ApiError code a promise rejects with (fails the test if it resolves or throws something else). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  throw new Error('expected an ApiError, but the call succeeded');
}

export const TRUST_SAML = (accountId = ACCOUNT, provider = 'demo-idp') =>
  JSON.stringify({
    Version: '1',
    Statement: [
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Federated: [`acs:ram::${accountId}:saml-provider/${provider}`] },
        Condition: { StringEquals: { 'saml:recipient': 'https://signin.aliyun.com/saml-role/sso' } },
      },
    ],
  });

export const ALLOW_ECS = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' }],
});

/** A valid policy document of exactly `length` characters (padded inside a string value). */
export function policyOfLength(length: number): string {
  const base = {
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'ecs:Describe*', Resource: 'acs:ecs:*:*:instance/' }],
  };
  const bare = JSON.stringify(base);
  const pad = 'x'.repeat(length - bare.length);
  const doc = JSON.stringify({
    ...base,
    Statement: [{ ...base.Statement[0], Resource: `acs:ecs:*:*:instance/${pad}` }],
  });
  if (doc.length !== length) throw new Error(`policyOfLength: got ${doc.length}`);
  return doc;
}
