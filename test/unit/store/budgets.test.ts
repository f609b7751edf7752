import { MemoryStore } from '../../../src/core/store/index.js';
import { describeBudgetContract } from './budget-contract.js';

describeBudgetContract('memory', (budgets) => MemoryStore.open({ budgets }));
