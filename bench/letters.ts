// Letter generation (issue 5): N candidates of one centre get credentials and letters end to end (HTTP request ->
// resultsAccess workflow -> batch activities -> one PDF and one zip stored), with the worker and the web app as their
// own processes, against the floor measured in the same run: hashing N passwords alone, same argon2id parameters,
// same concurrency. Also: the worker's peak memory, Chromium's, and what one page.pdf() per letter would cost.
//
//   npx tsx bench/letters.ts --candidates 1000
//   npx tsx bench/letters.ts --candidates 10000
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { chromium } from 'playwright-core';
import request from 'supertest';
import { generatePassword } from '../activities/credentials';
import { createLetterFileStore } from '../activities/letterFiles';
import { createLimiter, defaultHashConcurrency } from '../activities/resultsAccess';
import { parsePdf, singlePagePdf } from '../activities/letters/pdfPages';
import { CHROMIUM_ARGS } from '../activities/letters/renderer';
import { renderLetterHtml } from '../activities/letters/templates';
import { ARGON2_OPTIONS } from '../api/passwords';
import { DEFAULT_RESULTS_ACCESS_POLICY } from '../api/routes/resultsAccess';
import { createDatabase } from '../db/client';
import { credentials } from '../db/schema';
import { createAccessFixture, PASSWORD } from '../test/support/accessFixtures';
import { readZip } from '../test/support/zip';
import { processUsage, report } from './lib/report';
import { startBenchStack } from './lib/stack';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return v === undefined ? fallback : Number(v);
};
const N = arg('candidates', 1000);
const HASH_CONCURRENCY = arg('hash-concurrency', defaultHashConcurrency());
const BATCH_SIZE = arg('batch-size', DEFAULT_RESULTS_ACCESS_POLICY.batchSize);
const BATCH_CONCURRENCY = arg('batch-concurrency', DEFAULT_RESULTS_ACCESS_POLICY.batchConcurrency);
/** Letters printed one page.pdf() each, for the comparison (extrapolated to N). */
const SEPARATE = Math.min(N, arg('separate', 200));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The floor: N argon2id hashes of fresh passwords, same parameters and concurrency as the worker. */
async function hashFloor(n: number, concurrency: number): Promise<{ seconds: number; cpuSeconds: number }> {
  const slot = createLimiter(concurrency);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: n }, () => slot(() => hash(generatePassword(), ARGON2_OPTIONS))));
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Every process below `pid` (Chromium's, for the worker), for their resident memory. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}
/** CPU seconds used so far by a process, or 0 once it is gone. */
const cpuSeconds = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(stat[11]) + Number(stat[12])) / 100;
  } catch {
    return 0;
  }
};
/** Busy CPU seconds of the whole machine (all processes, ours and anyone else's). */
const machineBusySeconds = () => {
  const [, ...f] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const v = f.map(Number);
  return (v.reduce((a, b) => a + b, 0) - v[3] - v[4]) / 100;
};
const rssMiB = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};
/** Proportional set size: a process's share of memory, shared pages split between their users (sums fairly). */
const pssMiB = (pid: number) => {
  try {
    return Number(/Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

/** What the old way costs: one page.pdf() per letter, against one page.pdf() for many letters split afterwards. */
async function renderingComparison(m: number) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const letter = (i: number) => ({ candidateName: `Ada Tester${i}`, candidateNumber: String(i).padStart(4, '0'), username: `amber-heron-${1000 + i}`, password: generatePassword() });
    const html = (letters: ReturnType<typeof letter>[]) =>
      renderLetterHtml('candidateResultsLetters', {
        centreName: 'Bench Centre', centreNumber: 'B0001', seriesName: 'June bench', websiteUrl: 'http://localhost:3000/results', opensOn: '11 August 2099, 08:00 (Europe/London)',
        issuedOn: '22 November 2026', reissue: false, contactName: 'Quinn Query', contactTelephone: '+44 20 7946 0000', contactEmail: 'queries@centre.example', letters,
      });
    const pdfOptions = { format: 'A4' as const, printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' } };
    const page = await browser.newPage();
    await page.setContent(html([letter(0)]));
    await page.pdf(pdfOptions); // warm up
    let started = performance.now();
    for (let i = 0; i < m; i++) {
      await page.setContent(html([letter(i)]), { waitUntil: 'load' });
      await page.pdf(pdfOptions);
    }
    const separateMs = (performance.now() - started) / m;
    started = performance.now();
    await page.setContent(html(Array.from({ length: m }, (_, i) => letter(i))), { waitUntil: 'load' });
    const one = await page.pdf(pdfOptions);
    const batchMs = (performance.now() - started) / m;
    started = performance.now();
    const parsed = await parsePdf(one);
    for (let i = 0; i < parsed.pages.length; i++) singlePagePdf(parsed, i);
    const splitMs = (performance.now() - started) / m;
    return { letters: m, separatePagePdfMsPerLetter: round(separateMs), onePagePdfMsPerLetter: round(batchMs), splitMsPerLetter: round(splitMs) };
  } finally {
    await browser.close();
  }
}

async function main() {
  const bench = await startBenchStack();
  const { stack } = bench;
  try {
    const database = createDatabase(stack.databaseUrl, 4);
    console.error(`making ${N} candidates…`);
    const f = await createAccessFixture(database.db, { candidates: N });

    // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker.
    const { url, worker } = await bench.startApp({
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      LETTER_HASH_CONCURRENCY: String(HASH_CONCURRENCY),
      LETTER_BATCH_SIZE: String(BATCH_SIZE),
      LETTER_BATCH_CONCURRENCY: String(BATCH_CONCURRENCY),
    }, process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean));

    const agent = request.agent(url);
    const t1 = (await agent.get('/api/csrf-token')).body.csrfToken;
    await agent.post('/api/session').set('x-csrf-token', t1).send({ email: f.officer, password: PASSWORD }).expect(200);
    const token = (await agent.get('/api/csrf-token')).body.csrfToken;

    // The floor, before the generation (nothing else running).
    console.error(`floor: hashing ${N} passwords, ${HASH_CONCURRENCY} at a time…`);
    const loadBefore = os.loadavg()[0];
    const floorBefore = await hashFloor(N, HASH_CONCURRENCY);

    // The generation, end to end through the API; memory sampled throughout.
    const workerPid = worker.child.pid!;
    const before = processUsage(workerPid);
    let chromiumPeakMiB = 0;
    let workerPeakSampledMiB = 0;
    const chromiumCpu = new Map<number, number>();
    const chromiumBefore = new Map(descendants(workerPid).map((p) => [p, cpuSeconds(p)]));
    const busyBefore = machineBusySeconds();
    const sampler = setInterval(() => {
      workerPeakSampledMiB = Math.max(workerPeakSampledMiB, rssMiB(workerPid));
      const kids = descendants(workerPid);
      chromiumPeakMiB = Math.max(chromiumPeakMiB, kids.reduce((sum, p) => sum + pssMiB(p), 0));
      for (const p of kids) chromiumCpu.set(p, cpuSeconds(p) - (chromiumBefore.get(p) ?? 0));
    }, 250);
    console.error(`generating ${N} letters…`);
    const started = performance.now();
    const set = await agent.put(`/api/results-access/series/${f.seriesId}/access`).set('x-csrf-token', token).send({ mode: 'ALL', agreement: true, contact: { name: 'Quinn Query', telephone: '+44 20 7946 0000' } });
    if (set.status !== 200) throw new Error(`PUT access: ${set.status} ${JSON.stringify(set.body)}`);
    let progress: { status: string; done: number; total: number; files: Array<{ kind: string; sizeBytes: number }> };
    let lastPrinted = 0;
    for (;;) {
      progress = (await agent.get(`/api/results-access/series/${f.seriesId}/progress`)).body;
      if (progress.status === 'done') break;
      if (performance.now() - lastPrinted > 10_000) {
        lastPrinted = performance.now();
        console.error(`  ${progress.status} ${progress.done}/${progress.total}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const generationSeconds = (performance.now() - started) / 1000;
    const busySeconds = machineBusySeconds() - busyBefore;
    clearInterval(sampler);
    for (const p of descendants(workerPid)) chromiumCpu.set(p, cpuSeconds(p) - (chromiumBefore.get(p) ?? 0));
    const chromiumCpuSeconds = [...chromiumCpu.values()].reduce((a, b) => a + b, 0);
    const after = processUsage(workerPid);

    // The floor again, after (the machine may have warmed up or slowed down); the stricter one counts.
    const floorAfter = await hashFloor(N, HASH_CONCURRENCY);
    const floor = Math.min(floorBefore.seconds, floorAfter.seconds);
    const floorCpu = Math.min(floorBefore.cpuSeconds, floorAfter.cpuSeconds);

    // Check the result is whole: N active logins, N pages, N PDFs in the zip.
    const [logins] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(credentials)
      .where(and(eq(credentials.centreNumber, f.centreNumber), eq(credentials.seriesId, f.seriesId), isNull(credentials.revokedAt)));
    const files = createLetterFileStore(database.db);
    const read = async (kind: 'pdf' | 'zip') => {
      const file = (await files.find(f.centreNumber, f.seriesId, 1, kind))!;
      const parts: Buffer[] = [];
      for await (const c of files.read(file)) parts.push(c);
      return Buffer.concat(parts);
    };
    const pdfBytes = await read('pdf');
    const zipBytes = await read('zip');
    const pdfPages = (await PDFDocument.load(pdfBytes, { updateMetadata: false })).getPageCount();
    const zipEntries = readZip(zipBytes).length;
    if (process.env.BENCH_SAVE_DIR) {
      fs.writeFileSync(path.join(process.env.BENCH_SAVE_DIR, 'letters.pdf'), pdfBytes);
      fs.writeFileSync(path.join(process.env.BENCH_SAVE_DIR, 'letters.zip'), zipBytes);
    }
    await database.close();

    console.error('comparison: one page.pdf() per letter…');
    const comparison = await renderingComparison(SEPARATE);
    const ratio = generationSeconds / floor;
    const sizes = Object.fromEntries(progress.files.map((x) => [x.kind, Math.round(x.sizeBytes / 1024 / 1024 * 10) / 10]));
    const result = {
      settings: { candidates: N, batchSize: BATCH_SIZE, batchConcurrency: BATCH_CONCURRENCY, hashConcurrency: HASH_CONCURRENCY, argon2: `argon2id m=${ARGON2_OPTIONS.memoryCost} KiB t=${ARGON2_OPTIONS.timeCost} p=${ARGON2_OPTIONS.parallelism}` },
      generationSeconds: round(generationSeconds),
      floorSeconds: round(floor),
      floorRuns: [round(floorBefore.seconds), round(floorAfter.seconds)],
      ratio: round(ratio),
      /**
       * The same comparison in CPU time, which other work on the machine disturbs much less than wall time: the
       * CPU the generation took in the worker and its Chromium (not counting PostgreSQL and Temporal) over the
       * CPU of hashing alone. On an idle machine whose cores are all busy, the wall-time ratio tends to this.
       */
      floorCpuSeconds: round(floorCpu, 1),
      cpuRatio: round((after.cpuSeconds - before.cpuSeconds + chromiumCpuSeconds) / floorCpu),
      worker: { peakRssMiB: after.peakRssMiB, sampledPeakRssMiB: Math.round(workerPeakSampledMiB), cpuSeconds: round(after.cpuSeconds - before.cpuSeconds, 1) },
      chromiumPeakPssMiB: Math.round(chromiumPeakMiB),
      chromiumCpuSeconds: round(chromiumCpuSeconds, 1),
      /** Every process on the machine during the generation, ours or not, against cores x wall time. */
      machineBusyCpuSeconds: round(busySeconds, 1),
      machineCpuSecondsAvailable: round(generationSeconds * os.cpus().length, 1),
      output: { activeLogins: logins.n, pdfPages, zipEntries, pdfMiB: sizes.pdf, zipMiB: sizes.zip },
      perLetterComparison: {
        ...comparison,
        separatePagePdfSecondsForN: round((comparison.separatePagePdfMsPerLetter * N) / 1000, 1),
        onePagePdfAndSplitSecondsForN: round(((comparison.onePagePdfMsPerLetter + comparison.splitMsPerLetter) * N) / 1000, 1),
      },
      // Other work on the machine skews both figures; the 1-minute load average says how busy it was.
      loadAverage: { before: round(loadBefore), after: round(os.loadavg()[0]) },
      goals: { ratioAtMost: 1.3, workerPeakUnderMiB: 1536, metHere: ratio <= 1.3 && after.peakRssMiB < 1536 },
    };
    const written = report('letters', result, [
      ['candidates', N],
      ['generation s (end to end)', result.generationSeconds],
      ['floor s (hash N alone)', `${result.floorSeconds} (${result.floorRuns.join(' / ')})`],
      ['CPU ratio (worker + Chromium CPU / hashing CPU)', `${result.cpuRatio} (${result.floorCpuSeconds} CPU s alone)`],
      ['ratio', result.ratio, '<= 1.3 at 10,000'],
      ['load average before / after', `${result.loadAverage.before} / ${result.loadAverage.after}`],
      ['worker peak RSS MiB', result.worker.peakRssMiB, '< 1536'],
      ['Chromium peak MiB (PSS, all its processes)', result.chromiumPeakPssMiB],
      ['CPU s: worker / Chromium / whole machine', `${result.worker.cpuSeconds} / ${result.chromiumCpuSeconds} / ${result.machineBusyCpuSeconds} of ${result.machineCpuSecondsAvailable}`],
      ['logins / PDF pages / zip entries', `${logins.n} / ${pdfPages} / ${zipEntries}`, `${N} each`],
      ['PDF MiB / zip MiB', `${sizes.pdf} / ${sizes.zip}`],
      [`page.pdf() per letter, ms (${SEPARATE} letters)`, comparison.separatePagePdfMsPerLetter],
      ['one page.pdf() for all, ms per letter', comparison.onePagePdfMsPerLetter],
      ['split into single PDFs, ms per letter', comparison.splitMsPerLetter],
      [`separate page.pdf() for ${N}, s (extrapolated)`, result.perLetterComparison.separatePagePdfSecondsForN],
    ]);
    // Also kept by size, so the 1,000 and 10,000 runs of a day both stay (bench/results/letters-<N>-<date>.json).
    fs.copyFileSync(written, written.replace(/letters-(\d{4}-\d{2}-\d{2})\.json$/, `letters-${N}-$1.json`));
    if (logins.n !== N || pdfPages !== N || zipEntries !== N) throw new Error('the result is not whole');
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
