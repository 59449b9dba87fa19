// `npm start`: the whole system on one machine. Starts (or reuses) Temporal, PostgreSQL and the SMTP sink under
// .data/, applies migrations, seeds the demo once, then runs the worker and the web app as their own processes.
// Ctrl-C stops everything it started.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../api/passwords';
import { createDatabase } from '../db/client';
import { DEMO_PASSWORD, seedDemo } from '../db/seed';
import { seedDemoWorkflows } from './demoWorkflows';
import { startProcess, waitFor, type Managed } from './process';
import { startStack } from './stack';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from './taskQueues';

const root = path.join(__dirname, '..');
const dataDir = path.join(root, '.data');
const say = (m: string) => console.log(`[results-office] ${m}`);

/** A session secret made once per machine and kept under .data, unless SESSION_SECRET is given. */
function sessionSecret(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  const file = path.join(dataDir, 'session-secret');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

async function main() {
  const started = Date.now();
  const namespace = process.env.TEMPORAL_NAMESPACE ?? DEFAULT_NAMESPACE;
  const stack = await startStack({ dataDir, namespace, ports: 'fixed', persistTemporal: true, log: say });
  const children: Managed[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await Promise.all(children.map((c) => c.stop()));
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const database = createDatabase(stack.databaseUrl, 2);
    const summary = await seedDemo(database.db, { passwordHash: await hashPassword(DEMO_PASSWORD) });
    await database.close();

    const port = Number(process.env.PORT ?? 3000);
    const env = {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
      SMTP_URL: stack.smtpUrl,
      SMTP_SINK_DIR: stack.smtpSinkDir ?? '',
      SESSION_SECRET: sessionSecret(),
      PORT: String(port),
      PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${port}`,
    };
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    for (const [name, file] of [['worker', 'temporal-config/worker.ts'], ['web', 'api/server.ts']] as const) {
      const child = startProcess(tsx, [path.join(root, file)], { env, stdio: 'inherit' });
      child.child.once('exit', (code) => {
        if (!stopping) {
          say(`the ${name} process exited (code ${code}); stopping everything`);
          void stopAll(1);
        }
      });
      children.push(child);
    }
    await waitFor('web app', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 120_000);
    const demoDb = createDatabase(stack.databaseUrl, 2);
    try {
      const made = await seedDemoWorkflows(demoDb, stack.temporalAddress, namespace, env.TEMPORAL_TASK_QUEUE);
      if (made > 0) say(`started ${made} demo enquiry workflows`);
    } finally {
      await demoDb.close();
    }

    const lines = [
      '',
      `results-office is running (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  Web app:      ${env.PUBLIC_URL}`,
      `  API docs:     ${env.PUBLIC_URL}/api/openapi.json`,
      `  Temporal UI:  ${stack.temporalUiUrl ?? '(external cluster)'}   namespace ${namespace}`,
      `  Mail outbox:  ${stack.smtpSinkDir ? `${env.PUBLIC_URL}/dev/outbox` : `(sent through ${stack.smtpUrl})`}`,
      `  PostgreSQL:   ${stack.databaseUrl}`,
      `  Demo data:    ${summary.centres} centres, ${summary.candidates} candidates, ${summary.entries} entries`,
      `  Demo sign-ins (password "${DEMO_PASSWORD}"):`,
      ...summary.users.map((u) => `    ${u.email.padEnd(32)} ${u.roles.join(', ')}${u.centre ? ` (${u.centre})` : ''}`),
      '',
      'Press Ctrl-C to stop everything.',
    ];
    console.log(lines.join('\n'));
  } catch (err) {
    console.error(err);
    await stopAll(1);
  }
}

void main();
