// One per lock of a sign-in account (B3): waits until the lock's end, or until staff unlock early, then clears the
// lock in PostgreSQL. The sign-in path never waits on this workflow: it reads the lock's end from PostgreSQL, so an
// account also unlocks on time while the worker is down; this workflow makes the row say so and lets staff end it.
import { allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AccountLockActivities } from '../activities/accountLocks';
import type { AccountLockInput, AccountLockState } from './accountLockTypes';
import * as messages from './messages';

const acts = proxyActivities<AccountLockActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function accountLockWorkflow(input: AccountLockInput): Promise<AccountLockState> {
  const state: AccountLockState = { ...input, endedBy: null, unlockedBy: null, endedAt: null };
  setHandler(messages.accountLockStateQuery, () => state);
  setHandler(
    messages.unlockAccount,
    async ({ actor }) => {
      state.endedBy = 'staff';
      state.unlockedBy = actor;
      await condition(() => state.endedAt !== null);
      return state;
    },
    {
      validator: ({ actor }) => {
        const refuse = (field: string, message: string) => ApplicationFailure.create({ type: 'RuleViolation', message, details: [{ violations: [{ rule: 'B3', field, message }] }] });
        if (!actor?.userId) throw refuse('actor', 'Only a signed-in member of staff can unlock an account.');
        if (state.endedBy !== null) throw refuse('account', 'This account is no longer locked.');
      },
    },
  );

  const wait = Date.parse(input.lockedUntil) - Date.now();
  if (wait > 0) await condition(() => state.endedBy !== null, wait);
  state.endedBy ??= 'time';
  await acts.clearAccountLock({ accountKind: input.accountKind, accountId: input.accountId, lockCount: input.lockCount });
  state.endedAt = new Date(Date.now()).toISOString();
  // A staff unlock answers with the cleared state: let its handler finish before the workflow does.
  await condition(allHandlersFinished);
  return state;
}
