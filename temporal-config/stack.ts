import fs from 'node:fs';
import path from 'node:path';
import { startSmtpSink, type SmtpSink } from '../activities/email/smtpSink';
import { createDatabase } from '../db/client';
import { startPrivatePostgres, type PrivatePostgres } from '../db/cluster';
import { applyMigrations } from '../db/migrate';
import { startDevServer, type DevServer } from './devServer';
import { freePort, isPortFree } from './process';

// The services our processes need: Temporal, PostgreSQL and an SMTP server. Each is taken from the environment
// when configured there (TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL) and otherwise started here, under dataDir.
// `npm start` uses fixed ports and keeps dataDir; the test suite uses free ports and a throw-away dataDir.

export interface StackOptions {
  dataDir: string;
  namespace: string;
  /** Fixed, well-known ports for development; free ones for tests. */
  ports: 'fixed' | 'free';
  /** Keep Temporal's state in a SQLite file so workflows survive a restart. */
  persistTemporal: boolean;
  log: (message: string) => void;
}

export interface Stack {
  temporalAddress: string;
  temporalUiUrl: string | null;
  databaseUrl: string;
  smtpUrl: string;
  smtpSinkDir: string | null;
  temporal: DevServer | null;
  stop(): Promise<void>;
}

async function pickPort(mode: StackOptions['ports'], preferred: number): Promise<number> {
  if (mode === 'fixed' && (await isPortFree(preferred))) return preferred;
  return freePort();
}

export async function startStack(o: StackOptions): Promise<Stack> {
  fs.mkdirSync(o.dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  try {
    let temporal: DevServer | null = null;
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const cli = process.env.TEMPORAL_CLI;
      if (!cli) throw new Error('TEMPORAL_CLI is not set: run through `npm start` / `npm test`, which find or build it');
      const port = await pickPort(o.ports, 7233);
      const uiPort = o.ports === 'fixed' ? 8233 : await freePort();
      o.log(`starting the Temporal dev server on ${port}`);
      temporal = await startDevServer({
        cli,
        port,
        uiPort,
        namespace: o.namespace,
        dbFile: o.persistTemporal ? path.join(o.dataDir, 'temporal', 'temporal.sqlite') : undefined,
        // WAL with synchronous=normal survives a crash of the server process and gives about 1.5 times the
        // throughput of SQLite's defaults here (44 vs 29 empty workflows per second, measured on this machine).
        sqlitePragmas: o.persistTemporal ? ['journal_mode=wal', 'synchronous=normal'] : undefined,
        headless: o.ports === 'free',
        logFile: path.join(o.dataDir, 'temporal.log'),
      });
      stops.push(() => temporal!.stop());
      temporalAddress = temporal.address;
    }

    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const port = await pickPort(o.ports, 54329);
      o.log(`starting a private PostgreSQL cluster on ${port}`);
      const pg: PrivatePostgres = await startPrivatePostgres({
        dataDir: path.join(o.dataDir, 'postgres'),
        port,
        database: 'results_office',
        logFile: path.join(o.dataDir, 'postgres.log'),
      });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    const database = createDatabase(databaseUrl, 2);
    try {
      await applyMigrations(database.db);
    } finally {
      await database.close();
    }

    let smtpUrl = process.env.SMTP_URL;
    let smtpSinkDir: string | null = null;
    if (!smtpUrl) {
      const sink: SmtpSink = await startSmtpSink({ dir: path.join(o.dataDir, 'mail'), port: await pickPort(o.ports, 2525) });
      stops.push(() => sink.stop());
      smtpUrl = `smtp://127.0.0.1:${sink.port}`;
      smtpSinkDir = sink.dir;
    }

    return {
      temporalAddress,
      temporalUiUrl: temporal?.uiUrl ?? null,
      databaseUrl,
      smtpUrl,
      smtpSinkDir,
      temporal,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch((err) => o.log(`stopping: ${String(err)}`));
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
}
