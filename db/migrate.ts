import path from 'node:path';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Db } from './client';

/** Applies the committed SQL migrations in db/migrations; already-applied ones are skipped. */
export async function applyMigrations(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder: path.join(__dirname, 'migrations') });
}
