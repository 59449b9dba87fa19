// What candidates and teachers see of results, end to end through the API on real Temporal, PostgreSQL and Chromium
// (RULES.md B5, B6, B7, B9, B10). The app's clock is set either side of the release instant; the statements are read
// back from the PDFs, and the bulk job's zip is opened and checked candidate by candidate.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { like } from 'drizzle-orm';
import request from 'supertest';
import { extractText } from 'unpdf';
import { hashPassword } from '../../api/passwords';
import { candidateAccounts, documents } from '../../db/schema';
import { statementOfResultsWorkflowId, teacherResultPdfsWorkflowId } from '../../workflows/ids';
import { createResultsPortalFixture, PASSWORD, type ResultsPortalFixture } from '../support/resultsPortalFixtures';
import { eventually, recordHistory, signIn, startWorld, type World } from '../support/world';
import { readZip } from '../support/zip';

let world: World;
let url: string;
let now = new Date();
let f: ResultsPortalFixture;

beforeAll(async () => {
  world = await startWorld();
  const { app } = world.createApp({
    clock: () => now,
    teacherPdfPolicy: { batchSize: 50, batchConcurrency: 2, heartbeatTimeoutMs: 60_000 },
  });
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  server.unref();
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  f = await createResultsPortalFixture(world.database.db);
}, 120_000);
afterAll(() => world?.close());
beforeEach(() => {
  now = new Date();
});

/** A candidate signed in with a letter's username and password, through the portal's own sign-in. */
async function candidateSignIn(username: string) {
  const agent = request.agent(url);
  const { body } = await agent.get('/api/csrf-token').expect(200);
  const res = await agent.post('/api/candidates/session').set('x-csrf-token', body.csrfToken).send({ username, password: PASSWORD });
  if (res.status !== 200) throw new Error(`candidate sign-in as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return agent;
}

const pdfText = async (bytes: Buffer) => (await extractText(new Uint8Array(bytes), { mergePages: true })).text;

/** supertest's parser for a binary body: the bytes as they came. */
const binary = (res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('candidates', () => {
  it('[B5] before the centre’s release instant only when results come; from that instant exactly, grades and component marks', async () => {
    const agent = await candidateSignIn(f.candidates[0].futureUsername!);

    now = new Date(f.centreOpensAt.getTime() - 1);
    const before = await agent.get('/api/candidates/me/results').expect(200);
    expect(before.body.series).toHaveLength(1);
    const [waiting] = before.body.series;
    expect(waiting).toMatchObject({ seriesId: f.futureSeriesId, released: false });
    // The board's 07:00 UTC plus this centre's 90 minutes, in the centre's time zone (summer time) and as ISO.
    expect(waiting.availableFrom).toEqual({ at: '2099-08-11T08:30:00.000Z', local: '11 August 2099, 09:30 (Europe/London)', timeZone: 'Europe/London' });
    expect(waiting.message).toBe('Results available from 11 August 2099, 09:30 (Europe/London).');
    expect(waiting.results).toBeUndefined();
    const leaked = JSON.stringify(before.body);
    for (const secret of ['"A"', 'Paper 1', '"mark"', f.maths, 'Shield']) expect(leaked).not.toContain(secret);
    const early = await agent.get(`/api/candidates/me/results/${f.futureSeriesId}/statement`);
    expect(early.status).toBe(403);
    expect(early.body.violations[0]).toMatchObject({ field: 'seriesId', rule: 'B5' });

    now = new Date(f.centreOpensAt.getTime());
    const at = await agent.get('/api/candidates/me/results').expect(200);
    const [open] = at.body.series;
    expect(open.released).toBe(true);
    expect(open.results).toEqual([
      {
        syllabusCode: f.maths,
        syllabusName: 'Mathematics',
        qualificationCode: 'IGCSE',
        qualificationName: 'Cambridge IGCSE',
        grade: 'A',
        components: [
          { code: '11', name: 'Paper 1', mark: 55, maxMark: 80, exempt: false },
          { code: '12', name: 'Multiple Choice', mark: 30, maxMark: 40, exempt: false },
        ],
      },
    ]);

    // And back: a page read at the instant is never shown a millisecond before it.
    now = new Date(f.centreOpensAt.getTime() - 1);
    const again = await agent.get('/api/candidates/me/results').expect(200);
    expect(again.body.series[0].released).toBe(false);
    expect(JSON.stringify(again.body)).not.toContain('Paper 1');
  });

  it('[B5] a registered account sees every series it is entered in, each by its own release instant', async () => {
    const c = f.candidates[3];
    const email = `registered-${c.id}@pupil.example`;
    await world.database.db.insert(candidateAccounts).values({ candidateId: c.id, email, passwordHash: await hashPassword(PASSWORD) });
    const agent = await candidateSignIn(email);
    now = new Date(f.centreOpensAt.getTime() - 1);
    const res = await agent.get('/api/candidates/me/results').expect(200);
    expect(res.body.series.map((s: { seriesId: string; released: boolean }) => [s.seriesId, s.released])).toEqual([
      [f.pastSeriesId, true],
      [f.futureSeriesId, false],
    ]);
  });

  it('[B5] a centre without a delay opens at the board’s release instant, both sides of it', async () => {
    const agent = await candidateSignIn(f.otherCandidates[0].futureUsername!);
    now = new Date(f.futureReleaseAt.getTime() - 1);
    const before = await agent.get('/api/candidates/me/results').expect(200);
    expect(before.body.series[0]).toMatchObject({ released: false, availableFrom: { at: '2099-08-11T07:00:00.000Z', local: '11 August 2099, 15:00 (Asia/Singapore)' } });
    now = new Date(f.futureReleaseAt.getTime());
    const at = await agent.get('/api/candidates/me/results').expect(200);
    expect(at.body.series[0].released).toBe(true);
    expect(at.body.series[0].results[0].grade).toBe('A');
  });

  it('[B5] a letter login opens its own series only; no one but a signed-in candidate gets an answer', async () => {
    const agent = await candidateSignIn(f.candidates[1].pastUsername!);
    const res = await agent.get('/api/candidates/me/results').expect(200);
    expect(res.body.series.map((s: { seriesId: string }) => s.seriesId)).toEqual([f.pastSeriesId]);
    await agent.get(`/api/candidates/me/results/${f.futureSeriesId}/statement`).expect(404);
    await request(url).get('/api/candidates/me/results').expect(401);
    const teacher = await signIn(url, f.teacher, PASSWORD);
    await teacher.get('/api/candidates/me/results').expect(401);
  });

  it('[B7] qualifications not published on the website are not shown; the answer says to contact the centre', async () => {
    const agent = await candidateSignIn(f.candidates[1].pastUsername!);
    const res = await agent.get('/api/candidates/me/results').expect(200);
    const [s] = res.body.series;
    expect(s.released).toBe(true);
    expect(s.results.map((r: { syllabusCode: string }) => r.syllabusCode)).toEqual([f.maths]);
    expect(s.notPublished).toEqual({ qualifications: [f.youngLearnersName], message: expect.stringContaining('contact your centre') });
    const body = JSON.stringify(res.body);
    expect(body).not.toContain(f.youngLearners);
    expect(body).not.toContain('Shield');
  });

  it('[B6] the statement of results PDF has the name, the grades and a graphical profile of the components; the same results reuse it', async () => {
    const c = f.candidates[2];
    const agent = await candidateSignIn(c.pastUsername!);
    const download = async () =>
      agent
        .get(`/api/candidates/me/results/${f.pastSeriesId}/statement`)
        .buffer(true)
        .parse(binary as never)
        .expect(200)
        .expect('Content-Type', 'application/pdf');
    const first = await download();
    const text = await pdfText(first.body as Buffer);
    expect(text).toContain('Statement of results');
    expect(text).toContain(`${c.firstName} ${c.lastName}`);
    expect(text).toContain(c.candidateNumber);
    expect(text).toMatch(new RegExp(`${f.maths}\\s+Mathematics\\s+A`));
    // The chart's own labels (SVG text): its title and each component's percentage of its maximum mark.
    expect(text).toContain('Graphical profile: each component');
    expect(text).toContain(`${f.maths}/11 Paper 1`);
    expect(text).toContain('69%'); // 55 of 80
    expect(text).toContain('75%'); // 30 of 40
    // B7 holds in the PDF too.
    expect(text).not.toContain('Starters');
    expect(text).toContain('contact your centre');

    const second = await download();
    expect(Buffer.compare(second.body as Buffer, first.body as Buffer)).toBe(0);
    const stored = await world.database.db.select({ id: documents.id }).from(documents).where(like(documents.key, `statements/${f.centreNumber}/${f.pastSeriesId}/${c.candidateNumber}-%`));
    expect(stored).toHaveLength(1);
    await recordHistory(world.temporal, statementOfResultsWorkflowId(f.centreNumber, f.pastSeriesId, c.id), 'statement-of-results');
  }, 120_000);
});

describe('teachers', () => {
  const report = (t: Awaited<ReturnType<typeof signIn>>, q: Record<string, string | number>) =>
    t.get(`/api/teacher/report?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString()}`);
  const numbersOf = (body: { candidates: Array<{ candidateNumber: string }> }) => body.candidates.map((c) => c.candidateNumber);

  it('[B9] filters by candidate-number From/To (the same number in both finds one; "713" finds "0713") and by partial names, case-insensitive', async () => {
    const t = await signIn(url, f.teacher, PASSWORD);
    const one = await report(t, { seriesId: f.pastSeriesId, from: '713', to: '713' }).expect(200);
    expect(one.body.total).toBe(1);
    expect(one.body.candidates).toEqual([expect.objectContaining({ candidateNumber: '0713', firstName: 'Zelda', lastName: 'Quartermain' })]);

    const range = await report(t, { seriesId: f.pastSeriesId, from: '0002', to: '4' }).expect(200);
    expect(numbersOf(range.body)).toEqual(['0002', '0003', '0004']);

    expect(numbersOf((await report(t, { seriesId: f.pastSeriesId, name: 'zEL' }).expect(200)).body)).toEqual(['0713']);
    expect(numbersOf((await report(t, { seriesId: f.pastSeriesId, name: 'mcdon' }).expect(200)).body)).toEqual(['0001']);
    expect(numbersOf((await report(t, { seriesId: f.pastSeriesId, name: 'QUARTERMAIN' }).expect(200)).body)).toEqual(['0713']);
    expect(numbersOf((await report(t, { seriesId: f.pastSeriesId, name: 'mary mcdonald' }).expect(200)).body)).toEqual(['0001']);
    expect(numbersOf((await report(t, { seriesId: f.pastSeriesId, name: 'a', from: 1, to: 3 }).expect(200)).body)).toEqual(['0001', '0003']);
    // A wildcard typed by the teacher is a character, not a pattern.
    expect((await report(t, { seriesId: f.pastSeriesId, name: '%' }).expect(200)).body.total).toBe(0);

    const bad = await report(t, { seriesId: f.pastSeriesId, from: 'abc', to: '2' });
    expect(bad.status).toBe(400);
    expect(bad.body.violations).toEqual([expect.objectContaining({ field: 'from', rule: 'B9' })]);
    const reversed = await report(t, { seriesId: f.pastSeriesId, from: '9', to: '2' });
    expect(reversed.status).toBe(400);
    expect(reversed.body.violations).toEqual([expect.objectContaining({ field: 'to', rule: 'B9' })]);
  });

  it('[B9] only the teacher’s own centre’s candidates, sorted by a whitelisted column and paged with the total', async () => {
    const t = await signIn(url, f.teacher, PASSWORD);
    const all = await report(t, { seriesId: f.pastSeriesId, limit: 200 }).expect(200);
    expect(all.body.total).toBe(f.candidates.length);
    expect(numbersOf(all.body).sort()).toEqual(f.candidates.map((c) => c.candidateNumber).sort());
    expect(JSON.stringify(all.body)).not.toContain('Otherside');
    expect((await report(t, { seriesId: f.pastSeriesId, name: 'otherside' }).expect(200)).body.total).toBe(0);

    const other = await signIn(url, f.otherTeacher, PASSWORD);
    const theirs = await report(other, { seriesId: f.pastSeriesId, from: 713, to: 713 }).expect(200);
    expect(theirs.body.total).toBe(1);
    expect((await report(other, { seriesId: f.pastSeriesId, limit: 200 }).expect(200)).body.total).toBe(f.otherCandidates.length);

    const byLast = await report(t, { seriesId: f.pastSeriesId, sort: 'lastName', order: 'desc', limit: 200 }).expect(200);
    const lasts = (byLast.body.candidates as Array<{ lastName: string }>).map((c) => c.lastName.toLowerCase());
    expect(lasts).toEqual([...lasts].sort().reverse());
    const page = await report(t, { seriesId: f.pastSeriesId, sort: 'candidateNumber', limit: 3, offset: 3 }).expect(200);
    expect(page.body.total).toBe(f.candidates.length);
    expect(numbersOf(page.body)).toEqual(numbersOf(all.body).slice(3, 6));
    expect((await report(t, { seriesId: f.pastSeriesId, sort: 'password' })).status).toBe(400);
  });

  it('[B9] results in the report obey the release instant (B5) and leave out unpublished qualifications (B7)', async () => {
    const t = await signIn(url, f.teacher, PASSWORD);
    now = new Date(f.centreOpensAt.getTime() - 1);
    const before = await report(t, { seriesId: f.futureSeriesId, from: 713, to: 713 }).expect(200);
    expect(before.body.series).toMatchObject({ released: false, availableFrom: { at: '2099-08-11T08:30:00.000Z' } });
    expect(before.body.candidates[0].results).toBeNull();
    expect(JSON.stringify(before.body)).not.toContain('Paper 1');
    now = new Date(f.centreOpensAt.getTime());
    const after = await report(t, { seriesId: f.futureSeriesId, from: 713, to: 713 }).expect(200);
    expect(after.body.candidates[0].results.map((r: { syllabusCode: string; grade: string }) => [r.syllabusCode, r.grade])).toEqual([[f.maths, 'A']]);
    expect(after.body.candidates[0].notPublished.qualifications).toEqual([f.youngLearnersName]);
    now = new Date(f.centreOpensAt.getTime() - 1);
    const early = await t.post('/api/teacher/result-pdfs', { seriesId: f.futureSeriesId });
    expect(early.status).toBe(422);
    expect(early.body.violations[0]).toMatchObject({ rule: 'B5' });
  });

  it('[B10] bulk result PDFs for the filtered candidates: a background job with progress and one zip, only for the teacher’s centre', async () => {
    const t = await signIn(url, f.teacher, PASSWORD);
    const started = await t.post('/api/teacher/result-pdfs', { seriesId: f.pastSeriesId, from: '1', to: '3' }).expect(202);
    expect(started.body.total).toBe(3);
    const done = await eventually(async () => {
      const p = await t.get(started.body.progressUrl).expect(200);
      return p.body.job.phase === 'completed' ? p.body : undefined;
    }, 120_000);
    expect(done).toMatchObject({ percent: 100, job: { total: 3, done: 3 } });
    const zip = await t.get(done.fileUrl).buffer(true).parse(binary as never).expect(200).expect('Content-Type', 'application/zip');
    const files = readZip(zip.body as Buffer);
    expect(files.map((e) => e.name)).toEqual(['0001.pdf', '0002.pdf', '0003.pdf']);
    const text = await pdfText(files[0].content);
    expect(text).toContain('Mary McDonald');
    expect(text).toContain('69%');

    const other = await signIn(url, f.otherTeacher, PASSWORD);
    await other.get(started.body.progressUrl).expect(404);
    await other.get(done.fileUrl).expect(404);
    expect((await t.post('/api/teacher/result-pdfs', { seriesId: f.pastSeriesId, name: 'nobody-by-this-name' })).status).toBe(422);
    await recordHistory(world.temporal, teacherResultPdfsWorkflowId(f.centreNumber, started.body.jobId), 'teacher-result-pdfs');
  }, 180_000);

  it('[B10] no 300 cap: 320 candidates become one zip with exactly those candidates, one PDF each', async () => {
    const big = await createResultsPortalFixture(world.database.db, { candidates: 320, logins: 0 });
    const t = await signIn(url, big.teacher, PASSWORD);
    const started = await t.post('/api/teacher/result-pdfs', { seriesId: big.pastSeriesId }).expect(202);
    expect(started.body.total).toBe(320);
    const seen = new Set<number>();
    const done = await eventually(async () => {
      const p = await t.get(started.body.progressUrl).expect(200);
      seen.add(p.body.job.done);
      return p.body.job.phase === 'completed' ? p.body : undefined;
    }, 600_000);
    expect(done.job).toMatchObject({ total: 320, done: 320, batches: 7, file: { pdfs: 320 } });
    const zip = await t.get(done.fileUrl).buffer(true).parse(binary as never).expect(200);
    expect((zip.body as Buffer).length).toBe(done.job.file.sizeBytes);
    const files = readZip(zip.body as Buffer);
    expect(files.map((e) => e.name).sort()).toEqual(big.candidates.map((c) => `${c.candidateNumber}.pdf`).sort());
    for (const i of [0, 160, 319]) {
      const c = big.candidates.find((x: { candidateNumber: string }) => `${x.candidateNumber}.pdf` === files[i].name)!;
      expect(await pdfText(files[i].content)).toContain(`${c.firstName} ${c.lastName}`);
    }
  }, 660_000);
});
