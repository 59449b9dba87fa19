// Graceful shutdown: the real worker process (temporal-config/worker.ts) gets SIGTERM while it prints candidates'
// letters (an ALL generation) and sends enquiry mail. It stops polling, lets running activities finish within its
// grace time and exits 0; a new worker carries on. Afterwards: one login per candidate, whose password is the one
// printed, complete letter files (a page and a zip entry per candidate), one email per business key. The web
// server (api/server.ts) also closes on SIGTERM and exits 0.
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import { and, eq, inArray } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { extractText } from 'unpdf';
import { candidates, credentials, enquiries } from '../../db/schema';
import { freePort, startProcess, type Managed } from '../../temporal-config/process';
import { createAccessFixture } from '../support/accessFixtures';
import { createFixture, PASSWORD } from '../support/fixtures';
import { eventually, inPool, signIn, startWorld, type World } from '../support/world';
import { readZip } from '../support/zip';

const CANDIDATES = Number(process.env.SHUTDOWN_CANDIDATES ?? 120);
const ENQUIRIES = Number(process.env.SHUTDOWN_ENQUIRIES ?? 6);
const ROOT = path.join(__dirname, '..', '..');
/** Progress on stderr as it happens (jest shows console.log only at the end), for a run that hangs. */
const trace = (m: string) => process.env.SHUTDOWN_TRACE && process.stderr.write(`${new Date().toISOString()} ${m}\n`);

let world: World;
const started: Managed[] = [];
/** The services' logs, kept after the run only with SHUTDOWN_TRACE. */
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graceful-'));
beforeAll(async () => {
  world = await startWorld();
  // The in-process worker steps aside: the ones under test are separate processes on the same task queue.
  world.worker.shutdown();
});
afterAll(async () => {
  for (const p of started) await p.stop().catch(() => undefined);
  await world?.close();
  if (!process.env.SHUTDOWN_TRACE) fs.rmSync(logDir, { recursive: true, force: true });
});

function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = process.env;
  return {
    ...env,
    NODE_OPTIONS: '',
    LOG_LEVEL: 'info',
    DATABASE_URL: env.TEST_DATABASE_URL,
    TEMPORAL_ADDRESS: env.TEST_TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: world.taskQueue,
    SMTP_URL: env.TEST_SMTP_URL,
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
    WORKFLOW_BUNDLE_PATH: env.TEST_WORKFLOW_BUNDLE,
    BOARD_EMAIL: `board-${world.taskQueue}@examboard.example`,
    LETTER_HASH_CONCURRENCY: '2',
    ...extra,
  };
}

/** Starts a service process and resolves once its log says `ready`; keeps its output for the report. */
async function startService(script: string, ready: RegExp, extra: Record<string, string> = {}) {
  const managed = startProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { stdio: ['ignore', 'pipe', 'pipe'], env: serviceEnv(extra) });
  started.push(managed);
  const child = managed.child;
  let log = '';
  const file = path.join(logDir, `${path.basename(script, '.ts')}-${child.pid}.log`);
  trace(`${script} started, pid ${child.pid}, log ${file}`);
  const keep = (d: Buffer) => {
    log += d.toString();
    fs.appendFileSync(file, d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  await eventually(async () => (ready.test(log) ? true : child.exitCode !== null ? Promise.reject(new Error(`${script} exited: ${log}`)) : undefined), 60_000);
  return { child, log: () => log };
}

/** SIGTERM, then how long the process took to exit and with what code. */
async function terminate(child: Managed['child']): Promise<{ code: number | null; signal: string | null; seconds: number }> {
  const at = Date.now();
  trace(`SIGTERM to ${child.pid}`);
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  trace(`${child.pid} exited: ${code} ${signal}`);
  return { code, signal, seconds: (Date.now() - at) / 1000 };
}

it(`[A8] [A10] SIGTERM during an ALL generation of ${CANDIDATES} letters and enquiry mail: the worker drains and exits 0, and nothing is lost or doubled`, async () => {
  const app = world.createApp({
    resultsAccessPolicy: { batchSize: 20, batchConcurrency: 2, heartbeatTimeoutMs: 20_000, maxHistoryEvents: 10_000 },
  }).app;
  const access = await createAccessFixture(world.database.db, { candidates: CANDIDATES });
  const f = await createFixture(world.database.db, { candidates: ENQUIRIES });
  const officer = await signIn(app, access.officer, PASSWORD);
  const centre = await signIn(app, f.officer, PASSWORD);
  const first = await startService('temporal-config/worker.ts', /worker started/);
  const ids: string[] = [];
  await inPool(f.candidateNumbers, 3, async (c) => {
    const res = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [c], note: '' } }).expect(201);
    ids.push(res.body.enquiryId);
  });

  const base = `/api/results-access/series/${access.seriesId}`;
  await officer.put(`${base}/access`, { mode: 'ALL', agreement: true, contact: { name: 'Quinn Query', telephone: '+44 20 7946 0000', email: null }, delayMinutes: 0 }).expect(200);
  // Mail in flight as well: every submission sends the centre an email.
  await inPool(ids, 3, async (id) => void (await centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200)));
  const before = await eventually(async () => {
    const p = (await officer.get(`${base}/progress`)).body;
    return p.done >= 20 && p.status === 'running' ? p : undefined;
  }, 120_000);

  trace(`mid-generation: ${JSON.stringify(before)}`);
  const stopped = await terminate(first.child);
  const doneAtSigterm = before.done as number;
  expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
  expect(first.log()).toMatch(/worker stopped/);
  // What the first worker did after SIGTERM: batches it finished (stored) and ones it gave back (failed, retried).
  const afterSigterm = first.log().slice(first.log().indexOf('"state":"DRAINING"'));
  const finishedWhileDraining = afterSigterm.split('letter batch stored').length - 1;
  const givenBack = afterSigterm.split('"msg":"Activity failed"').length - 1;
  const second = await startService('temporal-config/worker.ts', /worker started/);

  const progress = await eventually(async () => {
    const p = (await officer.get(`${base}/progress`)).body;
    trace(`progress ${p.done}/${p.total} ${p.status}`);
    return p.status === 'done' ? p : undefined;
  }, 300_000);
  expect(progress).toEqual(expect.objectContaining({ done: CANDIDATES, total: CANDIDATES }));
  await eventually(async () => ((await world.database.db.select({ s: enquiries.status }).from(enquiries).where(inArray(enquiries.id, ids))).every((r) => r.s === 'Submitted') ? true : undefined), 120_000);

  // One login per candidate, none revoked.
  const rows = await world.database.db
    .select({ number: candidates.candidateNumber, hash: credentials.passwordHash, revokedAt: credentials.revokedAt })
    .from(credentials)
    .innerJoin(candidates, eq(candidates.id, credentials.candidateId))
    .where(and(eq(credentials.centreNumber, access.centreNumber), eq(credentials.seriesId, access.seriesId)));
  expect(rows).toHaveLength(CANDIDATES);
  expect(new Set(rows.map((r) => r.number)).size).toBe(CANDIDATES);
  expect(rows.every((r) => r.revokedAt === null)).toBe(true);

  // Complete files: a page per candidate in the PDF, a one-page PDF per candidate in the zip.
  const download = async (url: string) =>
    (await officer.get(url).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    })).body as Buffer;
  const pdf = await PDFDocument.load(await download(`${base}/letters/1/pdf`));
  expect(pdf.getPageCount()).toBe(CANDIDATES);
  const zip = readZip(await download(`${base}/letters/1/zip`));
  expect(zip.map((e) => e.name).sort()).toEqual(access.candidates.map((c) => `${c.candidateNumber}.pdf`));
  // The password printed is the one stored, for letters from every batch (a sample of one per batch).
  const hashes = new Map(rows.map((r) => [r.number, r.hash]));
  for (const entry of zip.filter((_, i) => i % 20 === 0)) {
    const { text } = await extractText(new Uint8Array(entry.content), { mergePages: true });
    const password = /Password\s+(\S+)/.exec(text)?.[1];
    expect(password).toBeDefined();
    expect(await verify(hashes.get(entry.name.replace(/\.pdf$/, ''))!, password!)).toBe(true);
  }

  // One email per submission, none twice.
  await eventually(async () => ((await world.mailTo(f.centreEmail)).filter((m) => m.subject.startsWith('Enquiry submitted')).length >= ENQUIRIES ? true : undefined), 60_000);
  await new Promise((r) => setTimeout(r, 2000)); // a duplicate would have arrived by now
  const mails = (await world.mailTo(f.centreEmail)).filter((m) => m.subject.startsWith('Enquiry submitted'));
  expect(mails).toHaveLength(ENQUIRIES);
  expect(new Set(mails.map((m) => m.headers['x-business-key'])).size).toBe(ENQUIRIES);

  await terminate(second.child);
  console.log(
    `graceful shutdown: SIGTERM at ${doneAtSigterm}/${CANDIDATES} letters, worker drained (${finishedWhileDraining} batches finished, ${givenBack} activities given back for retry) and exited 0 in ${stopped.seconds.toFixed(1)} s; ` +
      `afterwards ${rows.length} logins (one each), ${pdf.getPageCount()} PDF pages, ${zip.length} zip entries, ${mails.length} emails for ${ENQUIRIES} submissions`,
  );
}, 600_000);

it('the web server stops accepting, finishes, and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const web = await startService('api/server.ts', /web started/, { PORT: String(port) });
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: 'keep-alive' } });
  expect(res.status).toBe(200);
  const stopped = await terminate(web.child);
  expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
  expect(stopped.seconds).toBeLessThan(10);
  expect(web.log()).toMatch(/web stopping/);
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
}, 120_000);
