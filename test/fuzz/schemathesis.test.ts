// API fuzzing: Schemathesis (test/fuzz/schemathesis.sh, pinned, from PyPI) generates requests from the app's own
// OpenAPI document and sends them as a signed-in user of each role, with the session cookie and the CSRF header.
// Checks: no 5xx (not_a_server_error) and every answer matches the schema the document declares.
// CI (3 generated examples per operation, plus Schemathesis's boundary-value "coverage" phase) sends about 2,400
// requests per role, about 17,000 in all; FUZZ_EXAMPLES=<n> raises the examples per operation for a longer run.
// The first run installs Schemathesis into .tools/venv (python3 and PyPI needed), later runs reuse it.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { users } from '../../db/schema';
import { hashPassword } from '../../api/passwords';
import { createFixture, PASSWORD } from '../support/fixtures';
import { startPrivateDatabase, type PrivateDatabase } from '../support/privateDatabase';
import { signIn, startWorld, type World } from '../support/world';

const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 3);
const SCRIPT = path.join(__dirname, 'schemathesis.sh');
const ROLES = ['exams_officer', 'exams_manager', 'exams_assistant', 'head_of_centre', 'associate_staff', 'board_staff', 'teacher'] as const;

let world: World;
let pg: PrivateDatabase;
let server: http.Server;
let base: string;
const emails: Record<string, string> = {};
/** Real identifiers for path parameters, so requests reach past "not found" into the routes' own checks. */
let known: { seriesId: string; enquiryId: string };
const reportRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));

beforeAll(async () => {
  // Its own database: "receive the next enquiry" must find this file's enquiries, not another test file's whose
  // worker has gone (an update to such a workflow would wait for a worker that never comes).
  pg = await startPrivateDatabase('fuzz');
  world = await startWorld({ databaseUrl: pg.url });
  const f = await createFixture(world.database.db, { associate: true });
  const hash = await hashPassword(PASSWORD);
  const extra = ['exams_manager', 'exams_assistant', 'teacher'].map((role) => ({ email: `${role}-${randomUUID()}@centre.example`, name: role, passwordHash: hash, roles: [role], centreNumber: f.centreNumber }));
  await world.database.db.insert(users).values(extra);
  Object.assign(emails, { exams_officer: f.officer, head_of_centre: f.headOfCentre, associate_staff: f.associateStaff, board_staff: f.boardStaff }, Object.fromEntries(extra.map((u) => [u.roles[0], u.email])));
  const officer = await signIn(world.app, f.officer, PASSWORD);
  const created = await officer.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0007'], note: '' } }).expect(201);
  known = { seriesId: f.seriesId, enquiryId: created.body.enquiryId };
  server = http.createServer(world.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
const totals = { requests: 0, fiveHundreds: 0 };
afterAll(async () => {
  console.log(`schemathesis: ${totals.requests} requests over ${ROLES.length} roles, ${totals.fiveHundreds} 5xx`);
  await new Promise((r) => server?.close(r));
  await world?.close();
  await pg?.remove();
  fs.rmSync(reportRoot, { recursive: true, force: true });
});

/** Signs in with plain HTTP and returns the Cookie header and CSRF token a browser would send. */
async function session(email: string): Promise<{ cookie: string; csrf: string }> {
  const jar = new Map<string, string>();
  const call = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(base + url, { ...init, headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const first = (await (await call('/api/csrf-token')).json()) as { csrfToken: string };
  const signedIn = await call('/api/session', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': first.csrfToken }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (signedIn.status !== 200) throw new Error(`sign-in as ${email}: ${signedIn.status}`);
  const { csrfToken } = (await (await call('/api/csrf-token')).json()) as { csrfToken: string };
  return { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), csrf: csrfToken };
}

interface Outcome {
  code: number | null;
  output: string;
  requests: number;
  /** Requests on the fixture's real enquiry or series, past "not found". */
  onRealRecords: number;
  statuses: Record<string, number>;
}

/** Every {seriesId} is the fixture's series and every enquiry {id} its enquiry; everything else is generated. */
function configFile(dir: string): string {
  const file = path.join(dir, 'schemathesis.toml');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    file,
    [
      '[parameters]',
      `"path.seriesId" = "${known.seriesId}"`,
      '',
      '[[operations]]',
      `include-path-regex = '^/api/(enquiries|board/enquiries|associate/enquiries)/[{]id[}]'`,
      `parameters = { "path.id" = "${known.enquiryId}" }`,
      '',
    ].join('\n'),
  );
  return file;
}

function runSchemathesis(role: string, auth: { cookie: string; csrf: string }): Promise<Outcome> {
  const dir = path.join(reportRoot, role);
  const args = [
    '--config-file', configFile(dir),
    'run',
    `${base}/api/openapi.json`,
    '--checks', 'not_a_server_error,response_schema_conformance',
    '--max-examples', String(EXAMPLES),
    '--phases', 'examples,coverage,fuzzing',
    // Signing out or in again would end the session the rest of the run depends on.
    '--exclude-path-regex', '^/api/session',
    '--header', `Cookie: ${auth.cookie}`,
    '--header', `x-csrf-token: ${auth.csrf}`,
    '--workers', '2',
    '--request-timeout', '30',
    '--seed', String(process.env.FUZZ_SEED ?? 20261122),
    '--no-color',
    '--report', 'har',
    '--report-dir', dir,
  ];
  return new Promise((resolve) => {
    execFile(SCRIPT, args, { maxBuffer: 64 * 2 ** 20, timeout: 1_200_000, env: { ...process.env, SCHEMATHESIS_HOOKS: '' } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      const statuses: Record<string, number> = {};
      let requests = 0;
      let onRealRecords = 0;
      for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.json') || n.endsWith('.har')) : []) {
        const har = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { log: { entries: Array<{ request: { url: string }; response: { status: number } }> } };
        for (const e of har.log.entries) {
          requests += 1;
          if (e.request.url.includes(known.enquiryId) || e.request.url.includes(`/series/${known.seriesId}`)) onRealRecords += 1;
          const s = `${String(e.response.status)[0]}xx`;
          statuses[s] = (statuses[s] ?? 0) + 1;
        }
      }
      resolve({ code, output: `${stdout}\n${stderr}`, requests, onRealRecords, statuses });
    });
  });
}

it.each(ROLES)('Schemathesis as %s: no 5xx and every answer matches the OpenAPI document', async (role) => {
  const auth = await session(emails[role]);
  const outcome = await runSchemathesis(role, auth);
  console.log(`schemathesis ${role}: ${outcome.requests} requests (${outcome.onRealRecords} on real records), ${JSON.stringify(outcome.statuses)}, exit ${outcome.code}`);
  totals.requests += outcome.requests;
  totals.fiveHundreds += outcome.statuses['5xx'] ?? 0;
  if (outcome.code !== 0) console.log(outcome.output.slice(-20_000));
  expect(outcome.requests).toBeGreaterThan(0);
  expect(outcome.statuses['5xx'] ?? 0).toBe(0);
  expect(outcome.code).toBe(0);
  // The session was still good at the end: the run tested the role, not an anonymous caller.
  const still = await fetch(`${base}/api/session`, { headers: { cookie: auth.cookie } });
  expect(still.status).toBe(200);
}, 1_200_000);
