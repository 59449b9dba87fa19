// Duplicates: many concurrent copies of the same requests create exactly one workflow per business key and exactly
// one of each side effect (DESIGN rules 2 and 5), for the three kinds of request the issue names:
// - submit (with the create before it): 10 copies each over 100 enquiries, 2,000 requests;
// - approve: an associate approves each of 50 associate centres' enquiries 10 times at once, 500 requests
//   (DUP_APPROVE_KEYS, DUP_COPIES);
// - generate: 10 copies of "ALL candidates" for each of 10 centres (12 candidates each), 100 requests
//   (DUP_GENERATE_CENTRES, DUP_GENERATE_CANDIDATES, DUP_COPIES).
// On the shared two-core machine the three take about 75, 30 and 20 s: more than a minute in all, so the two added
// kinds stay small in CI (600 requests; generation is the costly one, with argon2id hashes and Chromium) and the
// variables scale them up.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { and, eq, inArray, like } from 'drizzle-orm';
import { enquiries, outbox, resultsAccess } from '../../db/schema';
import { resultsAccessWorkflowId } from '../../workflows/ids';
import type { ResultsAccessState } from '../../workflows/resultsAccessTypes';
import { createAccessFixture, type AccessFixture } from '../support/accessFixtures';
import { createFixture, PASSWORD } from '../support/fixtures';
import { expectCompleteLetters } from '../support/letterChecks';
import { eventually, inPool, signIn, startWorld, type World } from '../support/world';

const KEYS = 100;
const COPIES = Number(process.env.DUP_COPIES ?? 10);
const APPROVE_KEYS = Number(process.env.DUP_APPROVE_KEYS ?? 50);
const GENERATE_CENTRES = Number(process.env.DUP_GENERATE_CENTRES ?? 10);
const GENERATE_CANDIDATES = Number(process.env.DUP_GENERATE_CANDIDATES ?? 12);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How many of each answer status, for the figures. */
const tally = (statuses: number[]) => Object.entries(statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {})).map(([s, n]) => `${n} x ${s}`).join(', ');
let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

it(`${KEYS * COPIES} concurrent create and submit requests over ${KEYS} enquiries make ${KEYS} workflows and ${KEYS} emails`, async () => {
  const f = await createFixture(world.database.db, { candidates: KEYS });
  // One listening server: supertest would otherwise open a new one for every request.
  const server = world.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const centre = await signIn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, f.officer, PASSWORD);
    const keys = f.candidateNumbers.map((candidate) => ({ candidate, enquiryId: randomUUID() }));
    const requests = keys.flatMap((k) => Array.from({ length: COPIES }, () => k));

    const created: number[] = [];
    await inPool(requests, 50, async (k) => {
      const res = await centre.post('/api/enquiries', { seriesId: f.seriesId, enquiryId: k.enquiryId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [k.candidate], note: '' } });
      created.push(res.status);
    });
    expect(created.filter((s) => s >= 500)).toEqual([]);
    const rows = await world.database.db.select().from(enquiries).where(eq(enquiries.centreNumber, f.centreNumber));
    expect(rows).toHaveLength(KEYS);
    // One workflow per key, and the repeated saves recorded nothing more.
    for (const row of rows) {
      const state = await world.temporal.workflow.getHandle(row.workflowId).describe();
      expect(state.status.name).toBe('RUNNING');
      expect((row.state as { timeline: Array<{ kind: string }> }).timeline.filter((e) => e.kind === 'saved')).toHaveLength(1);
    }

    const submitted = new Map<string, number>();
    await inPool(requests, 50, async (k) => {
      const res = await centre.post(`/api/enquiries/${k.enquiryId}/submit`, { declarations: [true, true] });
      expect(res.status).toBeLessThan(500);
      if (res.status === 200) submitted.set(k.enquiryId, (submitted.get(k.enquiryId) ?? 0) + 1);
    });
    expect([...submitted.values()]).toEqual(Array(KEYS).fill(1));

    const mails = await eventually(async () => {
      const m = (await world.mailTo(f.centreEmail)).filter((x) => x.subject.startsWith('Enquiry submitted'));
      return m.length >= KEYS ? m : undefined;
    }, 60_000);
    expect(mails).toHaveLength(KEYS);
    expect(new Set(mails.map((m) => m.headers['x-business-key'])).size).toBe(KEYS);
    const outboxRows = await world.database.db.select().from(outbox).where(and(eq(outbox.toAddress, f.centreEmail), like(outbox.businessKey, '%:submitted')));
    expect(outboxRows).toHaveLength(KEYS);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  // 2,000 requests: about a minute on a quiet machine, more while other test files run beside it.
}, 300_000);

it(`[C17] ${APPROVE_KEYS * COPIES} concurrent approvals over ${APPROVE_KEYS} associate centre enquiries approve each once, with one email each`, async () => {
  const started = Date.now();
  const db = world.database.db;
  const f = await createFixture(db, { associate: true, candidates: APPROVE_KEYS });
  const centre = await signIn(world.app, f.officer, PASSWORD);
  const associate = await signIn(world.app, f.associateStaff, PASSWORD);
  const ids: string[] = [];
  await inPool(f.candidateNumbers, 10, async (candidate) => {
    const res = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [candidate], note: '' } }).expect(201);
    const submitted = await centre.post(`/api/enquiries/${res.body.enquiryId}/submit`, { declarations: [true, true] }).expect(200);
    expect(submitted.body.status).toBe('AwaitingApproval');
    ids.push(res.body.enquiryId);
  });

  // The copies of one enquiry's approval sit next to each other, so they are in flight together.
  const requests = ids.flatMap((id) => Array.from({ length: COPIES }, () => id));
  const statuses: number[] = [];
  const approved = new Map<string, number>();
  await inPool(requests, 50, async (id) => {
    const res = await associate.post(`/api/associate/enquiries/${id}/approve`);
    statuses.push(res.status);
    if (res.status === 200) approved.set(id, (approved.get(id) ?? 0) + 1);
  });
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(ids.map((id) => approved.get(id) ?? 0)).toEqual(Array(APPROVE_KEYS).fill(1));

  // Each enquiry went on to the board once: one 'approved' event, one submission email, one outbox row.
  const rows = await eventually(async () => {
    const r = await db.select().from(enquiries).where(inArray(enquiries.id, ids));
    return r.every((x) => x.status === 'Submitted') ? r : undefined;
  }, 60_000);
  for (const row of rows) expect((row.state as { timeline: Array<{ kind: string }> }).timeline.filter((e) => e.kind === 'approved')).toHaveLength(1);
  const submittedMails = async () => (await world.mailTo(f.centreEmail)).filter((m) => m.subject.startsWith('Enquiry submitted'));
  await eventually(async () => ((await submittedMails()).length >= APPROVE_KEYS ? true : undefined), 60_000);
  await sleep(2000); // a duplicate would have arrived by now
  const mails = await submittedMails();
  expect(mails).toHaveLength(APPROVE_KEYS);
  expect(new Set(mails.map((m) => m.headers['x-business-key'])).size).toBe(APPROVE_KEYS);
  const outboxRows = await db.select().from(outbox).where(and(eq(outbox.toAddress, f.centreEmail), like(outbox.businessKey, '%:submitted')));
  expect(outboxRows).toHaveLength(APPROVE_KEYS);

  console.log(
    `duplicates, approve: ${requests.length} concurrent approvals (${COPIES} copies each of ${APPROVE_KEYS}) answered ${tally(statuses)}; ` +
      `${APPROVE_KEYS} enquiries approved once each (1 'approved' event each), ${mails.length} submission emails with ${mails.length} distinct business keys, ` +
      `${outboxRows.length} outbox rows; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}, 300_000);

it(`[A8] [A10] ${GENERATE_CENTRES * COPIES} concurrent "ALL candidates" requests over ${GENERATE_CENTRES} centres make one workflow, one generation and one login per candidate each`, async () => {
  const started = Date.now();
  const db = world.database.db;
  const access = { mode: 'ALL', agreement: true, contact: { name: 'Quinn Query', telephone: '+44 20 7946 0000', email: 'queries@centre.example' }, delayMinutes: 0 };
  const centres: Array<{ f: AccessFixture; officer: Awaited<ReturnType<typeof signIn>> }> = [];
  for (let i = 0; i < GENERATE_CENTRES; i++) {
    const f = await createAccessFixture(db, { candidates: GENERATE_CANDIDATES });
    centres.push({ f, officer: await signIn(world.app, f.officer, PASSWORD) });
  }

  const requests = centres.flatMap((c) => Array.from({ length: COPIES }, () => c));
  const statuses: number[] = [];
  await inPool(requests, 50, async ({ f, officer }) => {
    const res = await officer.put(`/api/results-access/series/${f.seriesId}/access`, access);
    statuses.push(res.status);
  });
  expect(statuses.filter((s) => s !== 200)).toEqual([]);

  // The generations' ends as the workflows wrote them to PostgreSQL.
  const stateOf = async (f: AccessFixture) =>
    (await db.select({ state: resultsAccess.state }).from(resultsAccess).where(and(eq(resultsAccess.centreNumber, f.centreNumber), eq(resultsAccess.seriesId, f.seriesId))))[0]?.state as ResultsAccessState | undefined;
  const states = await eventually(async () => {
    const all = await Promise.all(centres.map(({ f }) => stateOf(f)));
    return all.every((s) => s && s.generations.length > 0 && s.generations.every((g) => g.status === 'done')) ? (all as ResultsAccessState[]) : undefined;
  }, 60_000 + GENERATE_CENTRES * GENERATE_CANDIDATES * 500);

  let generations = 0;
  let emptyGenerations = 0;
  let logins = 0;
  for (const [i, { f, officer }] of centres.entries()) {
    // One workflow (one run) per centre and series, found the way an operator would.
    const runs: string[] = [];
    for await (const w of world.temporal.workflow.list({ query: `WorkflowType = 'resultsAccessWorkflow' AND CentreNumber = '${f.centreNumber}' AND SeriesId = '${f.seriesId}'` })) runs.push(w.workflowId);
    expect(runs).toEqual([resultsAccessWorkflowId(f.centreNumber, f.seriesId)]);
    // One generation made letters. A copy that reaches the workflow after that generation started asks again for
    // "everyone without a login" (A8, for late entries): that finds nobody and makes nothing.
    const made = states[i].generations.filter((g) => g.total > 0);
    expect(made.map((g) => `${g.number}:${g.total}`)).toEqual([`1:${GENERATE_CANDIDATES}`]);
    generations += states[i].generations.length;
    emptyGenerations += states[i].generations.length - made.length;
    logins += (await expectCompleteLetters(db, officer, f, 1)).logins;
  }

  console.log(
    `duplicates, generate: ${requests.length} concurrent "ALL candidates" requests (${COPIES} copies each for ${GENERATE_CENTRES} centres of ${GENERATE_CANDIDATES} candidates) answered ${tally(statuses)}; ` +
      `${GENERATE_CENTRES} workflows (1 each), ${GENERATE_CENTRES} generations with letters (1 each${emptyGenerations ? `, and ${emptyGenerations} empty ones from late copies, of ${generations} in all` : ''}), ` +
      `${logins} logins (one per candidate, the printed password verified), complete files; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}, 600_000);
