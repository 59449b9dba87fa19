// Deadline-day burst (issue 9): N valid enquiries submitted through the HTTP API as fast as it accepts them, each
// driven by a board user to Acknowledged (letter printed by Chromium and stored, email received by the SMTP sink,
// rows written), on a Temporal dev server with its SQLite file, with the worker and the web app as their own
// processes. Beside it, in the same run, the engine's ceiling: workflows that do nothing.
//
//   npx tsx bench/enquiryBurst.ts            # 200 enquiries
//   npx tsx bench/enquiryBurst.ts --full     # 1,000 enquiries
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { readSink } from '../activities/email/smtpSink';
import { createDatabase } from '../db/client';
import { createFixture } from '../test/support/fixtures';
import { enquiryWorkflowId } from '../workflows/ids';
import { noopWorkflow } from '../workflows/noop';
import { historyBreakdown } from './lib/historyBreakdown';
import { pool, signInAt, submitAndAcknowledge } from './lib/enquiries';
import { cpuByProcessGroup, cpuByThread, cpuDelta, percentile, processUsage, report } from './lib/report';
import { startBenchStack } from './lib/stack';

const full = process.argv.includes('--full');
const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? (full ? 1000 : 200));
const CONCURRENCY = 64;

async function main() {
  const bench = await startBenchStack();
  const { stack } = bench;
  try {
    const database = createDatabase(stack.databaseUrl, 4);
    console.error(`making ${N} candidates…`);
    const f = await createFixture(database.db, { candidates: N });
    await database.close();

    // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker.
    const { url, worker, web } = await bench.startApp({}, process.env.BENCH_WORKER_NODE_ARGS?.split(' ') ?? []);

    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection, namespace: 'results-office' });

    // Ceiling: N workflows that do nothing, started and awaited at the same concurrency, once before the burst
    // and once after it (after a warm-up, so the first bundle load is not counted); the higher one is the ceiling.
    let round = 0;
    const noopRate = async (count: number) => {
      round += 1;
      const t0 = Date.now();
      await pool(Array.from({ length: count }, (_, i) => i), CONCURRENCY, async (i) => {
        await client.workflow.execute(noopWorkflow, { workflowId: `bench-noop-${process.pid}-${round}-${i}`, taskQueue: 'results-office' });
      });
      return count / ((Date.now() - t0) / 1000);
    };
    await noopRate(50);
    const ceilingBefore = await noopRate(N);

    const centre = await signInAt(url, f.officer);
    const board = await signInAt(url, f.boardStaff);
    const workerBefore = processUsage(worker.child.pid!);
    const webBefore = processUsage(web.child.pid!);
    const pids = { worker: worker.child.pid!, web: web.child.pid! };
    const cpuBefore = cpuByProcessGroup(pids);
    const workerThreadsBefore = cpuByThread(pids.worker);

    const submittedAt: number[] = [];
    const ackedAt: number[] = [];
    const enquiryIds: string[] = [];
    const failures: string[] = [];
    const started = Date.now();
    let lastSubmit = started;
    await pool(f.candidateNumbers, CONCURRENCY, async (candidate, i) => {
      const outcome = await submitAndAcknowledge(centre, board, f, candidate, `bench ${i}`);
      if (!outcome.ok) return void failures.push(outcome.failure);
      submittedAt[i] = outcome.submittedAt;
      lastSubmit = Math.max(lastSubmit, submittedAt[i]);
      ackedAt[i] = outcome.acknowledgedAt;
      enquiryIds.push(outcome.enquiryId);
    });
    const finished = Date.now();
    const workerAfter = processUsage(worker.child.pid!);
    const webAfter = processUsage(web.child.pid!);

    // Acknowledged means the email was received too, and mail goes out in the background: wait for the sink.
    const ackMails = async () => (await readSink(stack.smtpSinkDir!)).filter((m) => m.subject.startsWith('Acknowledgement letter available'));
    const acknowledgedCount = ackedAt.filter(Number.isFinite).length;
    let mails = await ackMails();
    while (mails.length < acknowledgedCount && Date.now() - finished < 120_000) {
      await new Promise((r) => setTimeout(r, 200));
      mails = await ackMails();
    }
    const lastMailAt = Date.now();
    const cpu = cpuDelta(cpuBefore, cpuByProcessGroup(pids));
    const workerThreads = cpuDelta(workerThreadsBefore, cpuByThread(pids.worker));
    const ceilingAfter = await noopRate(N);
    const ceilingPerSecond = Math.max(ceilingBefore, ceilingAfter);
    const latencies = ackedAt.map((t, i) => t - submittedAt[i]).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const acked = latencies.length;
    const end = mails.length >= acknowledgedCount ? lastMailAt : finished;
    const ackPerSecond = acked / ((end - started) / 1000);
    // Where the time went: every step of 20 enquiries spread over the run, from their histories.
    const sample = enquiryIds.filter((_, i) => i % Math.max(1, Math.floor(enquiryIds.length / 20)) === 0).slice(0, 20);
    const breakdown = await historyBreakdown(client, sample.map((id) => enquiryWorkflowId(f.centreNumber, f.seriesId, id)));
    const result = {
      settings: { enquiries: N, concurrency: CONCURRENCY, temporal: 'dev server, SQLite file', service: '1' },
      submitPerSecond: Math.round((acked / ((lastSubmit - started) / 1000)) * 10) / 10,
      acknowledgedPerSecond: Math.round(ackPerSecond * 10) / 10,
      noopWorkflowsPerSecond: Math.round(ceilingPerSecond * 10) / 10,
      noopRounds: { beforeBurst: Math.round(ceilingBefore * 10) / 10, afterBurst: Math.round(ceilingAfter * 10) / 10 },
      ratioToCeiling: Math.round((ackPerSecond / ceilingPerSecond) * 100) / 100,
      submitToAcknowledgedMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
      emailsReceived: mails.length,
      failures: failures.length,
      failureSamples: failures.slice(0, 5),
      worker: { cpuSeconds: Math.round((workerAfter.cpuSeconds - workerBefore.cpuSeconds) * 10) / 10, peakRssMiB: workerAfter.peakRssMiB },
      web: { cpuSeconds: Math.round((webAfter.cpuSeconds - webBefore.cpuSeconds) * 10) / 10, peakRssMiB: webAfter.peakRssMiB },
      wallSeconds: Math.round((finished - started) / 100) / 10,
      // Every process's CPU over the run, grouped: on two cores, the sum cannot exceed twice the wall time.
      cpuSecondsByProcess: cpu,
      workerCpuSecondsByThread: workerThreads,
      breakdown,
    };
    report('enquiry-burst', result, [
      ['enquiries', N],
      ['submissions accepted / s', result.submitPerSecond],
      ['acknowledged / s', result.acknowledgedPerSecond, '>= 50'],
      ['no-op workflows / s (ceiling)', `${result.noopWorkflowsPerSecond} (rounds ${result.noopRounds.beforeBurst}, ${result.noopRounds.afterBurst})`],
      ['ratio to ceiling', result.ratioToCeiling, '>= 0.5'],
      ['submit -> Ack p50 ms', result.submitToAcknowledgedMs.p50],
      ['submit -> Ack p95 ms', result.submitToAcknowledgedMs.p95],
      ['submit -> Ack p99 ms', result.submitToAcknowledgedMs.p99],
      ['emails received', mails.length, `= ${N}`],
      ['failures', failures.length, '0'],
      ['worker CPU s / peak MiB', `${result.worker.cpuSeconds} / ${result.worker.peakRssMiB}`],
      ['web CPU s / peak MiB', `${result.web.cpuSeconds} / ${result.web.peakRssMiB}`],
    ]);
    console.log('\n  where an enquiry\'s time goes (mean per step over 20 enquiries: waiting for a slot / running)');
    console.log(`\n  CPU seconds by process over ${Math.round((lastMailAt - started) / 1000)} s of wall time on ${os.cpus().length} cores`);
    for (const [k, v] of Object.entries(cpu)) console.log(`  ${k.padEnd(10)} ${String(v).padStart(7)}`);
    console.log(`  worker threads: ${Object.entries(workerThreads).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const b of breakdown) console.log(`  ${b.step.padEnd(40)} x${String(b.count).padStart(4)}  wait ${String(b.meanWaitMs).padStart(6)} ms  run ${String(b.meanRunMs).padStart(6)} ms`);
    await connection.close();
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
