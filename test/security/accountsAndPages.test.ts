// More of DESIGN rule 8 on the real app, next to http.test.ts: the exact argon2id parameters on every kind of stored
// password (staff, candidates' results-website logins, students), cookie flags behind https, a session that does
// not survive sign-out on any route, answers without stack traces or server banners for unknown pages (JSON and
// HTML), malformed URLs, bodies over the limit and unexpected errors.
import { eq } from 'drizzle-orm';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../api/errors';
import { createLogger } from '../../config/logger';
import { credentials, studentAccounts, users } from '../../db/schema';
import { createAccessFixture } from '../support/accessFixtures';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { createStudentFixture, linkOf, NEW_PASSWORD, rowOf, SECURITY, staff, studentClient, studentCsv } from '../support/studentFixtures';
import { eventually, signIn, startWorld, type World } from '../support/world';

let world: World;
let f: Fixture;
beforeAll(async () => {
  world = await startWorld();
  f = await createFixture(world.database.db);
});
afterAll(() => world?.close());

/** OWASP's argon2id minimum, exactly as api/passwords.ts asks for it. */
const ARGON2ID = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const STACK_TRACE = /\bat \S+ \(|node_modules|\.ts:\d+|\.js:\d+/;

it('(DESIGN rule 8) every stored password is argon2id v19 with m=19456, t=2: staff, results-website logins, students', async () => {
  const [staffRow] = await world.database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, f.officer));
  expect(staffRow.hash).toMatch(ARGON2ID);

  // A results-website login, made by a real letter generation.
  const access = await createAccessFixture(world.database.db, { candidates: 2 });
  const officer = await signIn(world.app, access.officer, PASSWORD);
  const base = `/api/results-access/series/${access.seriesId}`;
  await officer.put(`${base}/access`, { mode: 'ALL', agreement: true, contact: { name: 'Quinn Query', telephone: null, email: 'queries@centre.example' }, delayMinutes: 0 }).expect(200);
  await eventually(async () => ((await officer.get(`${base}/progress`)).body.status === 'done' ? true : undefined), 120_000);
  const logins = await world.database.db.select({ hash: credentials.passwordHash }).from(credentials).where(eq(credentials.centreNumber, access.centreNumber));
  expect(logins).toHaveLength(2);
  for (const l of logins) expect(l.hash).toMatch(ARGON2ID);

  // A student who activated their account with a password of their own.
  const sf = await createStudentFixture(world.database.db, { candidates: 1 });
  const s = sf.students[0];
  const admin = await staff(world.app, sf.officer);
  expect((await admin.upload(studentCsv([rowOf(s)]))).status).toBe(201);
  const [welcome] = await eventually(async () => {
    const m = await world.mailTo(s.email);
    return m.length > 0 ? m : undefined;
  });
  const student = await studentClient(world.app);
  await student.post('/api/students/activate', { token: linkOf(welcome.text).token, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY }).expect(200);
  const [account] = await world.database.db.select({ hash: studentAccounts.passwordHash, answer: studentAccounts.securityAnswerHash }).from(studentAccounts).where(eq(studentAccounts.candidateId, s.candidateId));
  expect(account.hash).toMatch(ARGON2ID);
  expect(account.answer).not.toContain(SECURITY.securityAnswer);
}, 180_000);

it('behind https the session and CSRF cookies are Secure, HttpOnly and SameSite, the CSRF one with the __Host- prefix', async () => {
  const https = world.createApp({ publicUrl: 'https://results.example' }).app;
  const res = await request(https).get('/api/csrf-token').set('X-Forwarded-Proto', 'https').expect(200);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const session = cookies.find((c) => c.startsWith('ro.sid='));
  const csrf = cookies.find((c) => c.startsWith('__Host-ro.csrf='));
  for (const c of [session, csrf]) {
    expect(c).toBeDefined();
    expect(c).toMatch(/; Secure/);
    expect(c).toMatch(/; HttpOnly/);
    expect(c).toMatch(/; SameSite=Lax/);
  }
  expect(csrf).toMatch(/; Path=\//);
  expect(csrf).not.toMatch(/; Domain=/);
  expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
});

it('after sign-out the old session cookie opens nothing, on any route, and its CSRF token is refused', async () => {
  // Signed in by hand, to keep the cookies exactly as the browser had them.
  const cookies = new Map<string, string>();
  const keep = (res: request.Response) => {
    for (const c of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) cookies.set(c.split('=')[0], c.split(';')[0]);
    return res;
  };
  const jarOf = () => [...cookies.values()].join('; ');
  const first = keep(await request(world.app).get('/api/csrf-token'));
  keep(await request(world.app).post('/api/session').set('Cookie', jarOf()).set('x-csrf-token', first.body.csrfToken).send({ email: f.officer, password: PASSWORD }).expect(200));
  const token = keep(await request(world.app).get('/api/csrf-token').set('Cookie', jarOf())).body.csrfToken as string;
  const jar = jarOf();
  await request(world.app).get(`/api/enquiries?seriesId=${f.seriesId}`).set('Cookie', jar).expect(200);
  await request(world.app).delete('/api/session').set('Cookie', jar).set('x-csrf-token', token).expect(200);
  for (const url of [`/api/enquiries?seriesId=${f.seriesId}`, '/api/results-access/series', '/api/student-accounts', '/api/session']) {
    const res = await request(world.app).get(url).set('Cookie', jar);
    expect({ url, status: res.status }).toEqual({ url, status: 401 });
  }
  const change = await request(world.app)
    .post('/api/enquiries')
    .set('Cookie', jar)
    .set('x-csrf-token', token)
    .send({ seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0007'], note: '' } });
  expect([401, 403]).toContain(change.status);
});

it('unknown pages and API routes answer 404 without a stack trace or a server banner, as JSON or HTML', async () => {
  // A page behind sign-in may send an anonymous visitor to the sign-in page instead; it never fails.
  for (const [url, accept, expected] of [
    ['/api/no-such-thing', 'application/json', [404]],
    ['/no-such-page', 'text/html', [404]],
    ['/centre/enquiries/00000000-0000-0000-0000-000000000000', 'text/html', [302, 303, 401, 404]],
  ] as const) {
    const res = await request(world.app).get(url).set('Accept', accept);
    expect({ url, ok: (expected as readonly number[]).includes(res.status) }).toEqual({ url, ok: true });
    expect(res.text).not.toMatch(STACK_TRACE);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.server).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  }
});

it('a malformed URL and a body over the limit are the client’s mistake (4xx), never a 500', async () => {
  const c = await signIn(world.app, f.officer, PASSWORD);
  const badPercent = await c.get('/api/enquiries/%E0%A4%A');
  expect(badPercent.status).toBeGreaterThanOrEqual(400);
  expect(badPercent.status).toBeLessThan(500);
  expect(badPercent.text).not.toMatch(STACK_TRACE);
  const huge = await c.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0007'], note: 'x'.repeat(2 * 1024 * 1024) } });
  expect(huge.status).toBe(413);
  expect(huge.type).toBe('application/json');
  expect(huge.text).not.toMatch(STACK_TRACE);
  const nul = await c.get(`/api/enquiries?seriesId=${f.seriesId}&q=%00`);
  expect(nul.status).toBeLessThan(500);
});

it('an unexpected error answers 500 with a short JSON message, never the error or its stack', async () => {
  const app = express();
  app.get('/boom', () => {
    throw new Error('secret internal detail at /srv/app/db.ts:42');
  });
  app.use(errorHandler(createLogger('test', 'silent')));
  const res = await request(app).get('/boom').set('Accept', 'text/html');
  expect(res.status).toBe(500);
  expect(res.type).toBe('application/json');
  expect(res.body).toEqual({ error: expect.stringMatching(/went wrong on our side/) });
  expect(res.text).not.toMatch(/secret internal detail|STACK|\.ts:\d+/);
});
