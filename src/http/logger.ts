import { pino, type Logger } from 'pino';

/** Structured logs; secrets and SAML messages are never logged (redacted if they slip into a field). */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.RAMGATE_LOG_LEVEL ?? 'info',
      base: { service: 'ramgate' },
      redact: {
        paths: [
          '*.AccessKeySecret',
          '*.SecurityToken',
          '*.SAMLResponse',
          '*.SAMLAssertion',
          '*.Signature',
          '*.password',
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-acs-security-token"]',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? process.stdout,
  );
}
