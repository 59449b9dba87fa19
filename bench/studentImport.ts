// Student CSV import (issue 7): one valid CSV of N students uploaded through the HTTP API, streamed into PostgreSQL,
// every row validated against the exam-entry data, the accounts created with their activation codes and their
// welcome emails queued in the outbox: the studentImport workflow on a Temporal dev server with its SQLite file, the
// worker and the web app as their own processes. Beside it, the floor: PostgreSQL's COPY of the same file into a
// table of the same columns. After the measured part, the emails' sending rate is sampled for a few seconds.
//
//   npx tsx bench/studentImport.ts --rows 10000     # default 10,000 rows
//   npx tsx bench/studentImport.ts --full           # 100,000 rows (the goal: under 15 s)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDatabase } from '../db/client';
import { createFixture, PASSWORD } from '../test/support/fixtures';
import { studentImportWorkflowId } from '../workflows/ids';
import * as messages from '../workflows/messages';
import type { StudentImportProgress } from '../workflows/studentTypes';
import { processUsage, report } from './lib/report';
import { startBenchStack } from './lib/stack';

const full = process.argv.includes('--full');
const rowsArg = process.argv.indexOf('--rows');
const N = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : full ? 100_000 : 10_000;
const SEND_SAMPLE_SECONDS = Number(process.argv.find((a) => a.startsWith('--send-seconds='))?.slice(15) ?? 10);

/** Cookies kept by hand: the web process is a real server, reached with fetch. */
class Session {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  private remember(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async token(): Promise<string> {
    const res = await fetch(`${this.base}/api/csrf-token`, { headers: { cookie: this.header() } });
    this.remember(res);
    return ((await res.json()) as { csrfToken: string }).csrfToken;
  }
  async request(method: string, url: string, init: { body?: BodyInit; headers?: Record<string, string>; duplex?: 'half' } = {}) {
    const token = await this.token();
    const res = await fetch(`${this.base}${url}`, { method, ...init, headers: { cookie: this.header(), 'x-csrf-token': token, ...init.headers } } as RequestInit);
    this.remember(res);
    return res;
  }
}

async function main() {
  const bench = await startBenchStack();
  const { stack, dataDir } = bench;
  try {
    const database = createDatabase(stack.databaseUrl, 4);
    const f = await createFixture(database.db, { candidates: 1 });
    console.error(`making ${N} students entered for exams…`);
    // Students as exam entries: candidates with one entry each, made in SQL (the floor of the setup, not measured).
    await database.sql`
      insert into candidates (centre_number, candidate_number, number_value, uci, first_name, last_name, date_of_birth)
      select ${f.centreNumber}, lpad((1000 + i)::text, 6, '0'), 1000 + i, ${f.centreNumber} || 'B' || i, 'Forename' || i, 'Surname' || i,
             date '2008-09-01' + (i % 365)
      from generate_series(1, ${N}) as i`;
    await database.sql`
      insert into entries (candidate_id, syllabus_code, series_id, grade)
      select id, ${f.maths}, ${f.seriesId}, 'C' from candidates where centre_number = ${f.centreNumber} and number_value >= 1000`;
    await database.sql`analyze candidates`;
    await database.sql`analyze entries`;

    // The CSV, written as the centre would (UK dates), streamed to a file.
    const csvFile = path.join(dataDir, 'students.csv');
    const out = fs.createWriteStream(csvFile);
    out.write('candidate_number,uci,forename,surname,date_of_birth,email,school_year\r\n');
    const day0 = Date.UTC(2008, 8, 1);
    for (let i = 1; i <= N; i++) {
      const d = new Date(day0 + (i % 365) * 86_400_000);
      const dob = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
      const line = `${String(1000 + i).padStart(6, '0')},${f.centreNumber}B${i},Forename${i},Surname${i},${dob},student${i}@bench-pupils.example,Year 11\r\n`;
      if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve) => out.end(resolve));
    const fileBytes = fs.statSync(csvFile).size;

    // Floor: PostgreSQL's COPY of the same file into a table of the same columns.
    await database.sql`create unlogged table if not exists bench_copy_floor (candidate_number text, uci text, forename text, surname text, date_of_birth text, email text, school_year text)`;
    const copyStart = performance.now();
    const { pipeline } = await import('node:stream/promises');
    const copy = await database.sql`copy bench_copy_floor from stdin with (format csv, header true)`.writable();
    await pipeline(fs.createReadStream(csvFile), copy);
    const copySeconds = (performance.now() - copyStart) / 1000;
    await database.sql`drop table bench_copy_floor`;

    const { url, worker, web } = await bench.startApp();
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection, namespace: 'results-office' });

    const officer = new Session(url);
    const signIn = await officer.request('POST', '/api/session', { body: JSON.stringify({ email: f.officer, password: PASSWORD }), headers: { 'content-type': 'application/json' } });
    if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status}`);

    // Warm-up (not counted): one tiny import, so code paths and connections are ready.
    const warm = await officer.request('POST', '/api/student-accounts/imports?consent=true', {
      body: `uci,forename,surname,date_of_birth,email\r\n${f.centreNumber}0001U,Ada,Tester1,01/05/2009,warm@bench-pupils.example\r\n`,
      headers: { 'content-type': 'text/csv' },
    });
    if (warm.status !== 201) throw new Error(`warm-up import: ${warm.status} ${await warm.text()}`);

    const loadBefore = os.loadavg()[0];
    const workerBefore = processUsage(worker.child.pid!);
    const webBefore = processUsage(web.child.pid!);
    const [{ id: warmId }] = await database.sql<Array<{ id: string }>>`select id from student_imports where centre_number = ${f.centreNumber}`;
    const started = performance.now();
    // The web answers when the import is done or after its wait (10 s): the clock here does not wait for the answer,
    // it follows the workflow from the moment its first write appears.
    const uploading = officer.request('POST', `/api/student-accounts/imports?consent=true&filename=bench.csv`, {
      body: fs.createReadStream(csvFile) as unknown as BodyInit,
      headers: { 'content-type': 'text/csv' },
      duplex: 'half',
    });
    uploading.catch(() => undefined);
    let importId: string | undefined;
    while (!importId) {
      [{ id: importId } = { id: undefined as unknown as string }] = await database.sql<Array<{ id: string }>>`select id from student_imports where centre_number = ${f.centreNumber} and id <> ${warmId}`;
      if (!importId) await new Promise((r) => setTimeout(r, 20));
    }
    const answered = performance.now();
    const handle = client.workflow.getHandle(studentImportWorkflowId(f.centreNumber, importId));

    // Phases as the workflow reports them, polled every 50 ms.
    const at: Record<string, number> = {};
    let last: StudentImportProgress | null = null;
    for (;;) {
      const p = await handle.query(messages.studentImportProgressQuery).catch(() => null);
      if (p) {
        last = p;
        at[p.phase] ??= performance.now();
        if (p.phase === 'sending' || p.phase === 'completed' || p.phase === 'rejected') break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const queued = performance.now();
    const workerAfter = processUsage(worker.child.pid!);
    const webAfter = processUsage(web.child.pid!);
    if (last?.phase === 'rejected') throw new Error(`import rejected: ${JSON.stringify(last)}`);

    const [counts] = await database.sql<Array<{ accounts: number; codes: number; queued: number }>>`
      select (select count(*)::int from student_accounts where created_by_job = ${importId}::uuid) as accounts,
             (select count(*)::int from student_activation_codes c join student_accounts a on a.id = c.account_id where a.created_by_job = ${importId}::uuid) as codes,
             (select count(*)::int from outbox where business_key like 'student-account:%' and to_address like '%@bench-pupils.example' and to_address <> 'warm@bench-pupils.example') as queued`;

    // The emails then go out in the background; sample the sending rate.
    const sent = async () =>
      (await database.sql<Array<{ n: number }>>`select count(*)::int as n from outbox where sent_at is not null and to_address like '%@bench-pupils.example'`)[0].n;
    const sendStart = performance.now();
    const sentBefore = await sent();
    await new Promise((r) => setTimeout(r, SEND_SAMPLE_SECONDS * 1000));
    const sendRate = ((await sent()) - sentBefore) / ((performance.now() - sendStart) / 1000);
    const upload = await uploading;
    if (upload.status !== 201 && upload.status !== 202) throw new Error(`upload: ${upload.status} ${(await upload.text()).slice(0, 500)}`);

    // Where the time went: each activity type's attempts, summed run time and span, from the workflow's history.
    const history = await handle.fetchHistory();
    const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
    const scheduled = new Map<number, { type: string; at: number }>();
    const startedAt = new Map<number, number>();
    const activities: Record<string, { count: number; runSeconds: number; first: number; last: number }> = {};
    for (const e of history.events ?? []) {
      const id = Number(e.eventId);
      if (e.activityTaskScheduledEventAttributes) scheduled.set(id, { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at: ms(e.eventTime) });
      if (e.activityTaskStartedEventAttributes) startedAt.set(Number(e.activityTaskStartedEventAttributes.scheduledEventId), ms(e.eventTime));
      const done = e.activityTaskCompletedEventAttributes;
      if (done) {
        const sid = Number(done.scheduledEventId);
        const sch = scheduled.get(sid)!;
        const a = (activities[sch.type] ??= { count: 0, runSeconds: 0, first: Infinity, last: 0 });
        a.count += 1;
        a.runSeconds += (ms(e.eventTime) - (startedAt.get(sid) ?? sch.at)) / 1000;
        a.first = Math.min(a.first, sch.at);
        a.last = Math.max(a.last, ms(e.eventTime));
      }
    }
    const breakdown = Object.fromEntries(
      Object.entries(activities).map(([k, a]) => [k, { count: a.count, runSeconds: Math.round(a.runSeconds * 100) / 100, spanSeconds: Math.round((a.last - a.first) / 10) / 100 }]),
    );
    console.error(JSON.stringify(breakdown, null, 1));

    const s = (a: number, b: number) => Math.round((b - a) / 10) / 100;
    const wall = s(started, queued);
    const result = {
      loadAverage1m: { before: Math.round(loadBefore * 100) / 100, after: Math.round(os.loadavg()[0] * 100) / 100, cores: os.cpus().length },
      settings: { rows: N, fileMiB: Math.round((fileBytes / 2 ** 20) * 10) / 10, batchSize: 5000, validateConcurrency: 2, createConcurrency: 2, temporal: 'dev server, SQLite file' },
      importSeconds: wall,
      phases: {
        uploadStoredAndStarted: s(started, answered),
        readAndStaged: at.validating ? s(started, at.validating) : null,
        validated: at.creating ? s(started, at.creating) : null,
        accountsCreatedAndEmailsQueued: wall,
      },
      rowsPerSecond: Math.round(N / wall),
      copyFloorSeconds: Math.round(copySeconds * 100) / 100,
      ratioToCopyFloor: Math.round((wall / copySeconds) * 10) / 10,
      accountsCreated: counts.accounts,
      activationCodes: counts.codes,
      emailsQueued: counts.queued,
      emailsSentPerSecond: Math.round(sendRate * 10) / 10,
      activities: breakdown,
      worker: { cpuSeconds: Math.round((workerAfter.cpuSeconds - workerBefore.cpuSeconds) * 10) / 10, peakRssMiB: workerAfter.peakRssMiB },
      web: { cpuSeconds: Math.round((webAfter.cpuSeconds - webBefore.cpuSeconds) * 10) / 10, peakRssMiB: webAfter.peakRssMiB },
    };
    report(`student-import-${N}`, result, [
      ['rows', N],
      ['file MiB', result.settings.fileMiB],
      ['upload stored, workflow running s', result.phases.uploadStoredAndStarted],
      ['read and staged s', result.phases.readAndStaged ?? '-'],
      ['validated s', result.phases.validated ?? '-'],
      ['accounts created, emails queued s', wall, N === 100_000 ? '< 15' : undefined],
      ['rows / s', result.rowsPerSecond],
      ['PostgreSQL COPY of the file s (floor)', result.copyFloorSeconds],
      ['ratio to COPY', result.ratioToCopyFloor],
      ['accounts / codes / emails queued', `${counts.accounts} / ${counts.codes} / ${counts.queued}`, `= ${N}`],
      ['emails sent / s afterwards (sampled)', result.emailsSentPerSecond],
      ['load average before / after (2 cores)', `${result.loadAverage1m.before} / ${result.loadAverage1m.after}`],
      ['worker CPU s / peak MiB', `${result.worker.cpuSeconds} / ${result.worker.peakRssMiB}`],
      ['web CPU s / peak MiB', `${result.web.cpuSeconds} / ${result.web.peakRssMiB}`],
    ]);
    await connection.close();
    await database.close();
  } finally {
    // The worker is stopped while it still sends the emails: the SMTP sink then sees connections reset, which is
    // expected here and not a failure of the run.
    process.on('uncaughtException', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET') {
        console.error(err);
        process.exit(1);
      }
    });
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
