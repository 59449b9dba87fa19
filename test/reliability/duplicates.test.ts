// Duplicates: many concurrent copies of the same requests over 100 business keys create exactly 100 workflows and
// exactly one of each side effect (DESIGN rules 2 and 5).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { and, eq, like } from 'drizzle-orm';
import { enquiries, outbox } from '../../db/schema';
import { createFixture, PASSWORD } from '../support/fixtures';
import { eventually, inPool, signIn, startWorld, type World } from '../support/world';

const KEYS = 100;
const COPIES = 10;
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
});
