import { samlProviderArn } from '../arn.js';

/** Alibaba's role-based SSO ACS (China site), the recipient when neither the role nor the caller gives one. */
export const ALIBABA_ROLE_ACS = 'https://signin.aliyun.com/saml-role/sso';

/**
 * The trust policy of a role assumed through SAML providers (reference §2.4): Federated principal =
 * the providers' ARNs, condition `saml:recipient` = the ACS URL the assertion must be addressed to.
 */
export function samlTrustPolicy(accountId: string, providerNames: string[], recipient: string): string {
  return JSON.stringify({
    Statement: [
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Federated: providerNames.map((name) => samlProviderArn(accountId, name)) },
        Condition: { StringEquals: { 'saml:recipient': recipient } },
      },
    ],
    Version: '1',
  });
}

/** A policy given as JSON text is kept as written; an object is serialised compactly. */
export function policyText(document: string | Record<string, unknown>): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}
