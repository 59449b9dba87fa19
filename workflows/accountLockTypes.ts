// Types of the accountLock workflow (B3), shared by the workflow, its messages, activities and the API.
import type { LockableAccountKind } from '../domain/portalAccounts';

export interface AccountLockInput {
  accountKind: LockableAccountKind;
  accountId: string;
  /** The lock's number on the account (sign_in_locks.lock_count): this workflow clears this lock only. */
  lockCount: number;
  /** When the lock ends by itself, ISO instant (DESIGN rule 4: the timer comes from data). */
  lockedUntil: string;
}

export interface UnlockArgs {
  actor: { userId: string; name: string };
}

export interface AccountLockState extends AccountLockInput {
  /** How the lock ended: its time was up, or a member of staff unlocked it early. Null while locked. */
  endedBy: 'time' | 'staff' | null;
  unlockedBy: UnlockArgs['actor'] | null;
  endedAt: string | null;
}
