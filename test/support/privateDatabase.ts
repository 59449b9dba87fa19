import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivatePostgres, type PrivatePostgres } from '../../db/cluster';
import { createDatabase } from '../../db/client';
import { applyMigrations } from '../../db/migrate';
import { freePort } from '../../temporal-config/process';

// A PostgreSQL cluster of one test file's own, migrated: for tests that stop the database, or that must see no
// other test file's rows (a fuzzer calling "receive the next enquiry" would otherwise pick up another file's).

export interface PrivateDatabase {
  url: string;
  /** Stops the cluster, keeping its files (an outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port and files. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  remove(): Promise<void>;
}

export async function startPrivateDatabase(prefix: string): Promise<PrivateDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.chmodSync(dir, 0o755); // PostgreSQL runs as its own user when we are root
  const options = { dataDir: path.join(dir, 'postgres'), port: await freePort(), database: 'results_office', logFile: path.join(dir, 'postgres.log') };
  let pg: PrivatePostgres | null = await startPrivatePostgres(options);
  const migrator = createDatabase(pg.url, 2);
  await applyMigrations(migrator.db).finally(() => migrator.close());
  return {
    url: pg.url,
    async stop() {
      await pg?.stop();
      pg = null;
    },
    async start() {
      pg = await startPrivatePostgres(options);
    },
    async remove() {
      await pg?.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
