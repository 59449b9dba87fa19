// The series calendar issues one invoice per centre from the invoice date, charging fees except where the
// grade changed (C22), on real Temporal, PostgreSQL, Chromium and SMTP.
import { eq } from 'drizzle-orm';
import { extractText } from 'unpdf';
import { documents, enquiries, invoices } from '../../db/schema';
import { seriesCalendarWorkflowId } from '../../workflows/ids';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { eventually, recordHistory, signIn, startWorld, type World } from '../support/world';

let world: World;
let f: Fixture;

beforeAll(async () => {
  world = await startWorld();
  f = await createFixture(world.database.db);
});
afterAll(() => world?.close());

it('[C22] from the invoice date each centre gets one invoice, with no fee where the grade changed', async () => {
  const centre = await signIn(world.app, f.officer, PASSWORD);
  const board = await signIn(world.app, f.boardStaff, PASSWORD);
  const complete = async (candidate: string, gradeAfter: string) => {
    const created = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: [candidate], note: '' } }).expect(201);
    const id = created.body.enquiryId;
    await centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200);
    const received = await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
    await board.post(`/api/board/enquiries/${id}/acknowledge`).expect(200);
    await board.post(`/api/board/enquiries/${id}/outcome`, { components: [], grades: [{ candidateNumber: candidate, gradeBefore: 'C', gradeAfter }] }).expect(200);
    return received.body.enquiryNumber as number;
  };
  const charged = await complete('0001', 'C');
  const waived = await complete('0002', 'B');

  const waiting = await board.post(`/api/board/series/${f.seriesId}/calendar`).expect(200);
  expect(waiting.body.invoicesIssuedAt).toBeNull();
  // Bring the invoice date forward to a day already past: the waiting workflow issues the invoices at once.
  await board.put(`/api/board/series/${f.seriesId}/calendar`, { invoiceDate: '2001-02-03' }).expect(200);
  const handle = world.temporal.workflow.getHandle(seriesCalendarWorkflowId(f.seriesId));
  const done = await handle.result();
  expect(done.invoiceCount).toBeGreaterThanOrEqual(1);
  await recordHistory(world.temporal, handle.workflowId, 'series-calendar-invoiced');

  const [invoice] = await world.database.db.select().from(invoices).where(eq(invoices.centreNumber, f.centreNumber));
  expect(invoice.totalPence).toBe(3500);
  expect((invoice.lines as Array<{ enquiryNumber: number }>).map((l) => l.enquiryNumber)).toEqual([charged]);
  const [doc] = await world.database.db.select().from(documents).where(eq(documents.id, invoice.documentId!));
  const { text } = await extractText(new Uint8Array(doc.content), { mergePages: true });
  expect(text).toContain(String(charged));
  expect(text).not.toContain(String(waived));
  expect(text).toContain('£35.00');

  const listed = await centre.get(`/api/invoices?seriesId=${f.seriesId}`).expect(200);
  expect(listed.body.invoices).toHaveLength(1);
  const mail = await eventually(async () => {
    const m = (await world.mailTo(f.centreEmail)).filter((x) => x.subject.startsWith('Invoice for enquiries'));
    return m.length ? m : undefined;
  });
  expect(mail).toHaveLength(1);
  // The enquiries themselves were not touched by invoicing.
  const rows = await world.database.db.select().from(enquiries).where(eq(enquiries.centreNumber, f.centreNumber));
  expect(rows.every((r) => r.status === 'Completed')).toBe(true);
});

it('[C22] a board user cannot move the invoice date to something that is not a date', async () => {
  const board = await signIn(world.app, f.boardStaff, PASSWORD);
  const res = await board.put(`/api/board/series/${f.seriesId}/calendar`, { invoiceDate: '2026-02-30' });
  expect(res.status).toBe(400);
  expect(res.body.violations[0].field).toBe('invoiceDate');
});
