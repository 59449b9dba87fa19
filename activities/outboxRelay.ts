import { and, asc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';

/** A queued email whose sending workflow may never have started: what the relay needs to start it. */
export interface UnstartedMail {
  businessKey: string;
  relay: 'student-email' | 'portal-email';
}

export function createOutboxRelayActivities(deps: { db: Db }) {
  return {
    /**
     * Queued mail never attempted and older than `olderThanMs`. Usually its workflow simply has not run yet, and
     * starting it again under the same id is refused; the relay only matters when the first start never happened.
     */
    async findUnstartedMail(q: { olderThanMs: number; limit: number }): Promise<UnstartedMail[]> {
      const rows = await deps.db
        .select({ businessKey: outbox.businessKey, relay: outbox.relay })
        .from(outbox)
        .where(and(isNull(outbox.sentAt), isNotNull(outbox.relay), eq(outbox.attempts, 0), lt(outbox.createdAt, sql`now() - make_interval(secs => ${q.olderThanMs / 1000})`)))
        .orderBy(asc(outbox.createdAt))
        .limit(q.limit);
      return rows as UnstartedMail[];
    },
  };
}

export type OutboxRelayActivities = ReturnType<typeof createOutboxRelayActivities>;
