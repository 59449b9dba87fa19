import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;

export interface Database {
  db: Db;
  /** The raw driver, for COPY, LISTEN and shutdown. */
  sql: postgres.Sql;
  close(): Promise<void>;
}

/**
 * Seconds before a connection tries again after failing. The driver's default grows to 20 s, and every query waits
 * that long for a connection while the database is down: a person waited 12-17 s for the 503, and the pool as long
 * to notice the database was back (test/reliability/postgresOutage.test.ts). Capped at 1 s instead.
 */
const reconnectDelaySeconds = (attempt: number) => Math.min(0.05 * 2 ** attempt, 1);

/** One pool per process, sized by the caller: the worker's activity slots or the web's request concurrency. */
export function createDatabase(url: string, maxConnections = 10): Database {
  const sql = postgres(url, { max: maxConnections, onnotice: () => {}, idle_timeout: 30, connect_timeout: 10, backoff: reconnectDelaySeconds });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}
