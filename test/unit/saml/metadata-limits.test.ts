import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import { parseIdpMetadata } from '../../../src/saml/metadata.js';

describe('IdP metadata structure caps', () => {
  it('refuses deep nesting quickly, before xmldom builds a tree (fuzz finding)', () => {
    const depth = 36_000;
    const doc = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</md:EntityDescriptor>`;
    let error: unknown;
    try {
      parseIdpMetadata(doc);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('AuthenticationFail.IDPMetadata.Invalid');
    expect((error as ApiError).message).toMatch(/nested deeper than 64/);
  });
});
