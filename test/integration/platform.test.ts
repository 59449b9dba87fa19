// The first end-to-end proof through every real part: HTTP -> Temporal workflow -> PostgreSQL rows ->
// handlebars letter printed by Chromium -> email received by the SMTP sink -> search attributes in Temporal.
import { eq } from 'drizzle-orm';
import { extractText } from 'unpdf';
import { documents, enquiries, outbox } from '../../db/schema';
import { EnquiryStatus, CentreNumber, EnquiryNumber } from '../../workflows/searchAttributes';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { eventually, recordHistory, signIn, startWorld, type World } from '../support/world';

let world: World;
let f: Fixture;

beforeAll(async () => {
  world = await startWorld();
  f = await createFixture(world.database.db);
});
afterAll(() => world?.close());

it('[C19] an enquiry goes from an HTTP request to a stored acknowledgement PDF, one email and searchable attributes', async () => {
  const centre = await signIn(world.app, f.officer, PASSWORD);
  const board = await signIn(world.app, f.boardStaff, PASSWORD);

  const created = await centre.post('/api/enquiries', {
    seriesId: f.seriesId,
    draft: { service: '2', syllabusCode: f.maths, componentCodes: ['11', '13'], candidateNumbers: ['7'], note: 'Ada re-mark' },
  });
  expect(created.status).toBe(201);
  const id: string = created.body.enquiryId;

  await centre.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200);
  const received = await board.post(`/api/board/enquiries/${id}/receive`).expect(200);
  expect(received.body.enquiryNumber).toBeGreaterThan(100000);
  const acked = await board.post(`/api/board/enquiries/${id}/acknowledge`).expect(200);
  expect(acked.body.status).toBe('Acknowledged');

  // PostgreSQL: the workflow's activity wrote the row.
  const [row] = await world.database.db.select().from(enquiries).where(eq(enquiries.id, id));
  expect(row.status).toBe('Acknowledged');
  expect(row.enquiryNumber).toBe(received.body.enquiryNumber);

  // Chromium: the acknowledgement letter is a real PDF naming the enquiry, downloadable by the centre.
  const ack = acked.body.documents.find((d: { kind: string }) => d.kind === 'Ack');
  const download = await centre.get(`/api/documents/${ack.documentId}`).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(download.status).toBe(200);
  expect(download.headers['content-type']).toBe('application/pdf');
  const { text } = await extractText(new Uint8Array(download.body as Buffer), { mergePages: true });
  expect(text).toContain('Acknowledgement of enquiry about results');
  expect(text).toContain(String(received.body.enquiryNumber));
  expect(text).toContain(f.maths);

  // SMTP: the centre's address received exactly one email for the acknowledgement.
  const mails = await eventually(async () => {
    const m = (await world.mailTo(f.centreEmail)).filter((x) => x.subject.startsWith('Acknowledgement letter available'));
    return m.length > 0 ? m : undefined;
  });
  expect(mails).toHaveLength(1);
  expect(mails[0].subject).toContain(String(received.body.enquiryNumber));

  // Temporal: an operator finds the workflow by its search attributes.
  const description = await world.temporal.workflow.getHandle(row.workflowId).describe();
  expect(description.typedSearchAttributes.get(EnquiryStatus)).toBe('Acknowledged');
  expect(description.typedSearchAttributes.get(CentreNumber)).toBe(f.centreNumber);
  expect(description.typedSearchAttributes.get(EnquiryNumber)).toBe(received.body.enquiryNumber);

  // And exactly one stored letter and one outbox row per event.
  const docs = await world.database.db.select({ id: documents.id }).from(documents).where(eq(documents.enquiryId, id));
  expect(docs).toHaveLength(1);
  const sent = await world.database.db.select().from(outbox).where(eq(outbox.toAddress, f.centreEmail));
  expect(sent.map((s) => s.businessKey).sort()).toEqual([`enquiry:${id}:document:Ack:`, `enquiry:${id}:submitted`]);

  await recordHistory(world.temporal, row.workflowId, 'enquiry-acknowledged');
});

it('serves health, readiness and the OpenAPI document', async () => {
  const request = (await import('supertest')).default;
  await request(world.app).get('/healthz').expect(200);
  const ready = await request(world.app).get('/readyz').expect(200);
  expect(ready.body).toEqual({ postgres: 'up', temporal: 'up' });
  const doc = await request(world.app).get('/api/openapi.json').expect(200);
  expect(doc.body.openapi).toBe('3.1.0');
  expect(Object.keys(doc.body.paths)).toContain('/api/enquiries/{id}/submit');
});
