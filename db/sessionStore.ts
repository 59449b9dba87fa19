import { eq, lt } from 'drizzle-orm';
import session from 'express-session';
import type { Db } from './client';
import { sessions } from './schema';

/** express-session's store in PostgreSQL, so any web process can serve any signed-in user. */
export class PgSessionStore extends session.Store {
  constructor(private readonly db: Db) {
    super();
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    this.db
      .select()
      .from(sessions)
      .where(eq(sessions.sid, sid))
      .then(([row]) => cb(null, row && row.expiresAt > new Date() ? (row.data as session.SessionData) : null), cb);
  }

  override set(sid: string, s: session.SessionData, cb?: (err?: unknown) => void): void {
    const expiresAt = s.cookie?.expires ? new Date(s.cookie.expires) : new Date(Date.now() + 8 * 3600_000);
    this.db
      .insert(sessions)
      .values({ sid, data: s, expiresAt })
      .onConflictDoUpdate({ target: sessions.sid, set: { data: s, expiresAt } })
      .then(() => cb?.(), cb);
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db.delete(sessions).where(eq(sessions.sid, sid)).then(() => cb?.(), cb);
  }

  override touch(sid: string, s: session.SessionData, cb?: () => void): void {
    this.set(sid, s, () => cb?.());
  }

  async prune(): Promise<void> {
    await this.db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  }
}
