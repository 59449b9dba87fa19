// The authorisation matrix, tested against the running app: every route x every role (and anonymous), plus
// another centre's and another associate's records. Zero unexpected allows, zero foreign rows.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { users } from '../../db/schema';
import { hashPassword } from '../../api/passwords';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { signIn, startWorld, type World } from '../support/world';
import { AUTHORISATION } from './authorisationMatrix';

let world: World;
let mine: Fixture;
let theirs: Fixture;
const ROLES = ['anonymous', 'exams_officer', 'exams_manager', 'exams_assistant', 'head_of_centre', 'associate_staff', 'board_staff', 'teacher'] as const;
type Caller = { role: (typeof ROLES)[number]; call: (method: string, url: string, body?: object) => request.Test };
const callers: Caller[] = [];
let theirEnquiry: string;

beforeAll(async () => {
  world = await startWorld();
  mine = await createFixture(world.database.db, { associate: true });
  theirs = await createFixture(world.database.db, { associate: true });
  const hash = await hashPassword(PASSWORD);
  const extra = (role: string) => ({ email: `${role}-${randomUUID()}@centre.example`, name: role, passwordHash: hash, roles: [role], centreNumber: mine.centreNumber });
  const more = [extra('exams_manager'), extra('exams_assistant'), extra('teacher')];
  await world.database.db.insert(users).values(more);
  const emails: Record<string, string> = {
    exams_officer: mine.officer,
    head_of_centre: mine.headOfCentre,
    associate_staff: mine.associateStaff,
    board_staff: mine.boardStaff,
    ...Object.fromEntries(more.map((u) => [u.roles[0], u.email])),
  };
  for (const role of ROLES) {
    if (role === 'anonymous') {
      const agent = request.agent(world.app);
      const token = (await agent.get('/api/csrf-token')).body.csrfToken;
      callers.push({ role, call: (m, u, b) => agent[m as 'get'](u).set('x-csrf-token', token).send(b ?? {}) });
    } else {
      const c = await signIn(world.app, emails[role], PASSWORD);
      const token = (await c.agent.get('/api/csrf-token')).body.csrfToken;
      callers.push({ role, call: (m, u, b) => c.agent[m as 'get'](u).set('x-csrf-token', token).send(b ?? {}) });
    }
  }
  const other = await signIn(world.app, theirs.officer, PASSWORD);
  const res = await other.post('/api/enquiries', { seriesId: theirs.seriesId, draft: { service: '1', syllabusCode: theirs.maths, componentCodes: ['11'], candidateNumbers: ['0007'], note: 'theirs' } });
  theirEnquiry = res.body.enquiryId;
});
afterAll(() => world?.close());

const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

it('every route has an entry in the authorisation matrix, and the matrix names no route that does not exist', () => {
  const routes = world.routes.map(key).sort();
  expect(routes.filter((r) => !(r in AUTHORISATION))).toEqual([]);
  expect(Object.keys(AUTHORISATION).filter((k) => !routes.includes(k))).toEqual([]);
});

it('every role gets exactly the access the matrix gives it, on every route (zero unexpected allows)', async () => {
  const unexpected: string[] = [];
  // The session routes sign in and out (which would sign these callers out); test/security/http.test.ts covers them.
  for (const route of world.routes.filter((r) => r.path !== '/api/session')) {
    const allowed = AUTHORISATION[key(route)];
    // Parameters point at another centre's records: an allowed caller may pass the role check, never see them.
    const url =
      route.path.replace(':seriesId', mine.seriesId).replace(':id', theirEnquiry).replace(':candidateNumber', '0007').replace(':generation', '1').replace(':kind', 'pdf') +
      (route.path.endsWith('/enquiries/candidates') ? `?syllabusCode=${mine.maths}` : '') +
      // Scoped to this file's series: the global oldest could belong to another test file whose worker has stopped.
      (route.path.endsWith('/receive-next') ? `?seriesId=${mine.seriesId}` : '');
    for (const caller of callers) {
      const res = await caller.call(route.method, url);
      if (allowed === undefined) continue; // reported by the test above
      const mayCall = allowed === 'public' || (caller.role !== 'anonymous' && allowed.includes(caller.role));
      const refused = res.status === 401 || res.status === 403;
      if (mayCall === refused) unexpected.push(`${key(route)} as ${caller.role}: ${res.status}`);
      if (!mayCall && caller.role === 'anonymous' && res.status !== 401) unexpected.push(`${key(route)} anonymous should be 401, got ${res.status}`);
      if (res.status >= 500) unexpected.push(`${key(route)} as ${caller.role}: ${res.status} ${JSON.stringify(res.body)}`);
      // Another centre's enquiry id never yields its data.
      if (route.path.includes(':id') && res.status === 200 && JSON.stringify(res.body).includes(theirs.centreNumber) && caller.role !== 'board_staff') {
        unexpected.push(`${key(route)} as ${caller.role} returned another centre's data`);
      }
    }
  }
  expect(unexpected).toEqual([]);
}, 300_000);

it('lists never contain another centre’s or another associate’s rows', async () => {
  for (const caller of callers.filter((c) => ['exams_officer', 'exams_manager', 'exams_assistant', 'head_of_centre', 'associate_staff'].includes(c.role))) {
    for (const url of ['/api/enquiries', '/api/enquiries?q=0007', '/api/associate/approvals', '/api/associate/documents', '/api/invoices']) {
      const res = await caller.call('get', url);
      if (res.status === 200) expect(JSON.stringify(res.body)).not.toContain(theirs.centreNumber);
    }
  }
});
