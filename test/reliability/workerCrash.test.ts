// Worker crashes: the worker runs as its own process (temporal-config/worker.ts) and its whole process group
// (Chromium included) is killed with SIGKILL at random moments, as a crashed machine would be, while enquiries are in
// flight and one ALL letter generation runs in small batches; a new worker is started each time. Afterwards: every
// enquiry is Acknowledged with one letter, one email per business event (submitted, acknowledgement), and the
// generation's files are complete, with one login per candidate whose printed password is the stored one.
// The short version runs in CI (12 enquiries, 120 letters in batches of 10, 3 kills); the long one with
// CRASH_ENQUIRIES=200 CRASH_KILLS=10 CRASH_LETTERS=2000 (batches of CRASH_LETTER_BATCH, by default letters / 40).
// Its time depends on where the kills land: a letter batch lost with its worker is retried after its 5 s heartbeat
// timeout, but an enquiry's letter or mail activity only after its 2-minute start-to-close timeout (45-150 s seen).
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type request from 'supertest';
import { createApp } from '../../api/app';
import { DEFAULT_ENQUIRY_POLICY } from '../../api/routes/enquiries';
import { createLogger } from '../../config/logger';
import { documents, enquiries, resultsAccess } from '../../db/schema';
import { startProcess, type Managed } from '../../temporal-config/process';
import type { ResultsAccessState } from '../../workflows/resultsAccessTypes';
import { createAccessFixture } from '../support/accessFixtures';
import { createFixture, PASSWORD } from '../support/fixtures';
import { credentialRows, expectCompleteLetters } from '../support/letterChecks';
import { eventually, inPool, signIn, startWorld, type World } from '../support/world';

const ENQUIRIES = Number(process.env.CRASH_ENQUIRIES ?? 12);
const KILLS = Number(process.env.CRASH_KILLS ?? 3);
const LETTERS = Number(process.env.CRASH_LETTERS ?? 120);
const LETTER_BATCH = Number(process.env.CRASH_LETTER_BATCH ?? Math.max(10, Math.ceil(LETTERS / 40)));
const trace = (m: string) => process.env.CRASH_TRACE && process.stderr.write(`${new Date().toISOString()} ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let world: World;
beforeAll(async () => {
  world = await startWorld();
  // The in-process worker steps aside: the one under test is a separate process on the same task queue.
  world.worker.shutdown();
});
afterAll(() => world?.close());

let currentWorker: (Managed & { ready: Promise<void> }) | null = null;
afterAll(async () => {
  await currentWorker?.stop();
});

/** A worker process in a process group of its own (so a kill takes its Chromium too); `ready` once it polls. */
function startWorkerProcess() {
  const env = process.env;
  const managed = startProcess(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'temporal-config', 'worker.ts')], {
    stdio: ['ignore', 'pipe', process.env.CRASH_TRACE ? 'inherit' : 'ignore'],
    detached: true,
    env: {
      ...env,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'info',
      DATABASE_URL: env.TEST_DATABASE_URL,
      TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: world.taskQueue,
      SMTP_URL: env.TEST_SMTP_URL,
      SESSION_SECRET: 'unused-by-the-worker-but-validated-0123456789',
      WORKFLOW_BUNDLE_PATH: env.TEST_WORKFLOW_BUNDLE,
      BOARD_EMAIL: `board-${world.taskQueue}@examboard.example`,
      LETTER_HASH_CONCURRENCY: '2',
    },
  });
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    let started = false;
    // Read on to the end: a full pipe would stall the worker.
    managed.child.stdout!.on('data', (d: Buffer) => {
      if (started) return;
      seen += d.toString();
      started = /worker started/.test(seen);
      if (started) resolve();
    });
    managed.child.once('exit', (code, signal) => reject(new Error(`the worker exited before it started: ${code ?? signal}`)));
  });
  ready.catch(() => undefined); // a worker stopped at the end may never have started
  return { ...managed, ready };
}

it(`[C19] [A8] [A10] ${ENQUIRIES} enquiries and a generation of ${LETTERS} letters survive ${KILLS} SIGKILLs of the worker: nothing lost, nothing twice`, async () => {
  const started = Date.now();
  const app = createApp({
    db: world.database.db,
    temporal: world.temporal,
    taskQueue: world.taskQueue,
    log: createLogger('test', 'silent'),
    sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
    publicUrl: 'http://localhost:3000',
    enquiryPolicy: DEFAULT_ENQUIRY_POLICY,
    // Small batches, so the kills land between and inside them; a dead worker's batch is retried after 5 s.
    resultsAccessPolicy: { batchSize: LETTER_BATCH, batchConcurrency: 2, heartbeatTimeoutMs: 5_000, maxHistoryEvents: 10_000 },
  }).app;
  const db = world.database.db;
  const f = await createFixture(db, { candidates: ENQUIRIES });
  const access = await createAccessFixture(db, { candidates: LETTERS });
  const centre = await signIn(app, f.officer, PASSWORD);
  const board = await signIn(app, f.boardStaff, PASSWORD);
  const officer = await signIn(app, access.officer, PASSWORD);
  const storedLogins = async () => (await credentialRows(db, access)).length;

  let worker = startWorkerProcess();
  currentWorker = worker;
  await worker.ready;
  await officer.put(`/api/results-access/series/${access.seriesId}/access`, { mode: 'ALL', agreement: true, contact: { name: 'Quinn Query', telephone: '+44 20 7946 0000', email: 'queries@centre.example' }, delayMinutes: 0 }).expect(200);

  let stop = false;
  /** How many letters had been stored when each kill came, and when it came. */
  const loginsAtKill: number[] = [];
  const killedAt: number[] = [];
  // The killer: once a worker polls, and has stored a batch more than its predecessor (or had 10 s to), SIGKILL it
  // at a random moment and start a new one. So the kills fall at different points of the generation, and the first
  // one in its middle.
  const killer = (async () => {
    while (!stop && loginsAtKill.length < KILLS) {
      await worker.ready;
      const before = loginsAtKill.at(-1) ?? 0;
      const progressed = async () => (stop || (await storedLogins()) > before ? true : undefined);
      if (loginsAtKill.length === 0) await eventually(progressed, 300_000);
      else await eventually(progressed, 10_000).catch(() => undefined);
      await sleep(500 + Math.random() * 1500);
      if (stop) break;
      const dead = worker.child;
      loginsAtKill.push(await storedLogins());
      killedAt.push(Date.now());
      trace(`SIGKILL worker ${dead.pid} at ${loginsAtKill.at(-1)}/${LETTERS} letters`);
      if (dead.exitCode === null && dead.signalCode === null) {
        const exited = new Promise((r) => dead.once('exit', r));
        process.kill(-dead.pid!, 'SIGKILL');
        await exited;
      }
      worker = startWorkerProcess();
      currentWorker = worker;
    }
  })();
  killer.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled meanwhile

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
          await sleep(500);
        }
      };
      const created = await retry(() => centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [candidate], note: '' } }), (s) => s === 201);
      const id = (created.body as { enquiryId: string }).enquiryId;
      ids.push(id);
      const status = async () => (await db.select({ s: enquiries.status }).from(enquiries).where(eq(enquiries.id, id)))[0]?.s;
      await retry(() => centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }), (s) => s === 200 || s === 422);
      await eventually(async () => ((await status()) === 'Submitted' ? true : undefined), 120_000);
      await retry(() => board.post(`/api/board/enquiries/${id}/receive`), (s) => s === 200 || s === 422);
      await eventually(async () => ((await status()) === 'Received' ? true : undefined), 120_000);
      await retry(() => board.post(`/api/board/enquiries/${id}/acknowledge`), (s) => s === 200 || s === 422);
    });
    await eventually(async () => {
      const rows = await db.select({ s: enquiries.status }).from(enquiries).where(inArray(enquiries.id, ids));
      return rows.every((r) => r.s === 'Acknowledged') ? true : undefined;
    }, 300_000);
    // The generation's end as the workflow wrote it to PostgreSQL (a query would wait on a dead worker).
    await eventually(async () => {
      const [row] = await db.select({ state: resultsAccess.state }).from(resultsAccess).where(and(eq(resultsAccess.centreNumber, access.centreNumber), eq(resultsAccess.seriesId, access.seriesId)));
      const generations = (row?.state as ResultsAccessState | undefined)?.generations ?? [];
      return generations[0]?.status === 'done' ? true : undefined;
    }, 60_000 + LETTERS * 500);
  } catch (err) {
    stop = true;
    await killer.catch(() => undefined);
    throw err;
  }
  // Every kill is made, even if the work finished first; the checks below come after the last restart.
  const workDoneAt = Date.now();
  await killer;
  const inFlight = killedAt.filter((t) => t < workDoneAt).length;
  expect(loginsAtKill).toHaveLength(KILLS);
  expect(loginsAtKill.filter((n) => n > 0 && n < LETTERS).length).toBeGreaterThanOrEqual(1);

  // Enquiries: one acknowledgement letter each; one email per business event, none twice.
  const letters = await db.select({ e: documents.enquiryId }).from(documents).where(and(inArray(documents.enquiryId, ids), eq(documents.kind, 'Ack')));
  expect(letters).toHaveLength(ENQUIRIES);
  const kinds = { submitted: 'Enquiry submitted', acknowledged: 'Acknowledgement letter available' };
  await eventually(async () => {
    const m = await world.mailTo(f.centreEmail);
    return Object.values(kinds).every((k) => m.filter((x) => x.subject.startsWith(k)).length >= ENQUIRIES) ? true : undefined;
  }, 120_000);
  await sleep(2000); // a duplicate would have arrived by now
  const mails = await world.mailTo(f.centreEmail);
  for (const k of Object.values(kinds)) expect(mails.filter((m) => m.subject.startsWith(k))).toHaveLength(ENQUIRIES);
  expect(mails).toHaveLength(2 * ENQUIRIES);
  expect(new Set(mails.map((m) => m.headers['x-business-key'])).size).toBe(2 * ENQUIRIES);

  // Letters: one generation, complete files, one login per candidate with the printed password.
  const state = (await officer.get(`/api/results-access/series/${access.seriesId}`).expect(200)).body.state as ResultsAccessState;
  expect(state.generations.map((g) => `${g.number}:${g.status}:${g.total}`)).toEqual([`1:done:${LETTERS}`]);
  const checked = await expectCompleteLetters(db, officer, access, 1);

  console.log(
    `worker crash: ${ENQUIRIES} enquiries and an ALL generation of ${LETTERS} letters (batches of ${LETTER_BATCH}, 2 at once); ` +
      `${loginsAtKill.length} SIGKILLs of the worker's process group (${inFlight} while work was in flight), at ${loginsAtKill.join(', ')} of ${LETTERS} letters stored; ` +
      `afterwards ${ENQUIRIES}/${ENQUIRIES} Acknowledged, ${letters.length} acknowledgement letters, ${mails.length} emails with ${mails.length} distinct business keys ` +
      `(${ENQUIRIES} submitted, ${ENQUIRIES} acknowledgement); ${checked.logins} logins (one each), ${checked.pages} PDF pages, ${checked.zipEntries} zip entries, ` +
      `${checked.passwordsVerified} printed passwords verified against the stored hashes; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}, 1_800_000);
