// SMTP outage: the centre's submission is answered at once; the email waits in the outbox, is retried, and goes
// out exactly once when the mail server returns.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { readSink, startSmtpSink } from '../../activities/email/smtpSink';
import { outbox } from '../../db/schema';
import { freePort } from '../../temporal-config/process';
import { createFixture, PASSWORD } from '../support/fixtures';
import { eventually, signIn, startWorld, type World } from '../support/world';

let world: World;
let port: number;
beforeAll(async () => {
  port = await freePort(); // nothing listens here until the "outage" ends
  world = await startWorld({ smtpUrl: `smtp://127.0.0.1:${port}` });
});
afterAll(() => world?.close());

it('keeps mail in the outbox while SMTP is down and sends it once when it returns', async () => {
  const f = await createFixture(world.database.db);
  const centre = await signIn(world.app, f.officer, PASSWORD);
  const created = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0007'], note: '' } }).expect(201);
  const startedAt = Date.now();
  const sub = await centre.post(`/api/enquiries/${created.body.enquiryId}/submit`, { declarations: [true, true] });
  expect(sub.status).toBe(200);
  expect(Date.now() - startedAt).toBeLessThan(5000); // not held up by the outage

  const waiting = await eventually(async () => {
    const [row] = await world.database.db.select().from(outbox).where(eq(outbox.toAddress, f.centreEmail));
    return row && row.attempts >= 2 ? row : undefined;
  }, 30_000);
  expect(waiting.sentAt).toBeNull();
  expect(waiting.lastError).toMatch(/ECONNREFUSED/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-back-'));
  const sink = await startSmtpSink({ dir, port });
  try {
    const mails = await eventually(async () => {
      const m = await readSink(dir);
      return m.length > 0 ? m : undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 2000)); // any duplicate would arrive by now
    expect(await readSink(dir)).toHaveLength(1);
    expect(mails[0].subject).toContain('Enquiry submitted');
    const [sent] = await world.database.db.select().from(outbox).where(eq(outbox.toAddress, f.centreEmail));
    expect(sent.sentAt).not.toBeNull();
  } finally {
    await sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
