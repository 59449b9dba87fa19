// Deadline-day burst (issue 9): N valid enquiries submitted through the HTTP API as fast as it accepts them, each
// driven by a board user to Acknowledged (letter printed by Chromium and stored, email received by the SMTP sink,
// rows written), on a Temporal dev server with its SQLite file, with the worker and the web app as their own
// processes. Beside it, in the same run, the engine's ceiling: workflows that do nothing.
//
//   npx tsx bench/enquiryBurst.ts            # 200 enquiries
//   npx tsx bench/enquiryBurst.ts --full     # 1,000 enquiries
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { readSink } from '../activities/email/smtpSink';
import { createDatabase } from '../db/client';
import { createFixture, PASSWORD } from '../test/support/fixtures';
import { noopWorkflow } from '../workflows/noop';
import { percentile, processUsage, report } from './lib/report';
import { startBenchStack } from './lib/stack';

const full = process.argv.includes('--full');
const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? (full ? 1000 : 200));
const CONCURRENCY = 64;

async function pool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

async function signInAt(url: string, email: string) {
  const agent = request.agent(url);
  const t1 = (await agent.get('/api/csrf-token')).body.csrfToken;
  await agent.post('/api/session').set('x-csrf-token', t1).send({ email, password: PASSWORD }).expect(200);
  const token = (await agent.get('/api/csrf-token')).body.csrfToken;
  return { post: (u: string, body?: object) => agent.post(u).set('x-csrf-token', token).send(body ?? {}) };
}

async function main() {
  const bench = await startBenchStack();
  const { stack } = bench;
  try {
    const database = createDatabase(stack.databaseUrl, 4);
    console.error(`making ${N} candidates…`);
    const f = await createFixture(database.db, { candidates: N });
    await database.close();

    const { url, worker, web } = await bench.startApp();

    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection, namespace: 'results-office' });

    // Ceiling: N workflows that do nothing, started and awaited at the same concurrency.
    const ceilingStart = Date.now();
    await pool(Array.from({ length: N }, (_, i) => i), CONCURRENCY, async (i) => {
      await client.workflow.execute(noopWorkflow, { workflowId: `bench-noop-${process.pid}-${i}`, taskQueue: 'results-office' });
    });
    const ceilingPerSecond = N / ((Date.now() - ceilingStart) / 1000);

    // Warm up Chromium and the code paths with one enquiry, not counted.
    const centre = await signInAt(url, f.officer);
    const board = await signInAt(url, f.boardStaff);
    const workerBefore = processUsage(worker.child.pid!);
    const webBefore = processUsage(web.child.pid!);

    const submittedAt: number[] = [];
    const ackedAt: number[] = [];
    const failures: string[] = [];
    const started = Date.now();
    let lastSubmit = started;
    await pool(f.candidateNumbers, CONCURRENCY, async (candidate, i) => {
      const created = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [candidate], note: `bench ${i}` } });
      if (created.status !== 201) return void failures.push(`create ${created.status} ${JSON.stringify(created.body)}`);
      const id = created.body.enquiryId;
      const sub = await centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] });
      if (sub.status !== 200) return void failures.push(`submit ${sub.status}`);
      submittedAt[i] = Date.now();
      lastSubmit = Math.max(lastSubmit, submittedAt[i]);
      const rec = await board.post(`/api/board/enquiries/${id}/receive`);
      const ack = rec.status === 200 ? await board.post(`/api/board/enquiries/${id}/acknowledge`) : rec;
      if (ack.status !== 200) return void failures.push(`board ${ack.status}`);
      ackedAt[i] = Date.now();
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
    const latencies = ackedAt.map((t, i) => t - submittedAt[i]).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const acked = latencies.length;
    const end = mails.length >= acknowledgedCount ? lastMailAt : finished;
    const ackPerSecond = acked / ((end - started) / 1000);
    const result = {
      settings: { enquiries: N, concurrency: CONCURRENCY, temporal: 'dev server, SQLite file', service: '1' },
      submitPerSecond: Math.round((acked / ((lastSubmit - started) / 1000)) * 10) / 10,
      acknowledgedPerSecond: Math.round(ackPerSecond * 10) / 10,
      noopWorkflowsPerSecond: Math.round(ceilingPerSecond * 10) / 10,
      ratioToCeiling: Math.round((ackPerSecond / ceilingPerSecond) * 100) / 100,
      submitToAcknowledgedMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
      emailsReceived: mails.length,
      failures: failures.length,
      failureSamples: failures.slice(0, 5),
      worker: { cpuSeconds: Math.round((workerAfter.cpuSeconds - workerBefore.cpuSeconds) * 10) / 10, peakRssMiB: workerAfter.peakRssMiB },
      web: { cpuSeconds: Math.round((webAfter.cpuSeconds - webBefore.cpuSeconds) * 10) / 10, peakRssMiB: webAfter.peakRssMiB },
      wallSeconds: Math.round((finished - started) / 100) / 10,
    };
    report('enquiry-burst', result, [
      ['enquiries', N],
      ['submissions accepted / s', result.submitPerSecond],
      ['acknowledged / s', result.acknowledgedPerSecond, '>= 50'],
      ['no-op workflows / s (ceiling)', result.noopWorkflowsPerSecond],
      ['ratio to ceiling', result.ratioToCeiling, '>= 0.5'],
      ['submit -> Ack p50 ms', result.submitToAcknowledgedMs.p50],
      ['submit -> Ack p95 ms', result.submitToAcknowledgedMs.p95],
      ['submit -> Ack p99 ms', result.submitToAcknowledgedMs.p99],
      ['emails received', mails.length, `= ${N}`],
      ['failures', failures.length, '0'],
      ['worker CPU s / peak MiB', `${result.worker.cpuSeconds} / ${result.worker.peakRssMiB}`],
      ['web CPU s / peak MiB', `${result.web.cpuSeconds} / ${result.web.peakRssMiB}`],
    ]);
    await connection.close();
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
