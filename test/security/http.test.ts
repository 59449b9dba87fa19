// Security by default, checked on the real app: headers, cookies, sessions, CSRF, uniform answers, no stack
// traces, argon2id parameters on stored hashes (DESIGN rule 8).
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { users } from '../../db/schema';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { startWorld, type World } from '../support/world';

let world: World;
let f: Fixture;
beforeAll(async () => {
  world = await startWorld();
  f = await createFixture(world.database.db);
});
afterAll(() => world?.close());

const cookieValue = (res: request.Response, name: string) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));

it('sets a content security policy and the other protective headers, and no server banner', async () => {
  const res = await request(world.app).get('/healthz');
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['strict-transport-security']).toBeDefined();
});

it('regenerates the session at sign-in, with an HttpOnly SameSite cookie, and destroys it at sign-out', async () => {
  const agent = request.agent(world.app);
  const first = await agent.get('/api/csrf-token');
  const before = cookieValue(first, 'ro.sid');
  expect(before).toMatch(/HttpOnly/);
  expect(before).toMatch(/SameSite=Lax/);
  const signedIn = await agent.post('/api/session').set('x-csrf-token', first.body.csrfToken).send({ email: f.officer, password: PASSWORD }).expect(200);
  const after = cookieValue(signedIn, 'ro.sid');
  expect(after).toBeDefined();
  expect(after!.split(';')[0]).not.toBe(before!.split(';')[0]);

  const token = (await agent.get('/api/csrf-token')).body.csrfToken;
  await agent.get('/api/session').expect(200);
  await agent.delete('/api/session').set('x-csrf-token', token).expect(200);
  await agent.get('/api/session').expect(401);
  // The old cookie is worth nothing after sign-out.
  await request(world.app).get('/api/session').set('Cookie', after!.split(';')[0]).expect(401);
});

it('refuses a change without the CSRF token, and changes nothing', async () => {
  const agent = request.agent(world.app);
  const token = (await agent.get('/api/csrf-token')).body.csrfToken;
  await agent.post('/api/session').set('x-csrf-token', token).send({ email: f.officer, password: PASSWORD }).expect(200);
  const res = await agent.post('/api/enquiries').send({ seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0007'] } });
  expect(res.status).toBe(403);
  expect(res.body.error).toMatch(/Reload the page/);
  const list = await agent.get(`/api/enquiries?seriesId=${f.seriesId}`).expect(200);
  expect(list.body.enquiries).toEqual([]);
});

it('answers an unknown account and a wrong password byte for byte the same', async () => {
  const attempt = async (email: string) => {
    const agent = request.agent(world.app);
    const token = (await agent.get('/api/csrf-token')).body.csrfToken;
    return agent.post('/api/session').set('x-csrf-token', token).send({ email, password: 'not the password' });
  };
  const unknown = await attempt(`nobody-${f.centreNumber}@centre.example`);
  const wrong = await attempt(f.officer);
  expect(unknown.status).toBe(401);
  expect(wrong.status).toBe(unknown.status);
  expect(wrong.text).toBe(unknown.text);
});

it('never shows a stack trace: bad JSON, unknown routes and bad ids get short JSON answers', async () => {
  const agent = request.agent(world.app);
  const token = (await agent.get('/api/csrf-token')).body.csrfToken;
  const bad = await agent.post('/api/session').set('x-csrf-token', token).set('Content-Type', 'application/json').send('{"email": ');
  expect(bad.status).toBe(400);
  const missing = await request(world.app).get('/api/no-such-thing');
  expect(missing.status).toBe(404);
  for (const res of [bad, missing]) {
    expect(res.type).toBe('application/json');
    expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
  }
});

it('stores passwords only as argon2id hashes with at least 19 MiB and 2 iterations', async () => {
  const [row] = await world.database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, f.officer));
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=\d+\$/.exec(row.hash ?? '');
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThanOrEqual(19456);
  expect(Number(m![2])).toBeGreaterThanOrEqual(2);
});
