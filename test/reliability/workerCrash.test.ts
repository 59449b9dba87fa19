// Worker crashes: the worker runs as its own process and is killed with SIGKILL at random moments while enquiries
// are in flight, then restarted. Afterwards every enquiry is Acknowledged, with exactly one letter and one email.
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type request from 'supertest';
import { documents, enquiries } from '../../db/schema';
import { startProcess, type Managed } from '../../temporal-config/process';
import { createFixture, PASSWORD } from '../support/fixtures';
import { eventually, inPool, signIn, startWorld, type World } from '../support/world';

// The short version runs in CI; the long one with CRASH_ENQUIRIES=200 CRASH_KILLS=10.
const ENQUIRIES = Number(process.env.CRASH_ENQUIRIES ?? 12);
const KILLS = Number(process.env.CRASH_KILLS ?? 3);
const trace = (m: string) => process.env.CRASH_TRACE && console.log(`${new Date().toISOString()} ${m}`);
let world: World;
beforeAll(async () => {
  world = await startWorld();
  // The in-process worker steps aside: the one under test is a separate process on the same task queue.
  world.worker.shutdown();
});
afterAll(() => world?.close());

let currentWorker: Managed | null = null;

function startWorkerProcess(): Managed {
  const env = process.env;
  return startProcess(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'temporal-config', 'worker.ts')], {
    stdio: ['ignore', 'ignore', process.env.CRASH_TRACE ? 'inherit' : 'ignore'],
    env: {
      ...env,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'error',
      DATABASE_URL: env.TEST_DATABASE_URL,
      TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: world.taskQueue,
      SMTP_URL: env.TEST_SMTP_URL,
      SESSION_SECRET: 'unused-by-the-worker-but-validated-0123456789',
      WORKFLOW_BUNDLE_PATH: env.TEST_WORKFLOW_BUNDLE,
      BOARD_EMAIL: `board-${world.taskQueue}@examboard.example`,
    },
  });
}

it(`[C19] ${ENQUIRIES} enquiries survive ${KILLS} SIGKILLs of the worker with one letter and one email each`, async () => {
  const f = await createFixture(world.database.db, { candidates: ENQUIRIES });
  const centre = await signIn(world.app, f.officer, PASSWORD);
  const board = await signIn(world.app, f.boardStaff, PASSWORD);
  let worker = startWorkerProcess();
  currentWorker = worker;
  let stop = false;
  let kills = 0;
  // The killer: at random moments, SIGKILL the worker and start a new one.
  const killer = (async () => {
    while (!stop && kills < KILLS) {
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 2500));
      if (stop) break;
      trace('SIGKILL worker');
      const dead = worker.child;
      if (dead.exitCode === null && dead.signalCode === null) {
        const exited = new Promise((r) => dead.once('exit', r));
        dead.kill('SIGKILL');
        await exited;
      }
      kills += 1;
      worker = startWorkerProcess();
      currentWorker = worker;
    }
  })();

  const ids: string[] = [];
  try {
    await inPool(f.candidateNumbers, 6, async (candidate) => {
      // Each call retries until the worker (whichever one is alive) answers it: that is what a person would do.
      // A request that waits on a dead worker is given up after 20 s and made again.
      const retry = async (fn: () => request.Test, ok: (s: number) => boolean) => {
        for (;;) {
          const res = await fn().timeout(20_000).catch(() => ({ status: 0, body: {} as Record<string, unknown> }));
          trace(`${candidate} ${res.status}`);
          if (ok(res.status)) return res;
          await new Promise((r) => setTimeout(r, 500));
        }
      };
      const created = await retry(() => centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [candidate], note: '' } }), (s) => s === 201);
      const id = (created.body as { enquiryId: string }).enquiryId;
      ids.push(id);
      const status = async () => (await world.database.db.select({ s: enquiries.status }).from(enquiries).where(eq(enquiries.id, id)))[0]?.s;
      await retry(() => centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }), (s) => s === 200 || s === 422);
      await eventually(async () => ((await status()) === 'Submitted' ? true : undefined), 60_000);
      await retry(() => board.post(`/api/board/enquiries/${id}/receive`), (s) => s === 200 || s === 422);
      await eventually(async () => ((await status()) === 'Received' ? true : undefined), 60_000);
      await retry(() => board.post(`/api/board/enquiries/${id}/acknowledge`), (s) => s === 200 || s === 422);
    });
    await eventually(async () => {
      const rows = await world.database.db.select({ s: enquiries.status }).from(enquiries).where(inArray(enquiries.id, ids));
      return rows.every((r) => r.s === 'Acknowledged') ? true : undefined;
    }, 120_000);
  } finally {
    stop = true;
    await killer;
  }
  expect(kills).toBeGreaterThanOrEqual(1);

  const letters = await world.database.db.select({ e: documents.enquiryId }).from(documents).where(and(inArray(documents.enquiryId, ids), eq(documents.kind, 'Ack')));
  expect(letters).toHaveLength(ENQUIRIES);
  const mails = await eventually(async () => {
    const m = (await world.mailTo(f.centreEmail)).filter((x) => x.subject.startsWith('Acknowledgement letter available'));
    return m.length >= ENQUIRIES ? m : undefined;
  }, 60_000);
  await new Promise((r) => setTimeout(r, 2000)); // a duplicate would have arrived by now
  const final = (await world.mailTo(f.centreEmail)).filter((x) => x.subject.startsWith('Acknowledgement letter available'));
  expect(final).toHaveLength(ENQUIRIES);
  expect(new Set(mails.map((m) => m.headers['x-business-key'])).size).toBe(ENQUIRIES);
}, 600_000);

afterAll(async () => {
  await currentWorker?.stop();
});
