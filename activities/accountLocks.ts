// Activities of the results portals' accounts (issue 6): end a sign-in lock (B3) and send a queued portal email
// (B4, B8). Both are idempotent: the lock is cleared only while it is the lock this workflow owns, and the outbox
// sends a business key once.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import { clearLock } from '../db/signInLocks';
import type { AccountLockInput } from '../workflows/accountLockTypes';
import type { Mailer } from './email/outbox';

export function createAccountLockActivities(deps: { db: Db; mailer: Mailer }) {
  const { db, mailer } = deps;
  return {
    async clearAccountLock(lock: Pick<AccountLockInput, 'accountKind' | 'accountId' | 'lockCount'>): Promise<{ cleared: boolean }> {
      return { cleared: await clearLock(db, lock, lock.lockCount) };
    },

    async sendQueuedPortalEmail(q: { businessKey: string }): Promise<{ sent: boolean }> {
      const [row] = await db.select().from(outbox).where(eq(outbox.businessKey, q.businessKey));
      if (!row || row.sentAt) return { sent: false };
      return mailer.send({ businessKey: row.businessKey, to: row.toAddress, subject: row.subject, text: row.textBody });
    },
  };
}

export type AccountLockActivities = ReturnType<typeof createAccountLockActivities>;
