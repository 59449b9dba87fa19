// Mail queued by a web request whose Temporal call failed is not lost: the outbox relay starts its sending workflow
// later, and a mail whose workflow did start is never sent twice. Real Temporal, PostgreSQL and SMTP sink; the web
// app that queues the mail talks to a Temporal address where nothing listens, as during an outage.
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { outbox } from '../../db/schema';
import { ensureSchedules } from '../../temporal-config/schedules';
import { OUTBOX_RELAY_SCHEDULE_ID } from '../../workflows/ids';
import { outboxRelayWorkflow } from '../../workflows/outboxRelay';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { eventually, recordHistory, signIn, startWorld, type World } from '../support/world';

let world: World;
let f: Fixture;
let deadTemporal: Connection;

beforeAll(async () => {
  world = await startWorld();
  f = await createFixture(world.database.db, { candidates: 1 });
  deadTemporal = await Connection.lazy({ address: '127.0.0.1:9' });
});
afterAll(async () => {
  await deadTemporal.close();
  await world?.close();
});

const relayOnce = (workflowId = `outbox-relay-test-${Date.now()}-${Math.random()}`) =>
  world.temporal.workflow.execute(outboxRelayWorkflow, { workflowId, taskQueue: world.taskQueue, args: [{ olderThanMs: 0, limit: 500 }] });

it('[B8] an invitation queued while Temporal was unreachable is sent once by the outbox relay, and a second relay sends nothing more', async () => {
  const { app } = world.createApp({ temporal: new Client({ connection: deadTemporal, namespace: 'results-office' }) });
  const officer = await signIn(app, f.officer, PASSWORD);
  const email = `relay-${f.centreNumber.toLowerCase()}@school.example`;
  const res = await officer.post('/api/teachers/invitations', { email, name: 'Rita Relay' });
  expect(res.status).toBe(503); // the request could not start the mail's workflow…
  expect(res.text).not.toMatch(/at .*\.ts:\d+/); // …and says so without a stack trace
  const [queued] = await world.database.db.select().from(outbox).where(eq(outbox.toAddress, email));
  expect(queued).toMatchObject({ relay: 'portal-email', attempts: 0, sentAt: null }); // but the mail is queued

  const firstId = `outbox-relay-test-${Date.now()}`;
  const first = await relayOnce(firstId);
  expect(first.started).toBeGreaterThanOrEqual(1);
  await recordHistory(world.temporal, firstId, 'outbox-relay-started');
  const mails = await eventually(async () => {
    const m = await world.mailTo(email);
    return m.length > 0 ? m : undefined;
  }, 60_000);
  expect(mails).toHaveLength(1);
  expect(mails[0].headers['x-business-key']).toBe(queued.businessKey);

  await relayOnce();
  await eventually(async () => ((await world.database.db.select().from(outbox).where(eq(outbox.id, queued.id)))[0].sentAt ? true : undefined), 30_000);
  expect(await world.mailTo(email)).toHaveLength(1);
}, 120_000);

it('the relay runs on a schedule that every web process ensures, without duplicates', async () => {
  await ensureSchedules(world.temporal, world.taskQueue);
  await ensureSchedules(world.temporal, world.taskQueue); // a second web process
  const schedule = await world.temporal.schedule.getHandle(OUTBOX_RELAY_SCHEDULE_ID).describe();
  expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'outboxRelayWorkflow' });
  expect(schedule.spec.intervals?.[0].every).toBe(5 * 60_000);
  await world.temporal.schedule.getHandle(OUTBOX_RELAY_SCHEDULE_ID).delete();
});
