// Group enquiries waiting on other enquiries (Service 5 and 9) and associates approving and releasing, end to end
// on real Temporal and PostgreSQL. The waiting is by signals between enquiry workflows, never by polling.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { enquiries } from '../../db/schema';
import { DEFAULT_ENQUIRY_POLICY } from '../../api/routes/enquiries';
import { enquiryWorkflow } from '../../workflows/enquiry';
import { enquiryWorkflowId } from '../../workflows/ids';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { eventually, recordHistory, signIn, startWorld, type World } from '../support/world';

type Client = Awaited<ReturnType<typeof signIn>>;
let world: World;
let board: Client;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

const rowOf = async (id: string) => (await world.database.db.select().from(enquiries).where(eq(enquiries.id, id)))[0];
const statusOf = async (id: string) => (await rowOf(id))?.status;
const waitForStatus = (id: string, status: string) => eventually(async () => ((await statusOf(id)) === status ? true : undefined), 20_000);

async function centreOf(f: Fixture) {
  board ??= await signIn(world.app, f.boardStaff, PASSWORD);
  return signIn(world.app, f.officer, PASSWORD);
}
async function create(c: Client, f: Fixture, d: { service: string; syllabusCode?: string; componentCodes: string[]; candidateNumbers: string[]; note?: string }) {
  const res = await c.post('/api/enquiries', { seriesId: f.seriesId, draft: { syllabusCode: f.maths, note: '', ...d } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.enquiryId as string;
}
const submit = (c: Client, id: string) => c.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] });
async function acknowledge(id: string) {
  await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
  return (await board.post(`/api/board/enquiries/${id}/acknowledge`).expect(200)).body;
}
async function complete(id: string, candidate: string) {
  await acknowledge(id);
  await board.post(`/api/board/enquiries/${id}/outcome`, { components: [], grades: [{ candidateNumber: candidate, gradeBefore: 'C', gradeAfter: 'C' }] }).expect(200);
}
const pdf = Buffer.from('%PDF-1.4\n%%EOF');
const group = ['0007', '0008', '0009', '0010', '0011'];

describe('Service 9', () => {
  it('[C6] warns before submitting, waits as Pending for open enquiries, and goes on by itself when they finish', async () => {
    const f = await createFixture(world.database.db);
    const c = await centreOf(f);
    const blocker = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0008'] });
    await submit(c, blocker).expect(200);

    const s9 = await create(c, f, { service: '9', componentCodes: ['11'], candidateNumbers: group });
    const check = await c.get(`/api/enquiries/${s9}/submission-check`).expect(200);
    expect(check.body.candidatesWithOpenEnquiries.map((o: { candidateNumber: string }) => o.candidateNumber)).toEqual(['0008']);
    expect(check.body.warning).toContain('0008');
    const pending = await submit(c, s9).expect(200);
    expect(pending.body.status).toBe('Pending');
    expect(pending.body.submittedAt).toBeNull();

    await complete(blocker, '0008');
    await waitForStatus(s9, 'Submitted');
    const row = await rowOf(s9);
    expect(row.submittedAt).not.toBeNull();
    // Completes with the report alone: no marks are reviewed.
    await acknowledge(s9);
    const done = await board.postPdf(`/api/board/enquiries/${s9}/documents?kind=Rpt&filename=group-report.pdf`, pdf).expect(200);
    expect(done.body.status).toBe('Completed');
    await recordHistory(world.temporal, row.workflowId, 'enquiry-service9-pending-then-completed');
  });

  it('[C6] a blocking enquiry cancelled instead of completed also lets Service 9 go on', async () => {
    const f = await createFixture(world.database.db);
    const c = await centreOf(f);
    const blocker = await create(c, f, { service: '2', componentCodes: ['11'], candidateNumbers: ['0009'] });
    await submit(c, blocker).expect(200);
    const s9 = await create(c, f, { service: '9', componentCodes: ['11'], candidateNumbers: group });
    expect((await submit(c, s9).expect(200)).body.status).toBe('Pending');
    await c.post(`/api/enquiries/${blocker}/cancel`).expect(200);
    await waitForStatus(s9, 'Submitted');
  });

  it('[C6] two Service 9 enquiries sharing candidates both wait for, and both go on after, the same enquiry', async () => {
    const f = await createFixture(world.database.db);
    const c = await centreOf(f);
    const blocker = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0010'] });
    await submit(c, blocker).expect(200);
    const a = await create(c, f, { service: '9', componentCodes: ['11'], candidateNumbers: group });
    const b = await create(c, f, { service: '9', componentCodes: ['13'], candidateNumbers: ['0010', '0012', '0013', '0014', '0015'] });
    expect((await submit(c, a).expect(200)).body.status).toBe('Pending');
    const second = await submit(c, b).expect(200);
    expect(second.body.status).toBe('Pending');
    // The second waits only for the individual enquiry, not for the first group report.
    expect(second.body.waitingFor.map((w: { enquiryId: string }) => w.enquiryId)).toEqual([blocker]);
    await complete(blocker, '0010');
    await Promise.all([waitForStatus(a, 'Submitted'), waitForStatus(b, 'Submitted')]);
  });

  it('[C6] [C15] an enquiry filed after the Service 9 submission does not hold back the report already waiting', async () => {
    const f = await createFixture(world.database.db);
    const c = await centreOf(f);
    const first = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0007'] });
    await submit(c, first).expect(200);
    const s9 = await create(c, f, { service: '9', componentCodes: ['11'], candidateNumbers: group });
    expect((await submit(c, s9).expect(200)).body.waitingFor).toHaveLength(1);
    const later = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0011'] });
    await submit(c, later).expect(200);
    await complete(first, '0007');
    await waitForStatus(s9, 'Submitted');
    expect(await statusOf(later)).toBe('Submitted');
    // Both are now in the board's queue in the order they reached it (C15): the later enquiry first.
    const queue = await board.get(`/api/board/enquiries?status=Submitted&seriesId=${f.seriesId}`).expect(200);
    const ids = queue.body.queue.map((q: { id: string }) => q.id).filter((id: string) => id === s9 || id === later);
    expect(ids).toEqual([later, s9]);
  });

  it('[C6] a blocking enquiry that completes while the Service 9 enquiry is being submitted never leaves it stuck', async () => {
    for (let round = 0; round < 3; round++) {
      const f = await createFixture(world.database.db);
      const c = await centreOf(f);
      const blocker = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0007'] });
      await submit(c, blocker).expect(200);
      await acknowledge(blocker);
      const s9 = await create(c, f, { service: '9', componentCodes: ['11'], candidateNumbers: group });
      await Promise.all([
        submit(c, s9).expect(200),
        board.post(`/api/board/enquiries/${blocker}/outcome`, { components: [], grades: [{ candidateNumber: '0007', gradeBefore: 'C', gradeAfter: 'C' }] }).expect(200),
      ]);
      await waitForStatus(s9, 'Submitted');
    }
  });

  it('[C10] [C26] portfolio-of-evidence candidates cannot be in Service 9, and the list reveals Service 9 numbers behind a marker', async () => {
    const f = await createFixture(world.database.db);
    const c = await centreOf(f);
    const refused = await c.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '9', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: [f.portfolioCandidate, '0007', '0008', '0009', '0010'], note: '' } });
    expect(refused.status).toBe(422);
    expect(refused.body.violations.map((v: { rule: string }) => v.rule)).toContain('C10');
    const s9 = await create(c, f, { service: '9', componentCodes: ['11'], candidateNumbers: group, note: 'group report' });
    const list = await c.get(`/api/enquiries?seriesId=${f.seriesId}`).expect(200);
    const item = list.body.enquiries.find((e: { id: string }) => e.id === s9);
    expect(item.candidates).toEqual({ marker: '?', candidateNumbers: group });
  });
});

describe('Service 5', () => {
  it('[C5] [C26] covers the whole group ("All"), and its report waits for other enquiries of the group to finish', async () => {
    const f = await createFixture(world.database.db);
    const c = await centreOf(f);
    const single = await c.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '5', syllabusCode: f.english, componentCodes: ['04'], candidateNumbers: ['0007'], note: '' } });
    expect(single.status).toBe(422);
    expect(single.body.violations.map((v: { rule: string }) => v.rule)).toContain('C5');

    const other = await create(c, f, { service: '1', syllabusCode: f.english, componentCodes: ['01'], candidateNumbers: ['0002'] });
    await submit(c, other).expect(200);
    const s5 = await create(c, f, { service: '5', syllabusCode: f.english, componentCodes: ['04'], candidateNumbers: [] });
    const sub = await submit(c, s5).expect(200);
    expect(sub.body.status).toBe('Submitted');
    expect(sub.body.waitingFor.map((w: { candidateNumber: string }) => w.candidateNumber)).toEqual(['0002']);
    const list = await c.get(`/api/enquiries?seriesId=${f.seriesId}`).expect(200);
    expect(list.body.enquiries.find((e: { id: string }) => e.id === s5).candidates).toBe('All');

    await acknowledge(s5);
    await board.post(`/api/board/enquiries/${s5}/outcome`, { components: [], grades: [] }).expect(200);
    const early = await board.postPdf(`/api/board/enquiries/${s5}/documents?kind=Rpt&filename=remoderation.pdf`, pdf);
    expect(early.status).toBe(422);
    expect(early.body.violations[0].rule).toBe('C5');
    await complete(other, '0002');
    const done = await eventually(async () => {
      const res = await board.postPdf(`/api/board/enquiries/${s5}/documents?kind=Rpt&filename=remoderation.pdf`, pdf);
      return res.status === 200 ? res : undefined;
    });
    expect(done.body.status).toBe('Completed');
  });
});

describe('associates', () => {
  let f: Fixture;
  let c: Client;
  let associate: Client;
  beforeAll(async () => {
    f = await createFixture(world.database.db, { associate: true });
    c = await centreOf(f);
    associate = await signIn(world.app, f.associateStaff, PASSWORD);
  });

  it('[C17] an associate centre’s enquiry waits for its associate, who approves it on to the board or rejects it with a reason', async () => {
    const a = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0007'] });
    const b = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0008'] });
    expect((await submit(c, a).expect(200)).body.status).toBe('AwaitingApproval');
    expect((await submit(c, b).expect(200)).body.status).toBe('AwaitingApproval');
    const approvals = await associate.get('/api/associate/approvals').expect(200);
    expect(approvals.body.approvals.map((x: { id: string }) => x.id)).toEqual([a, b]);
    await eventually(async () => ((await world.mailTo(f.associateEmail)).filter((m) => m.subject.startsWith('Enquiry awaiting your approval')).length === 2 ? true : undefined));

    const approved = await associate.post(`/api/associate/enquiries/${a}/approve`).expect(200);
    expect(approved.body.status).toBe('Submitted');
    await associate.post(`/api/associate/enquiries/${b}/reject`, { reason: '' }).expect(400);
    const rejected = await associate.post(`/api/associate/enquiries/${b}/reject`, { reason: 'Wrong component chosen' }).expect(200);
    expect(rejected.body.status).toBe('Rejected');
    const seen = await c.get(`/api/enquiries/${b}`).expect(200);
    expect(seen.body.enquiry.rejectionReason).toBe('Wrong component chosen');
    await recordHistory(world.temporal, (await rowOf(b)).workflowId, 'enquiry-associate-rejected');
  });

  it('[C29] board documents go to the associate, reach the centre only when released (one or several at once), with the same status in both accounts', async () => {
    const ids: string[] = [];
    for (const n of ['0009', '0010']) {
      const id = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: [n] });
      await submit(c, id).expect(200);
      await associate.post(`/api/associate/enquiries/${id}/approve`).expect(200);
      await acknowledge(id);
      ids.push(id);
    }
    // The associate is told, the centre is not (yet).
    await eventually(async () => ((await world.mailTo(f.associateEmail)).filter((m) => m.subject.startsWith('Ack available to release')).length === 2 ? true : undefined));
    expect((await world.mailTo(f.centreEmail)).filter((m) => m.subject.startsWith('Acknowledgement letter available'))).toHaveLength(0);

    const centreView = await c.get(`/api/enquiries/${ids[0]}`).expect(200);
    const associateView = await associate.get(`/api/enquiries/${ids[0]}`).expect(200);
    expect(centreView.body.enquiry.status).toBe('Acknowledged');
    expect(associateView.body.enquiry.status).toBe('Acknowledged');
    expect(centreView.body.enquiry.documents).toEqual([]);
    const ack = associateView.body.enquiry.documents[0];
    await c.get(`/api/documents/${ack.documentId}`).expect(404);
    await associate.get(`/api/documents/${ack.documentId}`).expect(200);

    const waiting = await associate.get('/api/associate/documents').expect(200);
    expect(waiting.body.documents.filter((d: { enquiryId: string }) => ids.includes(d.enquiryId))).toHaveLength(2);
    const released = await associate.post('/api/associate/release', { enquiryIds: ids, kinds: ['Ack'] }).expect(200);
    expect(released.body.results).toEqual(ids.map((enquiryId) => ({ enquiryId, released: ['Ack'] })));
    await c.get(`/api/documents/${ack.documentId}`).expect(200);
    await eventually(async () => ((await world.mailTo(f.centreEmail)).filter((m) => m.subject.startsWith('Acknowledgement letter available')).length === 2 ? true : undefined));
    const again = await associate.post('/api/associate/release', { enquiryIds: [ids[0]], kinds: ['Ack'] });
    expect(again.status).toBe(422);
  });

  it('[C29] an error in an acknowledgement goes centre -> associate -> board within 24 hours of its issue, and is refused after', async () => {
    const id = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0011'] });
    await submit(c, id).expect(200);
    await associate.post(`/api/associate/enquiries/${id}/approve`).expect(200);
    await acknowledge(id);
    await c.post(`/api/enquiries/${id}/acknowledgement-error`, { description: 'Wrong candidate name' }).expect(200);
    await associate.post(`/api/associate/enquiries/${id}/acknowledgement-error`, { description: 'Centre reports wrong candidate name' }).expect(200);
    await eventually(async () => ((await world.mailTo(f.associateEmail)).some((m) => m.text.includes('Wrong candidate name')) ? true : undefined));
    await eventually(async () => ((await world.mailTo(`board-${world.taskQueue}@examboard.example`)).some((m) => m.text.includes('Centre reports wrong candidate name')) ? true : undefined));

    // With a short window (as input), a late report is refused with the reason.
    const shortApp = world.appWith({ ackErrorWindowMs: 300 });
    const c2 = await signIn(shortApp, f.officer, PASSWORD);
    const res = await c2.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0012'], note: '' } });
    const late = res.body.enquiryId;
    await submit(c2, late).expect(200);
    await associate.post(`/api/associate/enquiries/${late}/approve`).expect(200);
    await acknowledge(late);
    await new Promise((r) => setTimeout(r, 600));
    const refused = await associate.post(`/api/associate/enquiries/${late}/acknowledgement-error`, { description: 'Too late' });
    expect(refused.status).toBe(422);
    expect(refused.body.violations[0]).toMatchObject({ rule: 'C29', field: 'description' });
  });

  it('[C17] an associate sees only its associate centres, and nobody approves for an associate they do not belong to', async () => {
    const plain = await createFixture(world.database.db);
    const plainCentre = await signIn(world.app, plain.officer, PASSWORD);
    const theirs = await create(plainCentre, plain, { service: '1', componentCodes: ['11'], candidateNumbers: ['0007'] });
    await associate.get(`/api/enquiries/${theirs}`).expect(404);
    const list = await associate.get('/api/enquiries').expect(200);
    expect(list.body.enquiries.every((e: { centreNumber: string }) => e.centreNumber === f.centreNumber)).toBe(true);

    const mine = await create(c, f, { service: '1', componentCodes: ['11'], candidateNumbers: ['0013'] });
    await submit(c, mine).expect(200);
    const otherAssociate = await createFixture(world.database.db, { associate: true });
    const stranger = await signIn(world.app, otherAssociate.associateStaff, PASSWORD);
    await stranger.post(`/api/associate/enquiries/${mine}/approve`).expect(404);
    await c.post(`/api/associate/enquiries/${mine}/approve`).expect(403);
    expect(await statusOf(mine)).toBe('AwaitingApproval');
  });

  it('[C17] [C21] an enquiry not approved by the deadline is closed, after associate and centre were warned', async () => {
    const enquiryId = randomUUID();
    const handle = await world.temporal.workflow.start(enquiryWorkflow, {
      workflowId: enquiryWorkflowId(f.centreNumber, f.seriesId, enquiryId),
      taskQueue: world.taskQueue,
      args: [{
        enquiryId, centreNumber: f.centreNumber, associateId: f.associateId, seriesId: f.seriesId, actor: 'test',
        draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0014'], note: '' },
        timings: { ...DEFAULT_ENQUIRY_POLICY, deadline: new Date(Date.now() + 8000).toISOString(), approvalWarningMs: 5000 },
      }],
    });
    await waitForStatus(enquiryId, 'Saved');
    await submit(c, enquiryId).expect(200);
    const state = await handle.result();
    expect(state.status).toBe('Closed');
    expect(state.alerts).toContain('approval-deadline-near');
    for (const to of [f.associateEmail, f.centreEmail]) {
      await eventually(async () => ((await world.mailTo(to)).some((m) => m.subject.startsWith('Enquiry still awaiting approval') && m.text.includes(f.centreNumber)) ? true : undefined));
    }
    await recordHistory(world.temporal, handle.workflowId, 'enquiry-associate-closed-at-deadline');
  });
});
