import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createMailer } from '../activities/email/outbox';
import { createPdfRenderer } from '../activities/letters/renderer';
import { createDatabase } from '../db/client';
import { loadConfig } from '../config/env';
import { createLogger } from '../config/logger';

export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows', 'index.ts');

/**
 * Options tuned for a two-core machine. The workflow cache is what grows the worker: with 20,000 open enquiries a
 * cache of 2,000 took it to 1.9 GiB, and 600 to 1.0-1.1 GiB (BENCHMARKS.md); an enquiry evicted from the cache is
 * replayed from its history (about 50 events) when it is next needed. Workflow tasks wait on their local
 * activities, so they need as many slots as local activities.
 */
export const WORKER_TUNING: Partial<WorkerOptions> = {
  maxCachedWorkflows: 600,
  maxConcurrentActivityTaskExecutions: 20,
  maxConcurrentLocalActivityExecutions: 40,
  maxConcurrentWorkflowTaskExecutions: 40,
};

/**
 * On SIGTERM/SIGINT the worker stops polling and tells running activities it is shutting down: one that checks
 * (a letter batch while hashing) fails at once and another worker retries it sooner; one past that point (printing,
 * committing, sending) finishes. This is how long they get before the worker gives up on them; with the force time,
 * below the 30 s that Kubernetes and systemd wait before SIGKILL (test/reliability/gracefulShutdown.test.ts).
 */
export const SHUTDOWN_GRACE_TIME: Duration = '20s';
/** An activity that ignores its cancellation must not keep the process alive: give up this long after SIGTERM. */
const SHUTDOWN_FORCE_TIME: Duration = '28s';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles workflows/ itself. */
  workflowBundlePath?: string;
  /** How long running activities may finish after a shutdown request (default: the SDK's, none). */
  shutdownGraceTime?: Duration;
}

export async function createWorker(s: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: s.connection,
    namespace: s.namespace,
    taskQueue: s.taskQueue,
    activities: createActivities(s.deps),
    ...(s.workflowBundlePath ? { workflowBundle: { codePath: s.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    ...WORKER_TUNING,
    ...(s.shutdownGraceTime ? { shutdownGraceTime: s.shutdownGraceTime, shutdownForceTime: SHUTDOWN_FORCE_TIME } : {}),
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
      shutdownGraceTime: SHUTDOWN_GRACE_TIME,
    });
    log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker started');
    // The runtime turns SIGINT/SIGTERM into worker.shutdown(); run() returns once running tasks have finished (or
    // been cancelled after the grace time), and only then are Chromium, SMTP and PostgreSQL closed.
    await worker.run();
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
