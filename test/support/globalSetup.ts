import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startStack } from '../../temporal-config/stack';
import { WORKFLOWS_PATH } from '../../temporal-config/worker';

// Starts throw-away services for the whole run (a Temporal dev server without a file, a private PostgreSQL
// cluster, an SMTP sink) with the same code as `npm start`, and bundles the workflows once for every test file.
export default async function globalSetup(): Promise<void> {
  // Tests never touch a configured database or cluster: every run gets its own.
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL']) delete process.env[k];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'results-office-test-'));
  fs.chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when we are root and must reach its folder
  const stack = await startStack({ dataDir, namespace: 'results-office', ports: 'free', persistTemporal: false, log: () => {} });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, code);
  Object.assign(process.env, {
    TEST_DATA_DIR: dataDir,
    TEST_TEMPORAL_ADDRESS: stack.temporalAddress,
    TEST_DATABASE_URL: stack.databaseUrl,
    TEST_SMTP_URL: stack.smtpUrl,
    TEST_SMTP_SINK_DIR: stack.smtpSinkDir ?? '',
    TEST_WORKFLOW_BUNDLE: bundlePath,
  });
  (globalThis as { __stack?: typeof stack }).__stack = stack;
}
