import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { startProcess, waitFor, type Managed } from './process';

export interface DevServerOptions {
  cli: string;
  /** SQLite file that keeps workflows across restarts; omit for an in-memory server. */
  dbFile?: string;
  port: number;
  uiPort: number;
  namespace: string;
  headless?: boolean;
  logFile: string;
  /** SQLite pragmas for the file, e.g. journal_mode=wal. */
  sqlitePragmas?: string[];
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: Managed;
  stop(): Promise<void>;
}

const CLI_TYPE_NAMES: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export function devServerArgs(o: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--namespace', o.namespace, '--log-level', 'warn'];
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  for (const p of o.sqlitePragmas ?? []) args.push('--sqlite-pragma', p);
  if (o.headless) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  for (const key of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
  return args;
}

/** Starts `temporal server start-dev` and resolves once our namespace answers with our search attributes. */
export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  if (o.dbFile) fs.mkdirSync(path.dirname(o.dbFile), { recursive: true });
  const log = fs.openSync(o.logFile, 'a');
  const proc = startProcess(o.cli, devServerArgs(o), { stdio: ['ignore', log, log], detached: false });
  const address = `127.0.0.1:${o.port}`;
  let failed: string | null = null;
  proc.child.once('exit', (code) => {
    failed = `the Temporal dev server exited with code ${code}; see ${o.logFile}`;
  });
  await waitFor('Temporal dev server', async () => {
    if (failed) throw new Error(failed);
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: o.namespace });
      return ALL_SEARCH_ATTRIBUTES.every((k) => customAttributes && k.name in customAttributes);
    } finally {
      await connection.close();
    }
  }, 120_000);
  return {
    address,
    uiUrl: o.headless ? null : `http://localhost:${o.uiPort}`,
    process: proc,
    stop: () => proc.stop(15_000),
  };
}
