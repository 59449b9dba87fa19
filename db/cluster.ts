import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../temporal-config/process';

// A private PostgreSQL cluster made with the machine's own binaries, for development and tests when no
// DATABASE_URL is given. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.

export interface PrivatePostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export function findPostgresBin(tool: string): string {
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(path.join(dir, tool));
  const lib = '/usr/lib/postgresql';
  if (fs.existsSync(lib)) {
    const versions = fs.readdirSync(lib).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(lib, v, 'bin', tool));
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(`PostgreSQL's ${tool} was not found on PATH or in /usr/lib/postgresql/*/bin. Install PostgreSQL 15+ (Debian: apt-get install postgresql) or set DATABASE_URL.`);
  }
  return found;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function runAsOwner(bin: string, args: string[], options: { stdio?: 'ignore' | 'inherit' } = {}): void {
  if (isRoot()) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: options.stdio ?? 'ignore' });
  else execFileSync(bin, args, { stdio: options.stdio ?? 'ignore' });
}

function chownToPostgres(dir: string): void {
  if (isRoot()) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
}

/**
 * Starts (making it first if needed) a cluster in `dataDir` listening on 127.0.0.1:`port` with trust auth on
 * loopback only, and makes sure `database` exists.
 */
export async function startPrivatePostgres(opts: { dataDir: string; port: number; database: string; logFile: string }): Promise<PrivatePostgres> {
  const { dataDir, port, database, logFile } = opts;
  const pgdata = path.join(dataDir, 'pgdata');
  fs.mkdirSync(dataDir, { recursive: true });
  chownToPostgres(dataDir);
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    runAsOwner(findPostgresBin('initdb'), ['-D', pgdata, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
  }
  if (!fs.existsSync(logFile)) fs.writeFileSync(logFile, '');
  chownToPostgres(logFile);
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dataDir}`,
    '-c max_connections=200',
    '-c shared_buffers=256MB',
    // A development and test database: losing the last transactions in a machine crash is acceptable.
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  runAsOwner(findPostgresBin('pg_ctl'), ['-D', pgdata, '-o', settings, '-l', logFile, '-w', '-t', '60', 'start']);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor('PostgreSQL', async () => {
    execFileSync(findPostgresBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    return true;
  });
  const exists = execFileSync(findPostgresBin('psql'), [adminUrl, '-tAc', `select 1 from pg_database where datname = '${database}'`]).toString().trim();
  if (exists !== '1') execFileSync(findPostgresBin('createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    dataDir,
    async stop() {
      runAsOwner(findPostgresBin('pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', 'stop']);
    },
  };
}
