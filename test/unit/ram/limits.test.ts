import { afterAll, describe, expect, it } from 'vitest';
import { ALLOW_ECS, ACCOUNT, closeStores, codeOf, newDirectory } from './helpers.js';

afterAll(closeStores);

describe('account-wide limits at their boundary', () => {
  it('allows 1000 users and refuses the 1001st', async () => {
    const d = await newDirectory();
    for (let i = 0; i < 1000; i++) await d.CreateUser(ACCOUNT, { UserName: `user${i}` });
    expect(await codeOf(d.CreateUser(ACCOUNT, { UserName: 'user1000' }))).toBe('LimitExceeded.User');
    await d.DeleteUser(ACCOUNT, { UserName: 'user0' });
    await d.CreateUser(ACCOUNT, { UserName: 'user1000' });
  });

  it('allows 50 groups and refuses the 51st', async () => {
    const d = await newDirectory();
    for (let i = 0; i < 50; i++) await d.CreateGroup(ACCOUNT, { GroupName: `group${i}` });
    expect(await codeOf(d.CreateGroup(ACCOUNT, { GroupName: 'group50' }))).toBe('LimitExceeded.Group');
  });

  it('allows 1500 custom policies and refuses the 1501st', async () => {
    const d = await newDirectory();
    for (let i = 0; i < 1500; i++)
      await d.CreatePolicy(ACCOUNT, { PolicyName: `policy-${i}`, PolicyDocument: ALLOW_ECS });
    expect(
      await codeOf(d.CreatePolicy(ACCOUNT, { PolicyName: 'policy-1500', PolicyDocument: ALLOW_ECS })),
    ).toBe('LimitExceeded.Policy');
    // The refused create left no stray version behind.
    expect(await codeOf(d.GetPolicy(ACCOUNT, { PolicyName: 'policy-1500', PolicyType: 'Custom' }))).toBe(
      'EntityNotExist.Policy',
    );
  });

  it('attaches at most 10 custom and 20 system policies to a user, 5 custom to a group or role', async () => {
    const d = await newDirectory();
    await d.CreateUser(ACCOUNT, { UserName: 'alice' });
    await d.CreateGroup(ACCOUNT, { GroupName: 'devs' });
    for (let i = 0; i < 11; i++)
      await d.CreatePolicy(ACCOUNT, { PolicyName: `p${i}`, PolicyDocument: ALLOW_ECS });
    for (let i = 0; i < 10; i++)
      await d.AttachPolicyToUser(ACCOUNT, { UserName: 'alice', PolicyType: 'Custom', PolicyName: `p${i}` });
    expect(
      await codeOf(
        d.AttachPolicyToUser(ACCOUNT, { UserName: 'alice', PolicyType: 'Custom', PolicyName: 'p10' }),
      ),
    ).toBe('LimitExceeded.Attachment');
    const entities = await d.ListEntitiesForPolicy(ACCOUNT, { PolicyType: 'Custom', PolicyName: 'p10' });
    expect(entities.Users.User).toEqual([]);
    // The custom limit does not count system policies: one still attaches.
    await d.AttachPolicyToUser(ACCOUNT, {
      UserName: 'alice',
      PolicyType: 'System',
      PolicyName: 'ReadOnlyAccess',
    });
    // Attaching an already attached policy still answers EntityAlreadyExists, not the limit.
    expect(
      await codeOf(
        d.AttachPolicyToUser(ACCOUNT, { UserName: 'alice', PolicyType: 'Custom', PolicyName: 'p0' }),
      ),
    ).toBe('EntityAlreadyExists.Attachment');
    for (let i = 0; i < 5; i++)
      await d.AttachPolicyToGroup(ACCOUNT, { GroupName: 'devs', PolicyType: 'Custom', PolicyName: `p${i}` });
    expect(
      await codeOf(
        d.AttachPolicyToGroup(ACCOUNT, { GroupName: 'devs', PolicyType: 'Custom', PolicyName: 'p5' }),
      ),
    ).toBe('LimitExceeded.Attachment');
  });
});
