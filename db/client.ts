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

/** One pool per process, sized by the caller: the worker's activity slots or the web's request concurrency. */
export function createDatabase(url: string, maxConnections = 10): Database {
  const sql = postgres(url, { max: maxConnections, onnotice: () => {}, idle_timeout: 30, connect_timeout: 10 });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}
