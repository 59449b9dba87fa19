// Enquiry lifecycles end to end through the API, on real Temporal, PostgreSQL, SMTP and Chromium.
// Timers run on short durations given to the workflow as input (DESIGN rule 4).
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { extractText } from 'unpdf';
import { componentResults, enquiries, enquiryClaims, entries, candidates } from '../../db/schema';
import { DEFAULT_ENQUIRY_POLICY } from '../../api/routes/enquiries';
import { enquiryWorkflow } from '../../workflows/enquiry';
import { enquiryWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { eventually, recordHistory, signIn, startWorld, type World } from '../support/world';

let world: World;
let f: Fixture;
let centre: Awaited<ReturnType<typeof signIn>>;
let board: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  world = await startWorld();
  f = await createFixture(world.database.db, { candidates: 30 });
  centre = await signIn(world.app, f.officer, PASSWORD);
  board = await signIn(world.app, f.boardStaff, PASSWORD);
});
afterAll(() => world?.close());

const draft = (over: Partial<{ service: string; syllabusCode: string; componentCodes: string[]; candidateNumbers: string[]; note: string; headOfCentreRequest: boolean }>) => ({
  service: '1',
  syllabusCode: f.maths,
  componentCodes: ['11', '13'],
  candidateNumbers: ['0010'],
  note: '',
  ...over,
});

async function create(d: ReturnType<typeof draft>, who = centre) {
  const res = await who.post('/api/enquiries', { seriesId: f.seriesId, draft: d });
  expect(res.status).toBe(201);
  return res.body.enquiryId as string;
}
async function submitted(d: ReturnType<typeof draft>) {
  const id = await create(d);
  await centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200);
  return id;
}
async function acknowledged(d: ReturnType<typeof draft>) {
  const id = await submitted(d);
  await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
  const res = await board.post(`/api/board/enquiries/${id}/acknowledge`).expect(200);
  return { id, state: res.body };
}
const rowOf = async (id: string) => (await world.database.db.select().from(enquiries).where(eq(enquiries.id, id)))[0];
const pdfText = async (documentId: string, who = centre) => {
  const res = await who.get(`/api/documents/${documentId}`).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(res.status).toBe(200);
  return (await extractText(new Uint8Array(res.body as Buffer), { mergePages: true })).text;
};
const minimalPdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF');

describe('full lifecycles', () => {
  it('[C22] [C28] a grade change completes the enquiry with no fee, an updated statement and each email once', async () => {
    const { id, state } = await acknowledged(draft({ service: '2', candidateNumbers: ['0011'], note: 'Cara review' }));
    expect(state.feePence).toBe(6000);
    const res = await board.post(`/api/board/enquiries/${id}/outcome`, {
      components: [{ candidateNumber: '0011', componentCode: '11', originalMark: 55, newMark: 70, reason: 'Mark scheme misapplied on Q4' }],
      grades: [{ candidateNumber: '0011', gradeBefore: 'C', gradeAfter: 'B' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('Completed');
    expect(res.body.feePence).toBe(0);
    const kinds = res.body.documents.map((d: { kind: string }) => d.kind).sort();
    expect(kinds).toEqual(['Ack', 'Out', 'SoR']);

    const sor = res.body.documents.find((d: { kind: string }) => d.kind === 'SoR');
    const text = await pdfText(sor.documentId);
    expect(text).toContain('Statement of results');
    expect(text).toMatch(/B \(was C\)/);
    const out = await pdfText(res.body.documents.find((d: { kind: string }) => d.kind === 'Out').documentId);
    expect(out).toContain('Mark scheme misapplied on Q4');
    expect(out).toContain('no administration fee');

    // The results themselves changed (C28).
    const [c] = await world.database.db.select().from(candidates).where(and(eq(candidates.centreNumber, f.centreNumber), eq(candidates.candidateNumber, '0011')));
    const [entry] = await world.database.db.select().from(entries).where(and(eq(entries.candidateId, c.id), eq(entries.syllabusCode, f.maths)));
    expect(entry.grade).toBe('B');
    const [mark] = await world.database.db.select().from(componentResults).where(and(eq(componentResults.entryId, entry.id), eq(componentResults.componentCode, '11')));
    expect(mark.mark).toBe(70);

    const row = await rowOf(id);
    expect(row.status).toBe('Completed');
    expect(row.feePence).toBe(0);
    const mails = await eventually(async () => {
      const m = (await world.mailTo(f.centreEmail)).filter((x) => x.text.includes(id));
      return m.length >= 4 ? m : undefined;
    });
    const subjects = mails.map((m) => m.subject.replace(String(row.enquiryNumber), 'N')).sort();
    await recordHistory(world.temporal, row.workflowId, 'enquiry-completed-grade-change');
    expect(subjects).toEqual([
      'Acknowledgement letter available for enquiry N',
      `Enquiry submitted: ${f.maths} (Service 2: review of marking)`,
      'Outcome letter available for enquiry N',
      'Updated statement of results available for enquiry N',
    ]);
  });

  it('[C22] without a grade change the administration fee is charged', async () => {
    const { id } = await acknowledged(draft({ service: '1', candidateNumbers: ['0012'] }));
    const res = await board.post(`/api/board/enquiries/${id}/outcome`, {
      components: [{ candidateNumber: '0012', componentCode: '11', originalMark: 55, newMark: 55, reason: 'Marks totalled correctly' }],
      grades: [{ candidateNumber: '0012', gradeBefore: 'C', gradeAfter: 'C' }],
    });
    expect(res.body.status).toBe('Completed');
    expect(res.body.feePence).toBe(3500);
    expect(res.body.documents.map((d: { kind: string }) => d.kind).sort()).toEqual(['Ack', 'Out']);
  });

  it('[C19] [C2] a service with a copy of the script completes only when the script is attached', async () => {
    const { id } = await acknowledged(draft({ service: '1S', candidateNumbers: ['0013'] }));
    const after = await board.post(`/api/board/enquiries/${id}/outcome`, { components: [], grades: [{ candidateNumber: '0013', gradeBefore: 'C', gradeAfter: 'C' }] });
    expect(after.body.status).toBe('Acknowledged');
    const bad = await board.agent.post(`/api/board/enquiries/${id}/documents?kind=Rpt&filename=report.pdf`).set('x-csrf-token', 'nope').set('Content-Type', 'application/pdf').send(minimalPdf);
    expect(bad.status).toBe(403); // no CSRF token, no change
    const wrongKind = await board.postPdf(`/api/board/enquiries/${id}/documents?kind=Rpt&filename=report.pdf`, minimalPdf);
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.violations[0].rule).toBe('C19');
    const done = await board.postPdf(`/api/board/enquiries/${id}/documents?kind=CoS&filename=script.pdf`, minimalPdf);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('Completed');
    await eventually(async () => ((await world.mailTo(f.centreEmail)).some((m) => m.subject.startsWith('Copy of script available')) ? true : undefined));
  });

  it('[C7] a NO RESULT enquiry from the Head of Centre is free and its answer must explain', async () => {
    const head = await signIn(world.app, f.headOfCentre, PASSWORD);
    const id = await create(draft({ service: 'XQ', candidateNumbers: [f.xGradeCandidate], componentCodes: ['13'], headOfCentreRequest: true }), head);
    const sub = await head.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200);
    expect(sub.body.feePence).toBe(0);
    await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
    await board.post(`/api/board/enquiries/${id}/acknowledge`).expect(200);
    const noWhy = await board.post(`/api/board/enquiries/${id}/outcome`, { components: [], grades: [], missingComponents: ['13'] });
    expect(noWhy.status).toBe(422);
    expect(noWhy.body.violations[0].rule).toBe('C7');
    const res = await board.post(`/api/board/enquiries/${id}/outcome`, { components: [], grades: [], missingComponents: ['13'], explanation: 'No script for Paper 3 was received from the centre.' });
    expect(res.body.status).toBe('Completed');
    const out = await pdfText(res.body.documents.find((d: { kind: string }) => d.kind === 'Out').documentId);
    expect(out).toContain('Components with no mark: 13');
    expect(out).toContain('No script for Paper 3');
    await recordHistory(world.temporal, (await rowOf(id)).workflowId, 'enquiry-no-result-answered');
  });
});

describe('drafts and submission', () => {
  it('[C24] submit without both declarations is refused and nothing changes; delete removes the draft', async () => {
    const id = await create(draft({ candidateNumbers: ['0014'] }));
    const res = await centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, false] });
    expect(res.status).toBe(422);
    expect(res.body.violations).toEqual([expect.objectContaining({ rule: 'C24', field: 'declarations' })]);
    expect((await rowOf(id)).status).toBe('Saved');
    const workflowId = (await rowOf(id)).workflowId;
    await centre.del(`/api/enquiries/${id}`).expect(200);
    expect(await rowOf(id)).toBeUndefined();
    await world.temporal.workflow.getHandle(workflowId).result();
    await recordHistory(world.temporal, workflowId, 'enquiry-draft-deleted');
  });

  it('[C23] "0015" and "15" are the same candidate; a blank note becomes series, syllabus and enquiry number', async () => {
    const id = await submitted(draft({ candidateNumbers: ['15'] }));
    const received = await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
    expect(received.body.draft.note).toBe(`${f.seriesId} ${f.maths} ${received.body.enquiryNumber}`);
    expect((await rowOf(id)).candidateNumbers).toEqual(['0015']);
    const again = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: draft({ candidateNumbers: ['0015'] }) });
    expect(again.status).toBe(422);
    expect(again.body.violations.map((v: { rule: string }) => v.rule)).toContain('C14');
  });

  it('[C23] candidates with an open enquiry for the syllabus are marked', async () => {
    await submitted(draft({ candidateNumbers: ['0016'] }));
    const res = await centre.get(`/api/series/${f.seriesId}/enquiries/candidates?syllabusCode=${f.maths}&candidate=16`).expect(200);
    expect(res.body.candidates).toEqual([expect.objectContaining({ candidateNumber: '0016', marker: expect.stringContaining('open enquiry') })]);
  });

  it('[C12] [C14] two drafts for the same candidate and syllabus submitted at once: exactly one is accepted', async () => {
    const a = await create(draft({ service: '1', candidateNumbers: ['0017'], componentCodes: ['11'] }));
    const b = await create(draft({ service: '2', candidateNumbers: ['0017'], componentCodes: ['13'] }));
    const results = await Promise.all([a, b].map((id) => centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    const refused = results.find((r) => r.status === 422)!;
    expect(['C12', 'C14']).toContain(refused.body.violations[0].rule);
    const claims = await world.database.db.select().from(enquiryClaims).where(eq(enquiryClaims.seriesId, f.seriesId));
    expect(claims.filter((c) => [a, b].includes(c.enquiryId))).toHaveLength(1);
  });

  it('[C8] [C9] [C13] rules refuse a draft with the field and rule, and leave nothing behind', async () => {
    const cases: Array<[ReturnType<typeof draft>, string]> = [
      [draft({ syllabusCode: f.ice, componentCodes: ['01'] }), 'C8'],
      [draft({ candidateNumbers: [f.exemptCandidate], componentCodes: ['13'] }), 'C9'],
      [draft({ candidateNumbers: [f.assessedCandidate], componentCodes: ['11'] }), 'C13'],
      [draft({ service: '2', componentCodes: ['12'] }), 'C3'],
    ];
    for (const [d, rule] of cases) {
      const res = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: d });
      expect(res.status).toBe(422);
      expect(res.body.violations.map((v: { rule: string }) => v.rule)).toContain(rule);
    }
    const rows = await world.database.db.select().from(enquiries).where(eq(enquiries.syllabusCode, f.ice));
    expect(rows).toHaveLength(0);
  });

  it('answers bad input with 400 naming the field, never a 500', async () => {
    const res = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '7', syllabusCode: '', candidateNumbers: ['abc'] } });
    expect(res.status).toBe(400);
    const fields = res.body.violations.map((v: { field: string }) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['draft.service', 'draft.syllabusCode', 'draft.candidateNumbers.0']));
  });
});

describe('board queue, search and access', () => {
  it('[C15] enquiry numbers follow the order of submission when the board receives the next in the queue', async () => {
    const other = await createFixture(world.database.db);
    const officer = await signIn(world.app, other.officer, PASSWORD);
    const ids: string[] = [];
    for (const n of ['0001', '0002', '0007']) {
      const res = await officer.post('/api/enquiries', { seriesId: other.seriesId, draft: { service: '1', syllabusCode: other.maths, componentCodes: ['11'], candidateNumbers: [n], note: '' } });
      await officer.post(`/api/enquiries/${res.body.enquiryId}/submit`, { declarations: [true, true] }).expect(200);
      ids.push(res.body.enquiryId);
    }
    const queue = await board.get(`/api/board/enquiries?status=Submitted&seriesId=${other.seriesId}`).expect(200);
    const order = queue.body.queue.map((q: { id: string }) => q.id).filter((id: string) => ids.includes(id));
    expect(order).toEqual(ids);
    // Receive in queue order until all three have numbers.
    const numbers = new Map<string, number>();
    while (numbers.size < 3) {
      const r = await board.post(`/api/board/enquiries/receive-next?seriesId=${other.seriesId}`).expect(200);
      if (ids.includes(r.body.enquiryId)) numbers.set(r.body.enquiryId, r.body.enquiryNumber);
    }
    const got = ids.map((id) => numbers.get(id)!);
    expect([...got].sort((x, y) => x - y)).toEqual(got);
  });

  it('[C26] the list searches by note, enquiry number and candidate, and a centre never sees another centre', async () => {
    const id = await submitted(draft({ candidateNumbers: ['0018'], note: `Dev-${f.centreNumber}` }));
    const received = await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
    for (const q of [`Dev-${f.centreNumber}`, String(received.body.enquiryNumber), '18']) {
      const res = await centre.get(`/api/enquiries?seriesId=${f.seriesId}&q=${encodeURIComponent(q)}`).expect(200);
      expect(res.body.enquiries.map((e: { id: string }) => e.id)).toContain(id);
    }
    const stranger = await createFixture(world.database.db);
    const them = await signIn(world.app, stranger.officer, PASSWORD);
    await them.get(`/api/enquiries/${id}`).expect(404);
    const theirs = await them.get(`/api/enquiries?q=18`).expect(200);
    expect(theirs.body.enquiries.map((e: { id: string }) => e.id)).not.toContain(id);
    await them.post(`/api/enquiries/${id}/cancel`).expect(404);
  });

  it('[C27] board staff extend an enquiry to other candidates; a centre cannot', async () => {
    const id = await submitted(draft({ candidateNumbers: ['0019'] }));
    await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
    await centre.post(`/api/board/enquiries/${id}/extend`, { candidateNumbers: ['0020'], note: 'Same script batch' }).expect(403);
    const res = await board.post(`/api/board/enquiries/${id}/extend`, { candidateNumbers: ['0020'], note: 'Same script batch' }).expect(200);
    expect(res.body.extensions).toEqual([expect.objectContaining({ candidateNumbers: ['0020'], note: 'Same script batch' })]);
  });

  it('[C18] [C21] the series view shows the centre email for confirmation, the services, the deadline and the days left', async () => {
    const res = await centre.get(`/api/series/${f.seriesId}/enquiries/services`).expect(200);
    expect(res.body.centreEmail).toBe(f.centreEmail);
    expect(res.body.open).toBe(true);
    expect(res.body.daysLeft).toBeGreaterThan(0);
    expect(res.body.services.map((s: { code: string }) => s.code)).toEqual(['1', '1S', '2', '2S', '5', '9', 'XQ']);
  });
});

describe('timers', () => {
  it('[C20] amending within the window is free; after it, the amendment fee is charged', async () => {
    const short = await signIn(world.appWith({ amendmentWindowMs: 6000 }), f.officer, PASSWORD);
    const shortBoard = await signIn(world.appWith({ amendmentWindowMs: 6000 }), f.boardStaff, PASSWORD);
    const res = await short.post('/api/enquiries', { seriesId: f.seriesId, draft: draft({ candidateNumbers: ['0021'], componentCodes: ['11'] }) });
    const id = res.body.enquiryId;
    await short.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200);
    await shortBoard.post(`/api/board/enquiries/${id}/receive`).expect(200);
    await shortBoard.post(`/api/board/enquiries/${id}/acknowledge`).expect(200);
    const inside = await short.post(`/api/enquiries/${id}/amend`, draft({ candidateNumbers: ['0021'], componentCodes: ['11', '13'], note: 'added paper 3' })).expect(200);
    expect(inside.body.amendmentFeePence).toBe(0);
    await eventually(async () => ((await rowOf(id)).state as { timeline: Array<{ kind: string }> }).timeline.some((e) => e.kind === 'amendment-window-closed') || undefined);
    const outside = await short.post(`/api/enquiries/${id}/amend`, draft({ candidateNumbers: ['0021'], componentCodes: ['11'], note: 'back to paper 1' })).expect(200);
    expect(outside.body.amendmentFeePence).toBe(2500);
    await recordHistory(world.temporal, (await rowOf(id)).workflowId, 'enquiry-amended-after-window');
  });

  it('[C20] cancelling within the window is free and frees the candidate for a new enquiry', async () => {
    const { id } = await acknowledged(draft({ service: '2', candidateNumbers: ['0022'] }));
    const res = await centre.post(`/api/enquiries/${id}/cancel`).expect(200);
    expect(res.body.status).toBe('Cancelled');
    expect(res.body.feePence).toBe(0);
    await create(draft({ service: '1', candidateNumbers: ['0022'] }));
    await recordHistory(world.temporal, (await rowOf(id)).workflowId, 'enquiry-cancelled');
  });

  it('[C25] [C16] alerts fire when there is no number, no acknowledgement, or no outcome in time, once each', async () => {
    const app = world.appWith({ numberAlertMs: 500, ackAlertWorkingDays: 0, turnaroundMs: 1500 });
    const c = await signIn(app, f.officer, PASSWORD);
    const b = await signIn(app, f.boardStaff, PASSWORD);
    const res = await c.post('/api/enquiries', { seriesId: f.seriesId, draft: draft({ candidateNumbers: ['0023'] }) });
    const id = res.body.enquiryId;
    await c.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200);
    await eventually(async () => ((await rowOf(id)).alerts.includes('no-number-24h') ? true : undefined));
    expect((await rowOf(id)).alerts).toContain('no-ack-2-working-days');
    await b.post(`/api/board/enquiries/${id}/receive`).expect(200);
    await eventually(async () => ((await rowOf(id)).alerts.includes('turnaround-overdue') ? true : undefined));
    const boardMail = await eventually(async () => {
      const m = (await world.mailTo(`board-${world.taskQueue}@examboard.example`)).filter((x) => x.text.includes(id));
      return m.length >= 3 ? m : undefined;
    });
    expect(boardMail).toHaveLength(3);
    await recordHistory(world.temporal, (await rowOf(id)).workflowId, 'enquiry-alerts');
  });

  it('[C21] a draft still unsent at the deadline is closed, and nothing can be submitted after it', async () => {
    const enquiryId = randomUUID();
    const handle = await world.temporal.workflow.start(enquiryWorkflow, {
      workflowId: enquiryWorkflowId(f.centreNumber, f.seriesId, enquiryId),
      taskQueue: world.taskQueue,
      args: [{ enquiryId, centreNumber: f.centreNumber, seriesId: f.seriesId, draft: draft({ candidateNumbers: ['0024'] }) as never, actor: 'test', timings: { ...DEFAULT_ENQUIRY_POLICY, deadline: new Date(Date.now() + 1500).toISOString() } }],
    });
    const state = await handle.result();
    expect(state.status).toBe('Closed');
    await recordHistory(world.temporal, handle.workflowId, 'enquiry-closed-at-deadline');
    expect((await rowOf(enquiryId)).status).toBe('Closed');
    await expect(handle.executeUpdate(messages.submitEnquiry, { args: [{ declarations: [true, true], actor: { userId: 'x', name: 'x' } }] })).rejects.toThrow();
  });
});
