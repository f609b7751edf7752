/**
 * The verified assertion exposes its AuthnContextClassRef (how the IdP authenticated), read from
 * the signed assertion only; `assertsMfa` maps it to MFA by a provider's list, exactly, failing
 * closed; the list is part of the MappingRules shape with its limits.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/core/errors.js';
import { MFA_LIMITS, assertsMfa } from '../../../src/core/mapping/mfa.js';
import { compileRoleMapping } from '../../../src/core/mapping/rules.js';
import { parseUserMapping } from '../../../src/core/mapping/user.js';
import { verifyResponse } from '../../../src/saml/verify.js';
import { NOW, idp, options } from './verify-options.js';

const MFA = 'https://refeds.org/profile/mfa';

async function verified(o: Parameters<typeof idp.response>[0]) {
  const result = await verifyResponse(idp.response({ now: NOW, ...o }).base64, options());
  if (!result.ok) throw new Error(`${result.check}: ${result.message}`);
  return result.assertion;
}

async function refusal(o: Parameters<typeof idp.response>[0]): Promise<string> {
  const result = await verifyResponse(idp.response({ now: NOW, ...o }).base64, options());
  return result.ok ? 'accepted' : `${result.check}: ${result.message}`;
}

describe('AuthnContextClassRef of the verified assertion', () => {
  it('is exposed as the IdP signed it, or absent when the AuthnContext names none', async () => {
    expect((await verified({ authnContextClassRef: MFA })).authnContextClassRef).toBe(MFA);
    expect((await verified({})).authnContextClassRef).toBe(
      'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    );
    expect('authnContextClassRef' in (await verified({ authnContextClassRef: null }))).toBe(false);
  });

  it('a value split by a comment, or two class refs, is refused rather than read in part', async () => {
    const split = (xml: string) => xml.replace(MFA, 'https://refeds.org/<!---->profile/mfa');
    expect(await refusal({ authnContextClassRef: MFA, editAssertion: split })).toMatch(
      /AuthnContextClassRef is split by a comment/,
    );
    const twice = (xml: string) =>
      xml.replace(
        '</saml2:AuthnContext>',
        `<saml2:AuthnContextClassRef>${MFA}</saml2:AuthnContextClassRef></saml2:AuthnContext>`,
      );
    expect(await refusal({ editAssertion: twice })).toMatch(/2 AuthnContextClassRef elements/);
  });

  it('an MFA context added outside the signed assertion is never read (the signature breaks)', async () => {
    const injected = (xml: string) => xml.replace(/PasswordProtectedTransport/, 'TimeSyncToken');
    expect(await refusal({ editResponse: injected })).toMatch(/^signature-digest/);
  });
});

describe('assertsMfa', () => {
  it('is true only for a listed value, compared exactly; no list or no value is never MFA', () => {
    expect(assertsMfa([MFA], MFA)).toBe(true);
    expect(assertsMfa([MFA], `${MFA} `)).toBe(false);
    expect(assertsMfa([MFA], MFA.toUpperCase())).toBe(false);
    expect(assertsMfa([], MFA)).toBe(false);
    expect(assertsMfa(undefined, MFA)).toBe(false);
    expect(assertsMfa([MFA], undefined)).toBe(false);
  });

  it('is part of the role and user MappingRules, with limits', () => {
    expect(compileRoleMapping({ mfaAuthnContexts: [MFA] }, '1').rules.mfaAuthnContexts).toEqual([MFA]);
    expect(parseUserMapping({ mfaAuthnContexts: [MFA] }).mfaAuthnContexts).toEqual([MFA]);
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'accepted';
      } catch (e) {
        return e instanceof ApiError ? e.code : String(e);
      }
    };
    const tooMany = Array.from({ length: MFA_LIMITS.contexts + 1 }, (_, i) => `urn:x:${i}`);
    for (const bad of [[''], 'x', [1], tooMany, ['x'.repeat(MFA_LIMITS.contextChars + 1)]]) {
      expect(code(() => compileRoleMapping({ mfaAuthnContexts: bad }, '1'))).toBe(
        'InvalidParameter.MappingRules',
      );
      expect(code(() => parseUserMapping({ mfaAuthnContexts: bad }))).toBe('InvalidParameter.MappingRules');
    }
  });
});
