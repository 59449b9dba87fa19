// Candidate results website administration end to end through the API (RULES.md A1-A13, B11), on real Temporal,
// PostgreSQL and Chromium: the letters are read back from the PDFs and the zip, and every password printed is
// checked against the stored argon2id hash. Small batches (DESIGN rule 4: settings are input) make several batches
// per generation; a worker in its own process is killed mid-generation to prove the result is still whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import request from 'supertest';
import { PASSWORD_ALPHABET, verifyCandidateLogin } from '../../activities/credentials';
import { createMailer } from '../../activities/email/outbox';
import { createPdfRenderer } from '../../activities/letters/renderer';
import type { LetterFaults } from '../../activities/resultsAccess';
import { createApp } from '../../api/app';
import { DEFAULT_ENQUIRY_POLICY } from '../../api/routes/enquiries';
import type { ResultsAccessPolicy } from '../../api/routes/resultsAccess';
import { createLogger } from '../../config/logger';
import { lockOf, recordFailure } from '../../db/signInLocks';
import { credentials, letterBatches, letterFiles, letterGenerationCandidates, outbox, resultsAccess } from '../../db/schema';
import { createWorker } from '../../temporal-config/worker';
import { resultsAccessWorkflowId } from '../../workflows/ids';
import { AccessMode, CentreNumber, SeriesId } from '../../workflows/searchAttributes';
import { createAccessFixture, PASSWORD, type AccessFixture } from '../support/accessFixtures';
import { eventually, recordHistory, signIn, startWorld, type World } from '../support/world';
import { credentialRows, getFile, letterOn, pagesOf } from '../support/letterChecks';
import { readZip } from '../support/zip';

const POLICY: ResultsAccessPolicy = { batchSize: 4, batchConcurrency: 2, heartbeatTimeoutMs: 5_000, maxHistoryEvents: 10_000 };
const contact = { name: 'Quinn Query', telephone: '+44 20 7946 0000', email: 'queries@centre.example' };
const allAccess = { mode: 'ALL', agreement: true, contact, delayMinutes: 0 };
const selectedAccess = { ...allAccess, mode: 'SELECTED' };

let world: World;
let app: World['app'];
let routes: ReturnType<typeof createApp>['routes'];

function makeApp(taskQueue: string, policy: ResultsAccessPolicy) {
  return createApp({
    db: world.database.db,
    temporal: world.temporal,
    taskQueue,
    log: createLogger('test', 'silent'),
    sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
    publicUrl: 'http://localhost:3000',
    enquiryPolicy: DEFAULT_ENQUIRY_POLICY,
    resultsAccessPolicy: policy,
  });
}

beforeAll(async () => {
  world = await startWorld();
  ({ app, routes } = makeApp(world.taskQueue, POLICY));
});
afterAll(() => world?.close());

type Client = Awaited<ReturnType<typeof signIn>>;
const base = (f: AccessFixture, seriesId = f.seriesId) => `/api/results-access/series/${seriesId}`;
const db = () => world.database.db;

async function waitForGeneration(who: Client, f: AccessFixture, generation: number, seen: Array<Record<string, unknown>> = []) {
  return eventually(async () => {
    const res = await who.get(`${base(f)}/progress`);
    if (res.status !== 200) return undefined;
    seen.push(res.body);
    return res.body.generation === generation && (res.body.status === 'done' || res.body.status === 'cancelled') ? res.body : undefined;
  }, 90_000);
}

/** The letters of a generation as printed: the combined PDF's pages and the zip's entries. */
async function lettersOf(who: Client, f: AccessFixture, generation: number) {
  const pdf = await getFile(who, `${base(f)}/letters/${generation}/pdf`);
  expect(pdf.status).toBe(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  const zip = await getFile(who, `${base(f)}/letters/${generation}/zip`);
  expect(zip.status).toBe(200);
  expect(zip.headers['content-type']).toBe('application/zip');
  const pages = (await pagesOf(pdf.body as Buffer)).map((text) => ({ text, ...letterOn(text) }));
  const entries = await Promise.all(
    readZip(zip.body as Buffer).map(async (e) => {
      const single = await pagesOf(e.content);
      return { name: e.name, pages: single.length, ...letterOn(single[0]) };
    }),
  );
  return { pages, entries };
}

/** Every printed password is the one whose hash is stored for that candidate, and logins work with it. */
async function expectLettersMatchCredentials(f: AccessFixture, letters: Array<{ candidateNumber: string | null; username: string | null; password: string | null }>) {
  const rows = new Map((await credentialRows(db(), f)).map((r) => [r.number, r]));
  for (const l of letters) {
    const row = rows.get(l.candidateNumber!);
    expect(row).toBeDefined();
    expect(l.username).toBe(row!.username);
    expect(await verify(row!.hash, l.password!)).toBe(true);
    expect((await verifyCandidateLogin(db(), ` ${l.username!.toUpperCase()} `, l.password!)).ok).toBe(true);
  }
}

describe('choosing who has access', () => {
  it('[A3] [A1] [A2] the series list shows "NO candidates have access", which series can be configured and from when', async () => {
    const f = await createAccessFixture(db());
    const officer = await signIn(app, f.officer, PASSWORD);
    const list = await officer.get('/api/results-access/series').expect(200);
    const byId = (id: string) => list.body.series.find((s: { seriesId: string }) => s.seriesId === id);
    expect(byId(f.seriesId)).toEqual(expect.objectContaining({ configured: false, mode: 'NO', summary: 'NO candidates have access', canConfigure: true, enteredCandidates: 6 }));
    expect(byId(f.noEntrySeriesId)).toEqual(expect.objectContaining({ canConfigure: false, reason: expect.stringContaining('[A1]') }));
    expect(byId(f.notYetOpenSeriesId)).toEqual(expect.objectContaining({ canConfigure: false, reason: 'Credential generation opens on 1 January 2099. [A2]' }));

    // A3: the administration of a series never configured.
    const admin = await officer.get(base(f)).expect(200);
    expect(admin.body.state).toEqual(expect.objectContaining({ configured: false, mode: 'NO', summary: 'NO candidates have access' }));

    // A1: a series without a valid entry is refused with a reason, and nothing starts.
    const noEntry = await officer.get(base(f, f.noEntrySeriesId));
    expect(noEntry.status).toBe(422);
    expect(noEntry.body.violations).toEqual([expect.objectContaining({ rule: 'A1', field: 'seriesId' })]);
    const refusedA1 = await officer.put(`${base(f, f.noEntrySeriesId)}/access`, allAccess);
    expect(refusedA1.status).toBe(422);
    expect(refusedA1.body.violations[0].rule).toBe('A1');

    // A2: before the opening date the page says when it opens, and nothing can be generated.
    const early = await officer.get(base(f, f.notYetOpenSeriesId)).expect(200);
    expect(early.body).toEqual(expect.objectContaining({ open: false, message: `Credential generation for Not yet open ${f.seriesId.slice(2)} opens on 1 January 2099.` }));
    expect(early.body.state.summary).toBe('NO candidates have access');
    const refusedA2 = await officer.put(`${base(f, f.notYetOpenSeriesId)}/access`, allAccess);
    expect(refusedA2.status).toBe(422);
    expect(refusedA2.body.violations).toEqual([expect.objectContaining({ rule: 'A2', field: 'seriesId' })]);
    await expect(world.temporal.workflow.getHandle(resultsAccessWorkflowId(f.centreNumber, f.notYetOpenSeriesId)).describe()).rejects.toThrow();
    await expect(world.temporal.workflow.getHandle(resultsAccessWorkflowId(f.centreNumber, f.noEntrySeriesId)).describe()).rejects.toThrow();
    expect(await db().select().from(credentials).where(eq(credentials.centreNumber, f.centreNumber))).toHaveLength(0);
  });

  it('[A4] [A5] [A6] a bad choice is refused naming the field and the rule, and nothing starts', async () => {
    const f = await createAccessFixture(db());
    const officer = await signIn(app, f.officer, PASSWORD);
    const url = `${base(f)}/access`;
    const rulesOf = async (body: object) => {
      const res = await officer.put(url, body);
      expect(res.status).toBe(422);
      return res.body.violations.map((v: { rule: string; field: string }) => `${v.rule} ${v.field}`).sort();
    };
    expect(await rulesOf({ ...allAccess, mode: 'SOME' })).toEqual(['A4 mode']);
    expect(await rulesOf({ mode: 'ALL' })).toEqual(['A5 agreement', 'A5 contact', 'A5 contact.name']);
    expect(await rulesOf({ ...allAccess, agreement: false })).toEqual(['A5 agreement']);
    expect(await rulesOf({ ...allAccess, contact: { name: 'Quinn Query', telephone: 'call me', email: 'not-an-email' } })).toEqual(['A5 contact.email', 'A5 contact.telephone']);
    expect(await rulesOf({ ...selectedAccess, contact: { name: 'Quinn Query' } })).toEqual(['A5 contact']);
    expect(await rulesOf({ ...allAccess, delayMinutes: -5 })).toEqual(['A6 delayMinutes']);
    expect(await rulesOf({ ...allAccess, delayMinutes: 90 * 24 * 60 })).toEqual(['A6 delayMinutes']);
    const wrongType = await officer.put(url, { ...allAccess, agreement: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.violations).toEqual([expect.objectContaining({ field: 'agreement' })]);
    // Either contact detail on its own is enough (A5).
    const emailOnly = await officer.put(url, { ...selectedAccess, contact: { name: 'Quinn Query', email: 'queries@centre.example' } });
    expect(emailOnly.status).toBe(200);
    expect(emailOnly.body.contact).toEqual({ name: 'Quinn Query', telephone: null, email: 'queries@centre.example' });
    // Refused choices changed nothing: the one accepted is the only one in the timeline.
    expect(emailOnly.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['access-set']);
  });
});

describe('ALL candidates', () => {
  it('[A8] [A9] [A10] [A13] every candidate gets a unique username, a password and a letter: one PDF in candidate-number order and a zip of one PDF each', async () => {
    const f = await createAccessFixture(db(), { candidates: 10 });
    const officer = await signIn(app, f.officer, PASSWORD);
    const set = await officer.put(`${base(f)}/access`, allAccess);
    expect(set.status).toBe(200);
    expect(set.body).toEqual(expect.objectContaining({ mode: 'ALL', configured: true, summary: 'ALL candidates have access', delayMinutes: 0 }));
    // A6: no delay means the board's release time.
    expect(set.body.opensAt).toBe(new Date('2099-08-11T07:00:00Z').toISOString());
    // A10: the answer comes at once; the letters are made in the background.
    expect(['queued', 'running']).toContain(set.body.generations[0].status);

    const seen: Array<Record<string, unknown>> = [];
    const progress = await waitForGeneration(officer, f, 1, seen);
    expect(progress).toEqual(expect.objectContaining({ status: 'done', done: 10, total: 10, percent: 100, secondsLeft: 0 }));
    expect(progress.files.map((x: { kind: string }) => x.kind)).toEqual(['pdf', 'zip']);
    expect(seen.some((p) => p.status !== 'done')).toBe(true);

    // A8: a unique, readable username each; only the argon2id hash is stored.
    const rows = await credentialRows(db(), f);
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.username)).size).toBe(10);
    for (const r of rows) {
      expect(r.username).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
      expect(r.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(r.revokedAt).toBeNull();
    }

    // A9: the combined PDF has a page per candidate in ascending candidate-number order; the zip one PDF each.
    const { pages, entries } = await lettersOf(officer, f, 1);
    expect(pages.map((p) => p.candidateNumber)).toEqual(f.candidates.map((c) => c.candidateNumber));
    for (const [i, p] of pages.entries()) {
      const c = f.candidates[i];
      expect(p.text).toContain('Confidential examination results information');
      expect(p.candidateName).toBe(`${c.firstName} ${c.lastName}`);
      expect(p.text).toContain(f.centreName);
      expect(p.text).toMatch(/Contact\s+Quinn Query/);
      expect(p.text).toMatch(/Telephone\s+\+44 20 7946 0000/);
      expect(p.text).toMatch(/Email\s+queries@centre\.example/);
      expect(p.text.replace(/\s+/g, ' ')).toContain('11 August 2099, 08:00 (Europe/London)');
      expect(p.password!.length).toBeGreaterThanOrEqual(10);
      expect([...p.password!].every((ch) => PASSWORD_ALPHABET.includes(ch))).toBe(true);
    }
    expect(new Set(pages.map((p) => p.password)).size).toBe(10);
    await expectLettersMatchCredentials(f, pages);
    expect(entries.map((e) => e.name).sort()).toEqual(f.candidates.map((c) => `${c.candidateNumber}.pdf`));
    for (const e of entries) {
      expect(e.pages).toBe(1);
      expect(`${e.candidateNumber}.pdf`).toBe(e.name);
      expect(e.password).toBe(pages.find((p) => p.candidateNumber === e.candidateNumber)!.password);
    }

    // The plaintext lives only in the letter files: not in the workflow's history, the read model or the batches.
    const workflowId = resultsAccessWorkflowId(f.centreNumber, f.seriesId);
    const historyJson = historyToJSON(await world.temporal.workflow.getHandle(workflowId).fetchHistory());
    const history = [...historyJson.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8')).join('\n');
    expect(history).toContain(f.centreNumber); // the payloads were decoded
    const [readModel] = await db().select().from(resultsAccess).where(and(eq(resultsAccess.centreNumber, f.centreNumber), eq(resultsAccess.seriesId, f.seriesId)));
    for (const p of pages) {
      expect(history).not.toContain(p.password);
      expect(JSON.stringify(readModel)).not.toContain(p.password);
    }
    // The files are the batches' parts between a head and a tail: three batches of at most four letters.
    const batches = await db().select({ batch: letterBatches.batch, numbers: letterBatches.candidateNumbers }).from(letterBatches).where(and(eq(letterBatches.centreNumber, f.centreNumber), eq(letterBatches.seriesId, f.seriesId)));
    expect(batches.map((b) => [b.batch, b.numbers.length])).toEqual([[0, 4], [1, 4], [2, 2]]);

    // A13: nobody writes to the candidates.
    const emails = f.candidates.map((c) => c.email);
    expect(await db().select().from(outbox).where(inArray(outbox.toAddress, emails))).toHaveLength(0);
    for (const e of emails.slice(0, 3)) expect(await world.mailTo(e)).toHaveLength(0);

    // Operators find the workflow by centre, series and access mode.
    const described = await world.temporal.workflow.getHandle(workflowId).describe();
    expect(described.typedSearchAttributes.get(CentreNumber)).toBe(f.centreNumber);
    expect(described.typedSearchAttributes.get(SeriesId)).toBe(f.seriesId);
    expect(described.typedSearchAttributes.get(AccessMode)).toBe('ALL');
    await recordHistory(world.temporal, workflowId, 'results-access-all');
  });

  it('[A6] candidates see results from release time plus delay, never earlier: the timer marks them viewable', async () => {
    const releaseAt = new Date(Date.now() - 45_000);
    const f = await createAccessFixture(db(), { candidates: 3, releaseAt });
    const officer = await signIn(app, f.officer, PASSWORD);
    const set = await officer.put(`${base(f)}/access`, { ...allAccess, delayMinutes: 1 });
    expect(set.status).toBe(200);
    const opensAt = new Date(releaseAt.getTime() + 60_000);
    expect(set.body.opensAt).toBe(opensAt.toISOString());
    await waitForGeneration(officer, f, 1);
    const { pages } = await lettersOf(officer, f, 1);
    const first = pages[0];

    // Released by the board, but the centre's delay has not passed: the login works, the results are not open.
    const before = await verifyCandidateLogin(db(), first.username!, first.password!);
    expect(before).toEqual(expect.objectContaining({ ok: true, viewable: false }));
    expect(Date.now()).toBeLessThan(opensAt.getTime());

    const viewableAt = await eventually(async () => {
      const [row] = await db().select().from(resultsAccess).where(and(eq(resultsAccess.centreNumber, f.centreNumber), eq(resultsAccess.seriesId, f.seriesId)));
      return row?.viewableAt ?? undefined;
    }, 40_000);
    expect(viewableAt.getTime()).toBeGreaterThanOrEqual(opensAt.getTime());
    expect(await verifyCandidateLogin(db(), first.username!, first.password!)).toEqual(expect.objectContaining({ ok: true, viewable: true }));
    const admin = await officer.get(base(f)).expect(200);
    expect(admin.body.state.viewableAt).not.toBeNull();
    expect(admin.body.state.timeline.map((e: { kind: string }) => e.kind)).toContain('results-viewable');

    // Once open, the delay can no longer move.
    const later = await officer.put(`${base(f)}/access`, { ...allAccess, delayMinutes: 5 });
    expect(later.status).toBe(422);
    expect(later.body.violations).toEqual([expect.objectContaining({ rule: 'A6', field: 'delayMinutes' })]);
    // NO stays possible (the delay is kept as it was), and revokes.
    const no = await officer.put(`${base(f)}/access`, { mode: 'NO' });
    expect(no.status).toBe(200);
    expect(no.body.delayMinutes).toBe(1);
    expect((await verifyCandidateLogin(db(), first.username!, first.password!)).ok).toBe(false);
    await recordHistory(world.temporal, resultsAccessWorkflowId(f.centreNumber, f.seriesId), 'results-access-released-after-delay');
  });

  it('[A7] switching to NO revokes every login of the centre for the series, and only that centre\'s', async () => {
    const f = await createAccessFixture(db(), { candidates: 5 });
    const officer = await signIn(app, f.officer, PASSWORD);
    const other = await signIn(app, f.otherOfficer, PASSWORD);
    await officer.put(`${base(f)}/access`, allAccess).expect(200);
    await other.put(`${base(f)}/access`, allAccess).expect(200);
    await waitForGeneration(officer, f, 1);
    await waitForGeneration(other, f, 1);
    const { pages } = await lettersOf(officer, f, 1);
    const theirs = await lettersOf(other, f, 1);
    for (const p of pages) expect((await verifyCandidateLogin(db(), p.username!, p.password!)).ok).toBe(true);

    const no = await officer.put(`${base(f)}/access`, { mode: 'NO' });
    expect(no.status).toBe(200);
    expect(no.body).toEqual(expect.objectContaining({ mode: 'NO', summary: 'NO candidates have access', contact: null }));
    const rows = await credentialRows(db(), f);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
    for (const p of pages) expect((await verifyCandidateLogin(db(), p.username!, p.password!)).ok).toBe(false);
    // The other centre's logins are untouched.
    for (const p of theirs.pages) expect((await verifyCandidateLogin(db(), p.username!, p.password!)).ok).toBe(true);
    const list = await officer.get(`${base(f)}/candidates`).expect(200);
    expect(list.body.candidates.every((c: { login: string; username: string | null }) => c.login === 'revoked' && c.username === null)).toBe(true);
  });
});

describe('Selected candidates', () => {
  it('[A11] candidates are listed in ascending candidate-number order, searchable by name, number or UCI; nothing changes until Save', async () => {
    const f = await createAccessFixture(db(), { candidates: 12 });
    const officer = await signIn(app, f.officer, PASSWORD);
    await officer.put(`${base(f)}/access`, selectedAccess).expect(200);

    const page1 = await officer.get(`${base(f)}/candidates?limit=5`).expect(200);
    expect(page1.body.total).toBe(12);
    expect(page1.body.candidates.map((c: { candidateNumber: string }) => c.candidateNumber)).toEqual(['0001', '0002', '0003', '0004', '0005']);
    const page2 = await officer.get(`${base(f)}/candidates?limit=5&offset=5`).expect(200);
    expect(page2.body.candidates.map((c: { candidateNumber: string }) => c.candidateNumber)).toEqual(['0006', '0007', '0008', '0009', '0010']);
    const numbers = async (q: string) => (await officer.get(`${base(f)}/candidates?q=${encodeURIComponent(q)}`).expect(200)).body.candidates.map((c: { candidateNumber: string }) => c.candidateNumber);
    expect(await numbers('zelda')).toEqual(['0007']);
    expect(await numbers('Zelda Quartermain')).toEqual(['0007']);
    expect(await numbers('11')).toEqual(['0011']);
    expect(await numbers('0011')).toEqual(['0011']);
    expect(await numbers(f.candidates[8].uci)).toEqual(['0009']);
    expect(await numbers('nobody-like-this')).toEqual([]);
    expect(page1.body.candidates.every((c: { selected: boolean; login: string }) => !c.selected && c.login === 'none')).toBe(true);
    // Nothing changes until Save: no credentials, no letters.
    expect(await credentialRows(db(), f)).toHaveLength(0);

    // Only candidates of this centre entered in the series can be selected.
    const unknown = await officer.post(`${base(f)}/selection`, { add: ['0003', '0099'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.violations).toEqual([expect.objectContaining({ rule: 'A11', field: 'add', message: expect.stringContaining('0099') })]);
    const notNumbers = await officer.post(`${base(f)}/selection`, { add: ['abc'] });
    expect(notNumbers.status).toBe(422);
    expect(await credentialRows(db(), f)).toHaveLength(0);

    // Save: "5" is candidate 0005 (leading zeros do not matter).
    const saved = await officer.post(`${base(f)}/selection`, { add: ['0009', '5', '0003'] });
    expect(saved.status).toBe(200);
    expect(saved.body.selected).toEqual(['0003', '0005', '0009']);
    expect(saved.body.summary).toBe('Selected candidates have access (3 selected)');
    await waitForGeneration(officer, f, 1);
    const { pages, entries } = await lettersOf(officer, f, 1);
    expect(pages.map((p) => p.candidateNumber)).toEqual(['0003', '0005', '0009']);
    expect(entries.map((e) => e.name).sort()).toEqual(['0003.pdf', '0005.pdf', '0009.pdf']);
    await expectLettersMatchCredentials(f, pages);
    expect((await credentialRows(db(), f)).map((r) => r.number).sort()).toEqual(['0003', '0005', '0009']);
    const listed = await officer.get(`${base(f)}/candidates?limit=10`).expect(200);
    const flags = listed.body.candidates.map((c: { candidateNumber: string; selected: boolean; login: string }) => `${c.candidateNumber}:${c.selected ? 'x' : '-'}:${c.login}`);
    expect(flags.filter((x: string) => x.includes(':x:'))).toEqual(['0003:x:active', '0005:x:active', '0009:x:active']);
  });

  it('[A12] an amendment generates for the added candidates only and revokes the removed; other logins stay as they are', async () => {
    const f = await createAccessFixture(db(), { candidates: 6 });
    const officer = await signIn(app, f.officer, PASSWORD);
    await officer.put(`${base(f)}/access`, selectedAccess).expect(200);
    await officer.post(`${base(f)}/selection`, { add: ['0001', '0002'] }).expect(200);
    await waitForGeneration(officer, f, 1);
    const first = await lettersOf(officer, f, 1);
    const before = new Map((await credentialRows(db(), f)).map((r) => [r.number, r]));

    const amended = await officer.post(`${base(f)}/selection`, { add: ['0003'], remove: ['0001'] });
    expect(amended.status).toBe(200);
    expect(amended.body.selected).toEqual(['0002', '0003']);
    await waitForGeneration(officer, f, 2);
    const second = await lettersOf(officer, f, 2);
    expect(second.pages.map((p) => p.candidateNumber)).toEqual(['0003']);
    expect(second.entries.map((e) => e.name)).toEqual(['0003.pdf']);

    const after = new Map((await credentialRows(db(), f)).map((r) => [r.number, r]));
    // Removed: revoked, the printed password no longer signs in.
    expect(after.get('0001')!.revokedAt).not.toBeNull();
    const letter1 = first.pages.find((p) => p.candidateNumber === '0001')!;
    expect((await verifyCandidateLogin(db(), letter1.username!, letter1.password!)).ok).toBe(false);
    // Kept: exactly as before, the first letter still works.
    expect(after.get('0002')).toEqual(before.get('0002'));
    const letter2 = first.pages.find((p) => p.candidateNumber === '0002')!;
    expect((await verifyCandidateLogin(db(), letter2.username!, letter2.password!)).ok).toBe(true);
    await expectLettersMatchCredentials(f, second.pages);

    // Given access again: a new password under the same username; the old letter stays dead.
    await officer.post(`${base(f)}/selection`, { add: ['0001'] }).expect(200);
    await waitForGeneration(officer, f, 3);
    const third = await lettersOf(officer, f, 3);
    expect(third.pages.map((p) => p.candidateNumber)).toEqual(['0001']);
    expect(third.pages[0].username).toBe(letter1.username);
    expect(third.pages[0].password).not.toBe(letter1.password);
    expect((await verifyCandidateLogin(db(), letter1.username!, letter1.password!)).ok).toBe(false);
    expect((await verifyCandidateLogin(db(), letter1.username!, third.pages[0].password!)).ok).toBe(true);
    await recordHistory(world.temporal, resultsAccessWorkflowId(f.centreNumber, f.seriesId), 'results-access-selection-amended');
  });
});

describe('a long-lived administration', () => {
  it('[A12] continues as new when its history grows, keeping its state, and takes amendments after', async () => {
    const shortHistory = makeApp(world.taskQueue, { ...POLICY, maxHistoryEvents: 40 }).app;
    const f = await createAccessFixture(db(), { candidates: 4 });
    const officer = await signIn(shortHistory, f.officer, PASSWORD);
    await officer.put(`${base(f)}/access`, selectedAccess).expect(200);
    const handle = world.temporal.workflow.getHandle(resultsAccessWorkflowId(f.centreNumber, f.seriesId));
    const firstRun = (await handle.describe()).runId;
    await officer.post(`${base(f)}/selection`, { add: ['0001'] }).expect(200);
    await waitForGeneration(officer, f, 1);
    await officer.post(`${base(f)}/selection`, { add: ['0002'] }).expect(200);
    await waitForGeneration(officer, f, 2);
    const nextRun = await eventually(async () => {
      const d = await handle.describe();
      return d.runId !== firstRun && d.status.name === 'RUNNING' ? d.runId : undefined;
    });
    expect(nextRun).not.toBe(firstRun);
    const state = (await officer.get(base(f)).expect(200)).body.state;
    expect(state).toEqual(expect.objectContaining({ mode: 'SELECTED', selected: ['0001', '0002'], contact: expect.objectContaining({ name: 'Quinn Query' }) }));
    expect(state.generations.map((g: { number: number; status: string }) => `${g.number}:${g.status}`)).toEqual(['1:done', '2:done']);
    // The new run carries on: an amendment makes generation 3 with only the added candidate.
    await officer.post(`${base(f)}/selection`, { add: ['0003'], remove: ['0001'] }).expect(200);
    await waitForGeneration(officer, f, 3);
    const third = await lettersOf(officer, f, 3);
    expect(third.pages.map((p) => p.candidateNumber)).toEqual(['0003']);
    expect((await credentialRows(db(), f)).filter((r) => r.revokedAt === null).map((r) => r.number).sort()).toEqual(['0002', '0003']);
    if (process.env.RECORD_HISTORIES) {
      // The first run, which ended by continuing as new.
      const history = await world.temporal.workflow.getHandle(handle.workflowId, firstRun).fetchHistory();
      fs.writeFileSync(path.join(__dirname, '..', 'histories', 'results-access-continued-as-new.json'), historyToJSON(history));
    }
  });
});

describe('reissue, downloads and deletion', () => {
  it('[B11] a reissue gives one candidate a new username, password and letter; the old login stops working and its lock (B3) ends', async () => {
    const f = await createAccessFixture(db(), { candidates: 3 });
    const officer = await signIn(app, f.officer, PASSWORD);
    await officer.put(`${base(f)}/access`, allAccess).expect(200);
    await waitForGeneration(officer, f, 1);
    const first = await lettersOf(officer, f, 1);
    const lost = first.pages.find((p) => p.candidateNumber === '0002')!;
    const before = new Map((await credentialRows(db(), f)).map((r) => [r.number, r]));

    const bad = await officer.post(`${base(f)}/candidates/0099/reissue`);
    expect(bad.status).toBe(422);
    expect(bad.body.violations[0]).toEqual(expect.objectContaining({ rule: 'B11', field: 'candidateNumber' }));

    // Someone keeps the lost login locked (B3).
    const [lostLogin] = await db().select({ id: credentials.id }).from(credentials).where(eq(credentials.username, lost.username!));
    const lockedLogin = { accountKind: 'candidate-letter' as const, accountId: lostLogin.id, centreNumber: f.centreNumber };
    for (let i = 0; i < 3; i++) await recordFailure(db(), lockedLogin, { failuresToLock: 3, lockMs: 3600_000 });
    expect((await lockOf(db(), lockedLogin))?.lockedUntil).not.toBeNull();

    const res = await officer.post(`${base(f)}/candidates/2/reissue`);
    expect(res.status).toBe(200);
    expect(res.body.generations[1]).toEqual(expect.objectContaining({ number: 2, reason: 'REISSUE', candidateNumbers: ['0002'] }));
    await waitForGeneration(officer, f, 2);
    const again = await lettersOf(officer, f, 2);
    expect(again.pages).toHaveLength(1);
    expect(again.entries.map((e) => e.name)).toEqual(['0002.pdf']);
    const letter = again.pages[0];
    expect(letter.text).toContain('reissued');
    expect(letter.username).not.toBe(lost.username);
    expect(letter.password).not.toBe(lost.password);
    expect((await verifyCandidateLogin(db(), lost.username!, lost.password!)).ok).toBe(false);
    expect((await verifyCandidateLogin(db(), lost.username!, letter.password!)).ok).toBe(false);
    expect((await verifyCandidateLogin(db(), letter.username!, letter.password!)).ok).toBe(true);
    expect((await lockOf(db(), lockedLogin))?.lockedUntil).toBeNull();
    const after = new Map((await credentialRows(db(), f)).map((r) => [r.number, r]));
    expect(after.get('0001')).toEqual(before.get('0001'));
    expect(after.get('0003')).toEqual(before.get('0003'));
    expect(after.get('0002')!.generation).toBe(2);

    // With NO, there is nothing to reissue.
    await officer.put(`${base(f)}/access`, { mode: 'NO' }).expect(200);
    const none = await officer.post(`${base(f)}/candidates/0002/reissue`);
    expect(none.status).toBe(422);
    expect(none.body.violations[0].rule).toBe('B11');
    await recordHistory(world.temporal, resultsAccessWorkflowId(f.centreNumber, f.seriesId), 'results-access-reissued-then-no');
  });

  it('[A9] letters are downloadable only by the centre\'s own staff, who can delete them once handed out', async () => {
    const f = await createAccessFixture(db(), { candidates: 2 });
    const officer = await signIn(app, f.officer, PASSWORD);
    const assistant = await signIn(app, f.assistant, PASSWORD);
    const other = await signIn(app, f.otherOfficer, PASSWORD);
    const board = await signIn(app, f.boardStaff, PASSWORD);
    await officer.put(`${base(f)}/access`, allAccess).expect(200);
    await waitForGeneration(officer, f, 1);
    const pdfUrl = `${base(f)}/letters/1/pdf`;
    expect((await getFile(assistant, pdfUrl)).status).toBe(200);
    // Another centre never sees this centre's letters, its state or its candidates.
    expect((await getFile(other, pdfUrl)).status).toBe(404);
    expect((await getFile(other, `${base(f)}/letters/1/zip`)).status).toBe(404);
    const theirView = await other.get(base(f)).expect(200);
    expect(theirView.body.state.configured).toBe(false);
    const theirList = await other.get(`${base(f)}/candidates`).expect(200);
    expect(theirList.body.candidates.map((c: { name: string }) => c.name)).toEqual(['Olga Other0001', 'Olga Other0002']);
    expect((await other.del(`${base(f)}/letters/1`)).status).toBe(422);
    // Board staff are not centre staff; nobody signed in gets nothing.
    expect((await getFile(board, pdfUrl)).status).toBe(403);
    expect((await request(app).get(pdfUrl)).status).toBe(401);

    const deleted = await officer.del(`${base(f)}/letters/1`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.generations[0]).toEqual(expect.objectContaining({ files: [], filesDeletedAt: expect.any(String) }));
    expect((await getFile(officer, pdfUrl)).status).toBe(404);
    expect((await getFile(officer, `${base(f)}/letters/1/zip`)).status).toBe(404);
    // The letters' bytes are gone with them: files, and the batches' parts.
    expect(await db().select().from(letterFiles).where(eq(letterFiles.centreNumber, f.centreNumber))).toHaveLength(0);
    expect(await db().select().from(letterBatches).where(eq(letterBatches.centreNumber, f.centreNumber))).toHaveLength(0);
    const again = await officer.del(`${base(f)}/letters/1`);
    expect(again.status).toBe(422);
    expect(again.body.violations[0]).toEqual(expect.objectContaining({ rule: 'A9', field: 'generation' }));
    // Deleting the letters does not touch the logins.
    expect((await credentialRows(db(), f)).every((r) => r.revokedAt === null)).toBe(true);
  });

  it('every results-access route is in the OpenAPI document and checks role before anything else', async () => {
    const mine = routes.filter((r) => r.path.startsWith('/api/results-access'));
    expect(mine.length).toBe(9);
    const doc = await request(app).get('/api/openapi.json').expect(200);
    for (const r of mine) expect(Object.keys(doc.body.paths)).toContain(r.path.replace(/:(\w+)/g, '{$1}'));
    const f = await createAccessFixture(db(), { candidates: 1 });
    const board = await signIn(app, f.boardStaff, PASSWORD);
    for (const r of mine) {
      const url = r.path.replace(':seriesId', f.seriesId).replace(':generation', '1').replace(':kind', 'pdf').replace(':candidateNumber', '0001');
      const res = r.method === 'get' ? await board.get(url) : r.method === 'post' ? await board.post(url, {}) : r.method === 'put' ? await board.put(url, {}) : await board.del(url);
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 403]);
      if (r.method === 'get') expect((await request(app).get(url)).status).toBe(401);
    }
  });
});

describe('crashes during generation', () => {
  // A task queue of its own: a worker in a child process (killed) and then one in this process (with faults).
  const queue = `letters-${randomUUID()}`;
  const crashPolicy: ResultsAccessPolicy = { batchSize: 3, batchConcurrency: 2, heartbeatTimeoutMs: 3_000, maxHistoryEvents: 10_000 };
  let crashApp: World['app'];
  let child: ChildProcess | null = null;
  let survivor: { worker: Worker; running: Promise<void>; close(): Promise<void> } | null = null;
  const faultsSeen: string[] = [];
  let slowBeforeCommitMs = 0;

  const faults: LetterFaults = async (point, where) => {
    const key = `${where.seriesId}:${where.batch}:${point}`;
    if (slowBeforeCommitMs > 0 && point === 'before-commit') await new Promise((r) => setTimeout(r, slowBeforeCommitMs));
    if (where.batch === 3 && point === 'before-commit' && !faultsSeen.includes(key)) {
      faultsSeen.push(key);
      throw new Error('simulated crash before the commit');
    }
    if (where.batch === 4 && point === 'after-commit' && !faultsSeen.includes(key)) {
      faultsSeen.push(key);
      throw new Error('simulated crash after the commit');
    }
  };

  async function startSurvivor() {
    const connection = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS! });
    const pdf = createPdfRenderer({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
    const mailer = createMailer({ db: db(), smtpUrl: process.env.TEST_SMTP_URL!, from: 'Results Office <no-reply@examboard.example>' });
    const worker = await createWorker({
      connection,
      namespace: 'results-office',
      taskQueue: queue,
      deps: { db: db(), mailer, pdf, publicUrl: 'http://localhost:3000', boardEmail: 'board@examboard.example', letterFaults: faults },
      workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE,
    });
    const running = worker.run();
    return {
      worker,
      running,
      async close() {
        worker.shutdown();
        await running;
        await pdf.close();
        mailer.close();
        await connection.close();
      },
    };
  }

  beforeAll(() => {
    crashApp = makeApp(queue, crashPolicy).app;
  });
  afterAll(async () => {
    try {
      if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    } finally {
      await survivor?.close();
    }
  });

  it('[A10] [A8] a worker killed mid-generation leaves, after restart, a complete and consistent result with one password per candidate', async () => {
    const f = await createAccessFixture(db(), { candidates: 15 }); // 5 batches of 3
    const officer = await signIn(crashApp, f.officer, PASSWORD);
    child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'support', 'letterWorkerProcess.ts')], {
      env: { ...process.env, WORKER_TASK_QUEUE: queue, HANG_FROM_BATCH: '2' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child!.once('exit', (code) => reject(new Error(`the worker process exited with ${code}`)));
    });

    await officer.put(`${base(f)}/access`, allAccess).expect(200);
    // Batches 0 and 1 are stored; 2 and 3 are half-made (hashed and printed) when the worker dies.
    const mid = await eventually(async () => {
      const p = (await officer.get(`${base(f)}/progress`)).body;
      return p.done >= 6 ? p : undefined;
    }, 60_000);
    // A10: progress while it runs, with an estimate of the time left.
    expect(mid).toEqual(expect.objectContaining({ generation: 1, status: 'running', done: 6, total: 15, percent: 40, secondsLeft: expect.any(Number) }));
    await new Promise((r) => setTimeout(r, 1_000));
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    expect((await credentialRows(db(), f)).length).toBe(6);

    // A new worker takes over: the stored batches are kept, the lost ones are made again, one fails before its
    // commit and one after, and the result is still whole.
    survivor = await startSurvivor();
    const progress = await waitForGeneration(officer, f, 1);
    expect(progress).toEqual(expect.objectContaining({ status: 'done', done: 15, total: 15 }));
    expect(faultsSeen.sort()).toEqual([`${f.seriesId}:3:before-commit`, `${f.seriesId}:4:after-commit`]);

    const rows = await credentialRows(db(), f);
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.generation === 1 && r.revokedAt === null)).toBe(true);
    const batches = await db().select({ batch: letterBatches.batch, numbers: letterBatches.candidateNumbers }).from(letterBatches).where(and(eq(letterBatches.centreNumber, f.centreNumber), eq(letterBatches.seriesId, f.seriesId)));
    expect(batches.map((b) => b.batch).sort()).toEqual([0, 1, 2, 3, 4]);
    const { pages, entries } = await lettersOf(officer, f, 1);
    expect(pages.map((p) => p.candidateNumber)).toEqual(f.candidates.map((c) => c.candidateNumber));
    expect(entries.map((e) => e.name).sort()).toEqual(f.candidates.map((c) => `${c.candidateNumber}.pdf`));
    // One password per candidate: the one printed (in both files) is the one stored.
    await expectLettersMatchCredentials(f, pages);
    for (const e of entries) expect(e.password).toBe(pages.find((p) => p.candidateNumber === e.candidateNumber)!.password);
    await recordHistory(world.temporal, resultsAccessWorkflowId(f.centreNumber, f.seriesId), 'results-access-worker-killed');
  }, 180_000);

  it('[A12] a candidate removed while the letters are being made gets no login and is left out of both files', async () => {
    survivor ??= await startSurvivor();
    slowBeforeCommitMs = 400;
    try {
      const f = await createAccessFixture(db(), { candidates: 15 }); // 5 batches of 3
      const officer = await signIn(crashApp, f.officer, PASSWORD);
      await officer.put(`${base(f)}/access`, selectedAccess).expect(200);
      await officer.post(`${base(f)}/selection`, { add: f.candidates.map((c) => c.candidateNumber) }).expect(200);
      await eventually(async () => {
        const p = (await officer.get(`${base(f)}/progress`)).body;
        return p.done >= 3 && p.status === 'running' ? p : undefined;
      }, 60_000);
      // 0001 is in a stored batch (revoked now); 0014 is in a batch not made yet (never issued).
      await officer.post(`${base(f)}/selection`, { remove: ['0001', '0014'] }).expect(200);
      await waitForGeneration(officer, f, 1);
      const expected = f.candidates.map((c) => c.candidateNumber).filter((n) => n !== '0001' && n !== '0014');
      const { pages, entries } = await lettersOf(officer, f, 1);
      expect(pages.map((p) => p.candidateNumber)).toEqual(expected);
      expect(entries.map((e) => e.name).sort()).toEqual(expected.map((n) => `${n}.pdf`));
      await expectLettersMatchCredentials(f, pages);
      const rows = new Map((await credentialRows(db(), f)).map((r) => [r.number, r]));
      // Removed before or after its batch committed: either it never got a login, or its login is revoked.
      const removed = rows.get('0001');
      expect(removed === undefined || removed.revokedAt !== null).toBe(true);
      expect(rows.has('0014')).toBe(false);
      expect([...rows.values()].filter((r) => r.revokedAt === null).map((r) => r.number).sort()).toEqual(expected);
    } finally {
      slowBeforeCommitMs = 0;
    }
  }, 120_000);

  it('[A7] NO while letters are being made stops the generation, makes no files and leaves no login', async () => {
    survivor ??= await startSurvivor();
    slowBeforeCommitMs = 400;
    try {
      const f = await createAccessFixture(db(), { candidates: 21 }); // 7 batches of 3
      const officer = await signIn(crashApp, f.officer, PASSWORD);
      await officer.put(`${base(f)}/access`, allAccess).expect(200);
      await eventually(async () => {
        const p = (await officer.get(`${base(f)}/progress`)).body;
        return p.done >= 3 ? p : undefined;
      }, 60_000);
      await officer.put(`${base(f)}/access`, { mode: 'NO' }).expect(200);
      const progress = await waitForGeneration(officer, f, 1);
      expect(progress.status).toBe('cancelled');
      expect(progress.files).toEqual([]);
      const rows = await credentialRows(db(), f);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((r) => r.revokedAt === null)).toEqual([]);
      expect(await db().select().from(letterFiles).where(eq(letterFiles.centreNumber, f.centreNumber))).toHaveLength(0);
      expect(await db().select().from(letterBatches).where(eq(letterBatches.centreNumber, f.centreNumber))).toHaveLength(0);
      const planned = await db().select().from(letterGenerationCandidates).where(and(eq(letterGenerationCandidates.centreNumber, f.centreNumber), isNull(letterGenerationCandidates.withdrawnAt)));
      expect(planned).toEqual([]);
    } finally {
      slowBeforeCommitMs = 0;
    }
  }, 120_000);
});
