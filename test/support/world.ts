import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import request from 'supertest';
import { createMailer } from '../../activities/email/outbox';
import { readSink, type SunkMessage } from '../../activities/email/smtpSink';
import { createPdfRenderer } from '../../activities/letters/renderer';
import { createApp, type AppDeps } from '../../api/app';
import { DEFAULT_ENQUIRY_POLICY, type EnquiryPolicy } from '../../api/routes/enquiries';
import { createLogger } from '../../config/logger';
import { createDatabase, type Database } from '../../db/client';
import { createWorker } from '../../temporal-config/worker';
import { quietTemporalRuntime } from './runtime';

// Everything a test needs, real: PostgreSQL, a Temporal client, a worker on its own task queue (so test files
// running in parallel never take each other's tasks), Chromium, the SMTP sink and the Express app.

export interface World {
  database: Database;
  temporal: Client;
  taskQueue: string;
  worker: Worker;
  app: ReturnType<typeof createApp>['app'];
  routes: ReturnType<typeof createApp>['routes'];
  /** Another app on the same services with other enquiry durations (short timers for timer tests). */
  appWith(policy: Partial<EnquiryPolicy>): ReturnType<typeof createApp>['app'];
  /** Another app on the same services with other settings (policies, a clock, another task queue or Temporal client). */
  createApp(overrides: Partial<AppDeps>): ReturnType<typeof createApp>;
  mailTo(address: string): Promise<SunkMessage[]>;
  close(): Promise<void>;
}

export async function startWorld(opts: { policy?: Partial<EnquiryPolicy>; smtpUrl?: string; temporalAddress?: string; databaseUrl?: string } = {}): Promise<World> {
  quietTemporalRuntime();
  const env = process.env;
  const database = createDatabase(opts.databaseUrl ?? env.TEST_DATABASE_URL!, 10);
  const log = createLogger('test', 'silent');
  const taskQueue = `test-${randomUUID()}`;
  const pdf = createPdfRenderer({ chromiumPath: env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const mailer = createMailer({ db: database.db, smtpUrl: opts.smtpUrl ?? env.TEST_SMTP_URL!, from: 'Results Office <no-reply@examboard.example>' });
  const temporalAddress = opts.temporalAddress ?? env.TEST_TEMPORAL_ADDRESS!;
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: 'results-office',
    taskQueue,
    deps: { db: database.db, mailer, pdf, publicUrl: 'http://localhost:3000', boardEmail: `board-${taskQueue}@examboard.example` },
    workflowBundlePath: env.TEST_WORKFLOW_BUNDLE,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection, namespace: 'results-office' });
  const appFrom = (overrides: Partial<AppDeps>) =>
    createApp({
      db: database.db,
      temporal,
      taskQueue,
      log,
      sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
      publicUrl: 'http://localhost:3000',
      enquiryPolicy: { ...DEFAULT_ENQUIRY_POLICY, ...opts.policy },
      // Two cores shared by several test files: a person would give up after 20 s, a test waits longer.
      temporalWaitMs: 90_000,
      ...overrides,
    });
  const appWith = (policy: Partial<EnquiryPolicy>) => appFrom({ enquiryPolicy: { ...DEFAULT_ENQUIRY_POLICY, ...opts.policy, ...policy } });
  const { app, routes } = appWith({});
  return {
    database,
    temporal,
    taskQueue,
    worker,
    app,
    routes,
    appWith: (policy) => appWith(policy).app,
    createApp: appFrom,
    async mailTo(address) {
      return (await readSink(env.TEST_SMTP_SINK_DIR!)).filter((m) => m.to.includes(address));
    },
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await pdf.close();
      mailer.close();
      await connection.close();
      await nativeConnection.close();
      await database.close();
    },
  };
}

// One real listening server per app: supertest would otherwise start (and stop) a server for every request, which
// under load ends in connection resets. Closed when the jest worker exits.
const servers = new WeakMap<object, string>();
async function urlOf(app: World['app']): Promise<string> {
  let url = servers.get(app);
  if (!url) {
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    server.unref();
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    servers.set(app, url);
  }
  return url;
}

/** A signed-in HTTP client: keeps the session cookie and sends the CSRF token with every change. */
export async function signIn(app: World['app'] | string, email: string, password: string) {
  const agent = request.agent(typeof app === 'string' ? app : await urlOf(app));
  const first = await agent.get('/api/csrf-token').expect(200);
  const res = await agent.post('/api/session').set('x-csrf-token', first.body.csrfToken).send({ email, password });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const { body } = await agent.get('/api/csrf-token').expect(200);
  const token: string = body.csrfToken;
  return {
    agent,
    get: (url: string) => agent.get(url),
    post: (url: string, data?: object) => agent.post(url).set('x-csrf-token', token).send(data ?? {}),
    put: (url: string, data?: object) => agent.put(url).set('x-csrf-token', token).send(data ?? {}),
    del: (url: string) => agent.delete(url).set('x-csrf-token', token),
    postPdf: (url: string, pdf: Buffer) => agent.post(url).set('x-csrf-token', token).set('Content-Type', 'application/pdf').send(pdf),
  };
}

/**
 * With RECORD_HISTORIES=1, saves a workflow's history under test/histories for the replay test. Histories are
 * recorded once and committed; replaying them on every run catches a non-deterministic change.
 */
export async function recordHistory(temporal: Client, workflowId: string, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  fs.writeFileSync(path.join(__dirname, '..', 'histories', `${name}.json`), historyToJSON(history));
}

/** Runs `fn` over `items` with at most `size` at a time. */
export async function inPool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** Polls until `fn` returns a value that is not undefined (for results that arrive a moment later, like mail). */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
