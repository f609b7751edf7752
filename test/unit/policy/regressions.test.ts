import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluate } from '../../../src/core/policy/index.js';

describe('regressions found by the property tests', () => {
  it('an invalid Date in the request context matches nothing and does not throw (seed 112184676)', () => {
    const policy = compilePolicy(
      '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}',
      'identity',
    );
    expect(
      evaluate([policy], {
        action: 'ecs:Describe',
        resource: 'acs:ecs:*:1:instance/i',
        context: { 'acs:SourceIp': [new Date(NaN)] },
      }).decision,
    ).toBe('ImplicitDeny');
  });
});
