import { eq, lt } from 'drizzle-orm';
import session from 'express-session';
import type postgres from 'postgres';
import type { Db } from './client';
import { sessions } from './schema';

const TOUCH_EVERY_MS = 60_000;
const MAX_TOUCHED = 100_000;

/** express-session's store in PostgreSQL, so any web process can serve any signed-in user. */
export class PgSessionStore extends session.Store {
  /** The expiry last written per session id by this process (see touch). */
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Db) {
    super();
  }

  /** Every signed-in request reads its session: one statement, prepared once per connection. */
  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    (this.db as Db & { $client: postgres.Sql }).$client
      .unsafe('select data from sessions where sid = $1 and expires_at > now()', [sid], { prepare: true })
      .then(([row]) => cb(null, row ? (row.data as session.SessionData) : null), cb);
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

  /**
   * Rolling sessions are touched on every request. Only the expiry moves (a touch never writes data, so it cannot
   * bring back a session signed out meanwhile), and at most once a minute per session and process: results day
   * reloads pages many times a minute, and an 8-hour session ending a minute early changes nothing.
   */
  override touch(sid: string, s: session.SessionData, cb?: () => void): void {
    const expiresAt = s.cookie?.expires ? new Date(s.cookie.expires) : new Date(Date.now() + 8 * 3600_000);
    const last = this.touched.get(sid);
    if (last !== undefined && expiresAt.getTime() - last < TOUCH_EVERY_MS) {
      cb?.();
      return;
    }
    if (this.touched.size >= MAX_TOUCHED) this.touched.clear();
    this.touched.set(sid, expiresAt.getTime());
    this.db
      .update(sessions)
      .set({ expiresAt })
      .where(eq(sessions.sid, sid))
      .then(() => cb?.(), () => cb?.());
  }

  async prune(): Promise<void> {
    await this.db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  }
}
