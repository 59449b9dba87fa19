// No worker running (all crashed, or a deployment in progress): a person's action that needs a workflow answers a
// clear 503 within the app's Temporal wait, instead of a page that never loads; and the same action goes through
// once a worker is back. Real Temporal and PostgreSQL; the app's task queue has no worker until the test starts one.
import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { createMailer } from '../../activities/email/outbox';
import { createPdfRenderer } from '../../activities/letters/renderer';
import { createWorker } from '../../temporal-config/worker';
import { createFixture, PASSWORD } from '../support/fixtures';
import { signIn, startWorld, type World } from '../support/world';

const WAIT_MS = 3000;
let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

it('[C24] with no worker, saving an enquiry answers 503 within the wait, and goes through once a worker runs', async () => {
  const taskQueue = `no-worker-${randomUUID()}`;
  const { app } = world.createApp({ taskQueue, temporalWaitMs: WAIT_MS });
  const f = await createFixture(world.database.db, { candidates: 1 });
  const officer = await signIn(app, f.officer, PASSWORD);
  const draft = { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0001'], note: 'no worker' };

  const started = Date.now();
  const res = await officer.post('/api/enquiries', { seriesId: f.seriesId, draft });
  const tookMs = Date.now() - started;
  expect(res.status).toBe(503);
  expect(res.body.error).toMatch(/taking longer than it should/);
  expect(res.headers['retry-after']).toBe('30');
  expect(tookMs).toBeLessThan(WAIT_MS + 5000);

  // A worker comes back: the centre's retry is answered.
  const connection = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
  const pdf = createPdfRenderer({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const mailer = createMailer({ db: world.database.db, smtpUrl: process.env.TEST_SMTP_URL!, from: 'Results Office <no-reply@examboard.example>' });
  const worker = await createWorker({
    connection,
    namespace: 'results-office',
    taskQueue,
    deps: { db: world.database.db, mailer, pdf, publicUrl: 'http://localhost:3000', boardEmail: 'board@examboard.example' },
    workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE,
  });
  await worker.runUntil(async () => {
    const again = await officer.post('/api/enquiries', { seriesId: f.seriesId, draft });
    expect(again.status).toBe(201);
    expect(again.body.status).toBe('Saved');
  });
  await pdf.close();
  mailer.close();
  await connection.close();
  console.log(`worker down: the Save answered 503 after ${tookMs} ms (wait ${WAIT_MS} ms)`);
}, 120_000);
