import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createMailer } from '../activities/email/outbox';
import { createPdfRenderer } from '../activities/letters/renderer';
import { createDatabase } from '../db/client';
import { loadConfig } from '../config/env';
import { createLogger } from '../config/logger';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

/** Options tuned for a two-core machine: a bounded workflow cache and enough activity slots to hide I/O waits. */
export const WORKER_TUNING: Partial<WorkerOptions> = {
  maxCachedWorkflows: 2000,
  maxConcurrentActivityTaskExecutions: 20,
  maxConcurrentLocalActivityExecutions: 20,
  maxConcurrentWorkflowTaskExecutions: 10,
};

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles workflows/ itself. */
  workflowBundlePath?: string;
}

export async function createWorker(s: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: s.connection,
    namespace: s.namespace,
    taskQueue: s.taskQueue,
    activities: createActivities(s.deps),
    ...(s.workflowBundlePath ? { workflowBundle: { codePath: s.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    ...WORKER_TUNING,
  });
}

async function main() {
  const config = loadConfig();
  const log = createLogger('worker', config.LOG_LEVEL);
  // The SDK's log lines (with workflowId, activityId and activityType in their metadata) go through pino.
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  Runtime.install({ logger: new DefaultLogger('INFO', (entry) => log[levels[entry.level]]({ ...entry.meta }, entry.message)) });
  const database = createDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const pdf = createPdfRenderer({ chromiumPath: config.CHROMIUM_PATH });
  const mailer = createMailer({ db: database.db, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps: { db: database.db, mailer, pdf, publicUrl: config.PUBLIC_URL, boardEmail: config.BOARD_EMAIL, hashConcurrency: config.LETTER_HASH_CONCURRENCY },
      // A prebuilt bundle makes a restart take a second instead of a bundling pass (tests and benchmarks use it).
      workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH || undefined,
    });
    log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker started');
    await worker.run(); // returns after SIGINT/SIGTERM once in-flight tasks finish
  } finally {
    await pdf.close();
    mailer.close();
    await connection.close();
    await database.close();
    log.info('worker stopped');
  }
}

if (require.main === module) {
  main().catch((err) => {
    createLogger('worker').fatal({ err }, 'worker failed');
    process.exit(1);
  });
}
