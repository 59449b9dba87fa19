// Many open enquiries (issue 9, benchmark 2): N enquiries acknowledged and waiting in their amendment window and for
// an outcome. Reported: the worker's resident memory with its bounded workflow cache, the time of a list page and of
// one enquiry's page (which queries its workflow, replaying it when the cache has evicted it) with N open, and how
// long a restarted worker takes to fire the timers that came due while it was down.
//
//   npx tsx bench/openWorkflows.ts              # 300 enquiries, 3-minute amendment window
//   npx tsx bench/openWorkflows.ts --full       # 20,000 enquiries, 60-minute window
//   --n=<count> --window-ms=<ms>                # other sizes
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { and, eq, sql } from 'drizzle-orm';
import { createDatabase } from '../db/client';
import { enquiries, enquiryEvents } from '../db/schema';
import { WORKER_TUNING, WORKFLOWS_PATH } from '../temporal-config/worker';
import { createFixture } from '../test/support/fixtures';
import { pool, signInAt, submitAndAcknowledge, type ApiUser } from './lib/enquiries';
import { percentile, processUsage, report } from './lib/report';
import { startBenchStack } from './lib/stack';

const full = process.argv.includes('--full');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const N = Number(arg('n') ?? (full ? 20_000 : 300));
// Long enough that most windows are still open when the worker is restarted, short enough to see them all close.
const WINDOW_MS = Number(arg('window-ms') ?? (full ? 60 * 60_000 : 3 * 60_000));
const CONCURRENCY = 32;
const SAMPLES = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds of `count` sequential GETs, sorted. */
async function timeGets(user: ApiUser, urls: () => string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await user.get(urls());
    if (res.status !== 200) throw new Error(`GET answered ${res.status}: ${JSON.stringify(res.body)}`);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

const summary = (sorted: number[]) => ({ p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), max: Math.round(sorted[sorted.length - 1]) });
const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

async function main() {
  const bench = await startBenchStack();
  const { stack } = bench;
  const database = createDatabase(stack.databaseUrl, 4);
  const { db } = database;
  try {
    console.error(`making ${N} candidates…`);
    const f = await createFixture(db, { candidates: N });
    // A prebuilt bundle, as in production, so the restart measures the worker and not webpack.
    const bundlePath = path.join(bench.dataDir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never })).code);
    const app = await bench.startApp({ WORKFLOW_BUNDLE_PATH: bundlePath, ENQUIRY_AMENDMENT_WINDOW_MS: String(WINDOW_MS) });
    const centre = await signInAt(app.url, f.officer);
    const board = await signInAt(app.url, f.boardStaff);

    console.error(`acknowledging ${N} enquiries…`);
    const ids: string[] = [];
    const failures: string[] = [];
    const started = Date.now();
    let progressAt = started;
    await pool(f.candidateNumbers, CONCURRENCY, async (candidate, i) => {
      const outcome = await submitAndAcknowledge(centre, board, f, candidate, `open ${i}`);
      if (outcome.ok) ids.push(outcome.enquiryId);
      else failures.push(outcome.failure);
      if (Date.now() - progressAt > 15_000) {
        progressAt = Date.now();
        console.error(`  ${ids.length} / ${N} acknowledged`);
      }
    });
    const fillSeconds = (Date.now() - started) / 1000;
    const acknowledged = await db.$count(enquiries, and(eq(enquiries.seriesId, f.seriesId), eq(enquiries.status, 'Acknowledged')));

    const workerPid = app.worker.child.pid!;
    const workerRss = { nowMiB: rssMiB(workerPid), peakMiB: processUsage(workerPid).peakRssMiB };
    const listMs = summary(await timeGets(centre, () => `/api/enquiries?seriesId=${f.seriesId}&limit=50&offset=${50 * Math.floor(Math.random() * Math.max(1, Math.floor(N / 50)))}`, SAMPLES));
    const boardQueueMs = summary(await timeGets(board, () => `/api/board/enquiries?seriesId=${f.seriesId}`, SAMPLES));
    const oneEnquiryMs = summary(await timeGets(centre, () => `/api/enquiries/${ids[Math.floor(Math.random() * ids.length)]}`, SAMPLES));

    // Restart: kill the worker as a crash would, start a new one, and wait for every amendment window to close.
    const closed = () => db.$count(enquiryEvents, and(eq(enquiryEvents.kind, 'amendment-window-closed'), sql`${enquiryEvents.enquiryId} in (select id from enquiries where series_id = ${f.seriesId})`));
    const closedBeforeRestart = await closed();
    const restartAt = Date.now();
    await app.restartWorker({ crash: true });
    const lastDue = started + fillSeconds * 1000 + WINDOW_MS;
    let closedNow = closedBeforeRestart;
    let firstAfterRestartMs: number | null = null;
    while (closedNow < acknowledged && Date.now() < lastDue + 10 * 60_000) {
      await sleep(500);
      closedNow = await closed();
      if (firstAfterRestartMs === null && closedNow > closedBeforeRestart) firstAfterRestartMs = Date.now() - restartAt;
    }
    const allClosedAt = Date.now();
    const [{ lagMs }] = (await db.execute(sql`
      select coalesce(max(extract(epoch from (ev.at - (e.state->>'amendableUntil')::timestamptz)) * 1000), 0)::int as "lagMs"
      from enquiry_events ev join enquiries e on e.id = ev.enquiry_id
      where ev.kind = 'amendment-window-closed' and e.series_id = ${f.seriesId}`)) as unknown as Array<{ lagMs: number }>;

    const result = {
      settings: { enquiries: N, amendmentWindowMs: WINDOW_MS, workerCache: WORKER_TUNING.maxCachedWorkflows, concurrency: CONCURRENCY, samples: SAMPLES, temporal: 'dev server, SQLite file' },
      fillSeconds: Math.round(fillSeconds),
      acknowledgedOpen: acknowledged,
      failures: failures.length,
      failureSamples: failures.slice(0, 5),
      workerRss,
      listPageMs: listMs,
      boardQueueMs,
      oneEnquiryMs,
      restart: {
        windowsOpenAtRestart: acknowledged - closedBeforeRestart,
        firstTimerFiredAfterMs: firstAfterRestartMs,
        allTimersFired: closedNow >= acknowledged,
        allClosedAfterRestartSeconds: Math.round((allClosedAt - restartAt) / 1000),
        worstTimerLateMs: lagMs,
      },
    };
    report('open-workflows', result, [
      ['enquiries acknowledged and open', acknowledged, `= ${N}`],
      ['worker RSS now / peak MiB', `${workerRss.nowMiB} / ${workerRss.peakMiB}`, '< 1024'],
      ['list page p50 / p95 ms', `${listMs.p50} / ${listMs.p95}`, 'p95 < 100'],
      ['board queue p50 / p95 ms', `${boardQueueMs.p50} / ${boardQueueMs.p95}`, 'p95 < 100'],
      ['one enquiry (query) p50 / p95 ms', `${oneEnquiryMs.p50} / ${oneEnquiryMs.p95}`, 'p95 < 100'],
      ['windows open at worker restart', result.restart.windowsOpenAtRestart],
      ['all timers fired after restart', String(result.restart.allTimersFired), 'true'],
      ['latest timer, ms after its due time', lagMs],
      ['failures', failures.length, '0'],
    ]);
  } finally {
    await database.close();
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
