import { describe, expect, it } from 'vitest';
import { createStore } from '../../../src/core/store/index.js';
import { Directory } from '../../../src/core/ram/index.js';

describe('Directory onChange', () => {
  it('is called after each successful mutation only (callers drop their read caches)', async () => {
    let changes = 0;
    const directory = new Directory({
      store: (await createStore({ kind: 'memory' })).directory,
      onChange: () => changes++,
    });
    await directory.CreateAccount({ AccountId: '4444444444444444', AccountAlias: 'four' });
    await directory.CreateUser('4444444444444444', { UserName: 'alice' });
    expect(changes).toBe(1);
    await directory.GetUser('4444444444444444', { UserName: 'alice' });
    await directory.ListUsers('4444444444444444', {});
    expect(changes).toBe(1);
    await expect(directory.CreateUser('4444444444444444', { UserName: 'ALICE' })).rejects.toThrow();
    expect(changes).toBe(1);
    await directory.DeleteUser('4444444444444444', { UserName: 'alice' });
    expect(changes).toBe(2);
  });
});
