// A worker in a process of its own, so a test can kill it with SIGKILL in the middle of a letter generation, as a
// crashed machine would. Started by test/integration/resultsAccess.test.ts with `node --import tsx`; prints
// "ready" once polling. With HANG_FROM_BATCH=n, every letter batch numbered n or more stops just before its commit
// and never returns, so the test knows the kill lands mid-generation.
import { NativeConnection } from '@temporalio/worker';
import { createMailer } from '../../activities/email/outbox';
import { createPdfRenderer } from '../../activities/letters/renderer';
import { createDatabase } from '../../db/client';
import { createWorker } from '../../temporal-config/worker';
import { quietTemporalRuntime } from './runtime';

async function main() {
  quietTemporalRuntime();
  const env = process.env;
  const hangFrom = Number(env.HANG_FROM_BATCH ?? Infinity);
  const database = createDatabase(env.TEST_DATABASE_URL!, 5);
  const pdf = createPdfRenderer({ chromiumPath: env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const mailer = createMailer({ db: database.db, smtpUrl: env.TEST_SMTP_URL!, from: 'Results Office <no-reply@examboard.example>' });
  const connection = await NativeConnection.connect({ address: env.TEST_TEMPORAL_ADDRESS! });
  const worker = await createWorker({
    connection,
    namespace: 'results-office',
    taskQueue: env.WORKER_TASK_QUEUE!,
    deps: {
      db: database.db,
      mailer,
      pdf,
      publicUrl: 'http://localhost:3000',
      boardEmail: 'board@examboard.example',
      letterFaults: (point, where) => (point === 'before-commit' && where.batch >= hangFrom ? new Promise<void>(() => {}) : undefined),
    },
    workflowBundlePath: env.TEST_WORKFLOW_BUNDLE,
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
