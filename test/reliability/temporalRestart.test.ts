// Temporal restarts: the dev server, keeping its state in a SQLite file, is stopped and started twice while
// enquiries are in flight. Nothing is lost: every enquiry reaches Acknowledged with one letter and one email.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { enquiries } from '../../db/schema';
import { startDevServer, type DevServer } from '../../temporal-config/devServer';
import { freePort } from '../../temporal-config/process';
import { createFixture, PASSWORD } from '../support/fixtures';
import { eventually, inPool, signIn, startWorld, type World } from '../support/world';

const ENQUIRIES = 8;
let world: World;
let server: DevServer;
let dir: string;
let port: number;
const start = async () =>
  startDevServer({ cli: process.env.TEMPORAL_CLI!, port, uiPort: 0, namespace: 'results-office', headless: true, dbFile: path.join(dir, 'temporal.sqlite'), sqlitePragmas: ['journal_mode=wal', 'synchronous=normal'], logFile: path.join(dir, 'temporal.log') });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-restart-'));
  port = await freePort();
  server = await start();
  world = await startWorld({ temporalAddress: server.address });
});
afterAll(async () => {
  await world?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('[C25] enquiries in flight survive two restarts of the Temporal server', async () => {
  const f = await createFixture(world.database.db, { candidates: ENQUIRIES });
  const centre = await signIn(world.app, f.officer, PASSWORD);
  const board = await signIn(world.app, f.boardStaff, PASSWORD);
  const ids: string[] = [];
  await inPool(f.candidateNumbers, 4, async (candidate) => {
    const res = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [candidate], note: '' } }).expect(201);
    ids.push(res.body.enquiryId);
    await centre.post(`/api/enquiries/${res.body.enquiryId}/submit`, { declarations: [true, true] }).expect(200);
  });

  for (let restart = 1; restart <= 2; restart++) {
    await server.stop();
    server = await start();
    // After each restart the board goes on with the next part of the work.
    const wanted = restart === 1 ? 'receive' : 'acknowledge';
    await inPool(ids, 4, async (id) => {
      await eventually(async () => {
        const res = await board.post(`/api/board/enquiries/${id}/${wanted}`).timeout(15_000).catch(() => ({ status: 0 }));
        return res.status === 200 ? true : undefined;
      }, 90_000);
    });
  }

  const rows = await world.database.db.select().from(enquiries).where(inArray(enquiries.id, ids));
  expect(rows.map((r) => r.status)).toEqual(Array(ENQUIRIES).fill('Acknowledged'));
  const mails = await eventually(async () => {
    const m = (await world.mailTo(f.centreEmail)).filter((x) => x.subject.startsWith('Acknowledgement letter available'));
    return m.length >= ENQUIRIES ? m : undefined;
  }, 60_000);
  expect(mails).toHaveLength(ENQUIRIES);
  const [one] = await world.database.db.select().from(enquiries).where(eq(enquiries.id, ids[0]));
  // Every step once, nothing repeated by the restarts ("created" and the first "saved" may come in either order).
  expect((one.state as { timeline: Array<{ kind: string }> }).timeline.map((e) => e.kind).sort()).toEqual(['acknowledged', 'created', 'received', 'saved', 'submitted']);
}, 300_000);
