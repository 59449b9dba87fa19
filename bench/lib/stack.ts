import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startProcess, waitFor, type Managed } from '../../temporal-config/process';
import { startStack, type Stack } from '../../temporal-config/stack';

// What every benchmark runs on: its own throw-away Temporal dev server (on a SQLite file, as in development),
// PostgreSQL and SMTP sink, with the worker and the web app as their own processes so their CPU and memory can be
// measured apart.

const root = path.join(__dirname, '..', '..');

export interface BenchApp {
  url: string;
  worker: Managed;
  web: Managed;
  /** Stops the worker (SIGKILL when `crash`) and starts a new one with the same settings; returns when it is spawned. */
  restartWorker(opts?: { crash?: boolean }): Promise<Managed>;
}

export interface BenchStack {
  stack: Stack;
  /** A scratch folder, removed by stop() (for input files such as a CSV). */
  dataDir: string;
  /** Starts the worker and the web app; `env` adds settings, `workerNodeArgs` goes to the worker's node (profiling). */
  startApp(env?: Record<string, string>, workerNodeArgs?: string[]): Promise<BenchApp>;
  stop(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'results-office-bench-'));
  fs.chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when we are root and must reach its folder
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL']) delete process.env[k];
  const stack = await startStack({ dataDir, namespace: 'results-office', ports: 'free', persistTemporal: true, log: (m) => console.error(m) });
  const children: Managed[] = [];
  return {
    stack,
    dataDir,
    async startApp(extra = {}, workerNodeArgs = []) {
      const port = await freePort();
      const env = {
        ...process.env,
        DATABASE_URL: stack.databaseUrl,
        DATABASE_POOL_SIZE: '20',
        TEMPORAL_ADDRESS: stack.temporalAddress,
        SMTP_URL: stack.smtpUrl,
        SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
        PORT: String(port),
        PUBLIC_URL: `http://localhost:${port}`,
        LOG_LEVEL: 'warn',
        ...extra,
      };
      const node = (file: string, nodeArgs: string[] = []) =>
        startProcess(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(root, file)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
      const app: BenchApp = {
        url: `http://127.0.0.1:${port}`,
        worker: node('temporal-config/worker.ts', workerNodeArgs),
        web: node('api/server.ts'),
        async restartWorker(opts = {}) {
          if (opts.crash) app.worker.child.kill('SIGKILL');
          await app.worker.stop();
          app.worker = node('temporal-config/worker.ts', workerNodeArgs);
          children.push(app.worker);
          return app.worker;
        },
      };
      children.push(app.worker, app.web);
      await waitFor('web', async () => (await fetch(`${app.url}/readyz`)).ok, 120_000);
      return app;
    },
    async stop() {
      await Promise.all(children.map((c) => c.stop()));
      await stack.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
