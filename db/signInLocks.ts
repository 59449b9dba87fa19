// The sign-in lockout in PostgreSQL (B3). Every change is ONE guarded statement on the account's row, so the row
// lock serialises parallel attempts: of three failures racing, exactly one crosses the threshold and locks, and
// attempts during a lock change nothing. Sign-in reads and writes only here, never Temporal; the accountLock
// workflow clears a lock at its unlock time (or early, for staff) with clearLock, guarded by the lock's number.
import { and, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { LockableAccountKind } from '../domain/portalAccounts';
import type { Db } from './client';
import { signInLocks } from './schema';

export interface AccountRef {
  accountKind: LockableAccountKind;
  accountId: string;
}

export type SignInLockRow = typeof signInLocks.$inferSelect;

const isRow = (a: AccountRef) => and(eq(signInLocks.accountKind, a.accountKind), eq(signInLocks.accountId, a.accountId));
/** No lock, or one whose time is up (its workflow may not have cleared it yet). */
const notLocked = sql`(${signInLocks.lockedUntil} is null or ${signInLocks.lockedUntil} <= now())`;

export async function lockOf(db: Db, account: AccountRef): Promise<SignInLockRow | null> {
  const [row] = await db.select().from(signInLocks).where(isRow(account));
  return row ?? null;
}

/** The lock a failure caused: its number (for the workflow id) and when it ends. */
export interface NewLock {
  lockCount: number;
  lockedUntil: Date;
}

/**
 * Counts one failed sign-in. Returns the lock when THIS failure locked the account, else null (counted, or the
 * account was locked already and nothing changed). A lock whose time is up starts a fresh count.
 */
export async function recordFailure(db: Db, account: AccountRef & { centreNumber: string | null }, policy: { failuresToLock: number; lockMs: number }): Promise<NewLock | null> {
  const lockSecs = policy.lockMs / 1000;
  const firstLocks = policy.failuresToLock <= 1;
  // The failures in a row including this one: an expired lock's count starts again.
  const count = sql`(case when ${signInLocks.lockedUntil} is not null then 1 else ${signInLocks.failures} + 1 end)`;
  const locks = sql`(${count} >= ${policy.failuresToLock})`;
  const [row] = await db
    .insert(signInLocks)
    .values({
      ...account,
      failures: firstLocks ? 0 : 1,
      lockedUntil: firstLocks ? sql`now() + make_interval(secs => ${lockSecs})` : null,
      lockCount: firstLocks ? 1 : 0,
    })
    .onConflictDoUpdate({
      target: [signInLocks.accountKind, signInLocks.accountId],
      set: {
        failures: sql`case when ${locks} then 0 else ${count} end`,
        lockedUntil: sql`case when ${locks} then now() + make_interval(secs => ${lockSecs}) else null end`,
        lockCount: sql`${signInLocks.lockCount} + case when ${locks} then 1 else 0 end`,
        centreNumber: account.centreNumber,
        updatedAt: sql`now()`,
      },
      // While locked, a failure changes nothing: no longer lock, no second lock.
      setWhere: notLocked,
    })
    .returning();
  // A row came back only if the account was not locked before; if it is locked now, this failure locked it.
  if (!row || !row.lockedUntil) return null;
  return { lockCount: row.lockCount, lockedUntil: row.lockedUntil };
}

/**
 * After the right password: resets the count unless the account is locked, and says whether it is (the sign-in
 * must then be refused even so, B3). One round trip; it writes only when there is a count to reset. The outer
 * select reads the row as it was before the reset, which is what decides.
 */
export async function recordSuccess(db: Db, account: AccountRef): Promise<{ locked: boolean }> {
  const [row] = await db.execute<{ locked: boolean }>(sql`
    with reset as (
      update ${signInLocks} set failures = 0, locked_until = null, updated_at = now()
      where ${isRow(account)} and ${notLocked} and (${signInLocks.failures} > 0 or ${signInLocks.lockedUntil} is not null)
      returning 1
    )
    select exists (select 1 from ${signInLocks} where ${isRow(account)} and ${signInLocks.lockedUntil} > now()) as locked`);
  return { locked: row.locked };
}

/** Ends lock number `lockCount` (its time is up, or staff unlocked it); a newer lock is left alone. */
export async function clearLock(db: Db, account: AccountRef, lockCount: number): Promise<boolean> {
  const rows = await db
    .update(signInLocks)
    .set({ failures: 0, lockedUntil: null, updatedAt: sql`now()` })
    .where(and(isRow(account), eq(signInLocks.lockCount, lockCount), isNotNull(signInLocks.lockedUntil)))
    .returning({ lockCount: signInLocks.lockCount });
  return rows.length === 1;
}

/** Locks in force now, optionally one centre's (what its staff may unlock). */
export async function currentLocks(db: Db, centreNumber: string | null): Promise<SignInLockRow[]> {
  return db
    .select()
    .from(signInLocks)
    .where(and(gt(signInLocks.lockedUntil, sql`now()`), centreNumber === null ? undefined : eq(signInLocks.centreNumber, centreNumber)))
    .orderBy(signInLocks.lockedUntil);
}
