import { Client, Connection } from '@temporalio/client';
import { createDatabase } from '../db/client';
import { loadConfig } from '../config/env';
import { createLogger } from '../config/logger';
import { ensureSchedules } from '../temporal-config/schedules';
import { createApp } from './app';
import { DEFAULT_ENQUIRY_POLICY } from './routes/enquiries';
import { DEFAULT_RESULTS_ACCESS_POLICY } from './routes/resultsAccess';

async function main() {
  const config = loadConfig();
  const log = createLogger('web', config.LOG_LEVEL);
  const database = createDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  await ensureSchedules(temporal, config.TEMPORAL_TASK_QUEUE);
  const { app } = createApp({
    db: database.db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    log,
    sessionSecret: config.SESSION_SECRET,
    publicUrl: config.PUBLIC_URL,
    enquiryPolicy: { ...DEFAULT_ENQUIRY_POLICY, amendmentWindowMs: config.ENQUIRY_AMENDMENT_WINDOW_MS },
    resultsAccessPolicy: { ...DEFAULT_RESULTS_ACCESS_POLICY, batchSize: config.LETTER_BATCH_SIZE, batchConcurrency: config.LETTER_BATCH_CONCURRENCY },
    smtpSinkDir: config.NODE_ENV === 'production' ? undefined : config.SMTP_SINK_DIR,
  });
  const server = app.listen(config.PORT, '127.0.0.1', () => log.info({ url: config.PUBLIC_URL }, 'web started'));
  const shutdown = () => {
    log.info('web stopping');
    // close() stops accepting, drops idle keep-alive sockets and waits for requests in progress; one that is still
    // running after 10 s is given up so the process never outlives its supervisor's patience.
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(async () => {
      await connection.close();
      await database.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err) => {
  createLogger('web').fatal({ err }, 'web failed to start');
  process.exit(1);
});
