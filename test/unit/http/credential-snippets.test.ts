/**
 * The console's ready-to-paste lines: whatever a value holds, bash reads back exactly that value
 * (the real shell, not a pattern), PowerShell's verbatim strings double every kind of single quote,
 * and the profile name is one the aliyun CLI and `ramgate login` accept.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  aliyunConfigureLine,
  bashExports,
  powerShellQuote,
  profileNameFor,
  providerOf,
  ramgateLoginLine,
  shellWord,
} from '../../../src/http/pages/credential-snippets.js';

const AWKWARD = [
  "it's",
  'a b',
  '$(touch /tmp/x)',
  '`id`',
  'semi;colon',
  'new\nline',
  "''",
  'back\\slash',
  '',
];

function bashEcho(script: string, names: string[]): string[] {
  const out = execFileSync(
    'bash',
    ['-c', `${script}\nprintf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
  );
  return out.split('\0').slice(0, -1);
}

describe('shell and PowerShell quoting', () => {
  it.each(AWKWARD)('bash reads back %j exactly', (value) => {
    expect(bashEcho(`v=${shellWord(value)}`, ['v'])).toEqual([value]);
  });

  it('plain values stay unquoted, so the lines read as in the docs', () => {
    expect(shellWord('STS.abc+/=')).toBe('STS.abc+/=');
    expect(shellWord('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });

  it('bash exports of awkward values set the variables to those values', () => {
    const c = { AccessKeyId: "STS.o'k", AccessKeySecret: '$HOME', SecurityToken: 'a b`c`', Expiration: 'x' };
    expect(
      bashEcho(bashExports(c), [
        'ALIBABA_CLOUD_ACCESS_KEY_ID',
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
        'ALIBABA_CLOUD_SECURITY_TOKEN',
      ]),
    ).toEqual([c.AccessKeyId, c.AccessKeySecret, c.SecurityToken]);
  });

  it('PowerShell verbatim strings double straight and typographic single quotes', () => {
    expect(powerShellQuote('abc')).toBe("'abc'");
    expect(powerShellQuote("a'b’c")).toBe("'a''b''c'");
    expect(powerShellQuote('$env:X `n')).toBe("'$env:X `n'");
  });

  it('the aliyun configure line quotes each value for the shell', () => {
    const c = { AccessKeyId: 'STS.a', AccessKeySecret: "s'", SecurityToken: 't', Expiration: 'x' };
    expect(aliyunConfigureLine(c, 'p')).toBe(
      "aliyun configure set --profile p --mode StsToken --access-key-id STS.a --access-key-secret 's'\\''' --sts-token t --region cn-hangzhou",
    );
  });
});

describe('profile name and ramgate login', () => {
  it('makes a valid aliyun profile name out of any alias and role', () => {
    expect(profileNameFor('demo', 'ReadOnly')).toBe('demo-ReadOnly');
    expect(profileNameFor('.corp', 'a b/c')).toBe('corp-a-b-c');
    expect(profileNameFor('x'.repeat(80), 'Role')).toHaveLength(64);
    expect(profileNameFor('...', undefined)).toBe('ramgate');
  });

  it('names the provider as <account>:<name> and only for role sessions', () => {
    const arn = 'acs:ram::1234567890123456:saml-provider/corp-idp';
    expect(providerOf(arn)).toEqual({ accountId: '1234567890123456', name: 'corp-idp' });
    expect(providerOf('https://idp.example.com/metadata')).toBeUndefined();
    expect(
      ramgateLoginLine({
        gatewayUrl: 'https://signin.example.com',
        providerArn: arn,
        roleName: 'Admin',
        profile: 'p',
      }),
    ).toBe(
      'ramgate login --gateway https://signin.example.com --provider 1234567890123456:corp-idp --role Admin --profile p',
    );
    expect(
      ramgateLoginLine({ gatewayUrl: 'https://g', providerArn: undefined, roleName: 'Admin', profile: 'p' }),
    ).toBeUndefined();
  });
});
