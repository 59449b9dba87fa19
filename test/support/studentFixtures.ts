// Data and clients for the student account tests (issue 7). Builds on the shared fixture (a centre, a series, 20
// candidates entered in four syllabuses with component results) and adds what D1-D11 need: the three admin roles
// and the roles that must be refused, a second series, a student with no exam entry, mock results, and a CSV writer.
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/email/outbox';
import { createPdfRenderer } from '../../activities/letters/renderer';
import { createStudentAccountActivities, type StudentFaults } from '../../activities/studentAccounts';
import { DEFAULT_STUDENT_POLICY, type StudentPolicy } from '../../api/routes/studentAccounts';
import type { Db } from '../../db/client';
import { candidates, entries, componentResults, mockResults, series, users } from '../../db/schema';
import { hashPassword } from '../../api/passwords';
import { createFixture, PASSWORD, type Fixture } from './fixtures';
import type { World } from './world';

export interface Student {
  candidateId: string;
  candidateNumber: string;
  uci: string;
  forename: string;
  surname: string;
  dateOfBirth: string;
  email: string;
}

export interface StudentFixture extends Fixture {
  manager: string;
  assistant: string;
  teacher: string;
  /** A second series in which the first five students are also entered (D5: registered once). */
  secondSeriesId: string;
  students: Student[];
  /** A candidate of the centre with no exam entry at all (D2). */
  notEntered: Student;
}

export async function createStudentFixture(db: Db, opts: { candidates?: number } = {}): Promise<StudentFixture> {
  const f = await createFixture(db, { candidates: opts.candidates ?? 20 });
  const id = f.centreNumber.slice(1).toLowerCase();
  const hash = await hashPassword(PASSWORD);
  const manager = `manager-${id}@centre.example`;
  const assistant = `assistant-${id}@centre.example`;
  const teacher = `teacher-${id}@centre.example`;
  await db.insert(users).values([
    { email: manager, name: 'Max Manager', passwordHash: hash, roles: ['exams_manager'], centreNumber: f.centreNumber },
    { email: assistant, name: 'Asa Assistant', passwordHash: hash, roles: ['exams_assistant'], centreNumber: f.centreNumber },
    { email: teacher, name: 'Tia Teacher', passwordHash: hash, roles: ['teacher'], centreNumber: f.centreNumber },
  ]);
  const rows = await db.select().from(candidates).where(eq(candidates.centreNumber, f.centreNumber));
  rows.sort((a, b) => a.numberValue - b.numberValue);
  // Distinct dates of birth, so a row with another student's date of birth is a mismatch.
  const students: Student[] = [];
  for (const [i, c] of rows.entries()) {
    const dateOfBirth = `2009-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;
    await db.update(candidates).set({ dateOfBirth }).where(eq(candidates.id, c.id));
    students.push({ candidateId: c.id, candidateNumber: c.candidateNumber, uci: c.uci, forename: c.firstName, surname: c.lastName, dateOfBirth, email: `s${c.candidateNumber}-${id}@pupils.example` });
  }
  const secondSeriesId = `${f.seriesId}B`;
  await db.insert(series).values({
    id: secondSeriesId,
    name: `Second series ${id}`,
    timeZone: 'Europe/London',
    releaseAt: new Date('2026-08-20T06:00:00Z'),
    credentialsOpenOn: '2026-03-20',
    enquiryDeadline: '2099-12-31',
    invoiceDate: '2100-01-15',
  });
  for (const s of students.slice(0, 5)) {
    const [entry] = await db.insert(entries).values({ candidateId: s.candidateId, syllabusCode: f.english, seriesId: secondSeriesId, grade: 'A' }).returning();
    await db.insert(componentResults).values([
      { entryId: entry.id, componentCode: '01', mark: 72, markSource: 'exam' },
      { entryId: entry.id, componentCode: '04', mark: 45, markSource: 'moderation' },
    ]);
    await db.insert(mockResults).values([
      { candidateId: s.candidateId, mockName: 'Year 11 mocks', takenOn: '2026-01-15', syllabusCode: f.maths, syllabusName: 'Mathematics', componentCode: '11', componentName: 'Paper 1', mark: 40, maxMark: 80, grade: 'D' },
      { candidateId: s.candidateId, mockName: 'Year 11 mocks', takenOn: '2026-01-15', syllabusCode: f.maths, syllabusName: 'Mathematics', componentCode: '13', componentName: 'Paper 3', mark: 75, maxMark: 100, grade: 'D' },
    ]);
  }
  const [lone] = await db
    .insert(candidates)
    .values({ centreNumber: f.centreNumber, candidateNumber: '0900', numberValue: 900, uci: `${f.centreNumber}0900U`, firstName: 'Nell', lastName: 'Noentry', dateOfBirth: '2009-09-09' })
    .returning();
  const notEntered: Student = { candidateId: lone.id, candidateNumber: '0900', uci: lone.uci, forename: 'Nell', surname: 'Noentry', dateOfBirth: '2009-09-09', email: `s0900-${id}@pupils.example` };
  return { ...f, manager, assistant, teacher, secondSeriesId, students, notEntered };
}

/** A CSV in the template's shape; `over` replaces cells of some rows, `header` the header row. */
export function studentCsv(rows: Array<Partial<Record<'candidate_number' | 'uci' | 'forename' | 'surname' | 'date_of_birth' | 'email' | 'school_year', string>>>, header = 'candidate_number,uci,forename,surname,date_of_birth,email,school_year'): string {
  const cols = header.split(',');
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...rows.map((r) => cols.map((c) => cell((r as Record<string, string>)[c] ?? '')).join(','))].join('\r\n') + '\r\n';
}

/** A student's row as the centre would write it (UK date format), from the exam-entry data. */
export const rowOf = (s: Student, over: Record<string, string> = {}) => ({
  candidate_number: s.candidateNumber,
  uci: s.uci,
  forename: s.forename,
  surname: s.surname,
  date_of_birth: s.dateOfBirth.split('-').reverse().join('/'),
  email: s.email,
  school_year: 'Year 11',
  ...over,
});

/** Another app on the test's services with other student settings (short code lifetimes, small batches, low limits). */
export function studentApp(world: World, policy: Partial<StudentPolicy>, taskQueue = world.taskQueue) {
  return world.createApp({
    taskQueue,
    studentPolicy: { ...DEFAULT_STUDENT_POLICY, ...policy },
  }).app;
}

type App = World['app'];

/** A signed-in staff client that can also send a CSV body. */
export async function staff(app: App, email: string) {
  const agent = request.agent(app);
  const first = await agent.get('/api/csrf-token').expect(200);
  await agent.post('/api/session').set('x-csrf-token', first.body.csrfToken).send({ email, password: PASSWORD }).expect(200);
  const token: string = (await agent.get('/api/csrf-token').expect(200)).body.csrfToken;
  return {
    agent,
    get: (url: string) => agent.get(url),
    post: (url: string, data?: object) => agent.post(url).set('x-csrf-token', token).send(data ?? {}),
    put: (url: string, data?: object) => agent.put(url).set('x-csrf-token', token).send(data ?? {}),
    upload: (csv: string, query = 'consent=true') => agent.post(`/api/student-accounts/imports?${query}`).set('x-csrf-token', token).set('Content-Type', 'text/csv').send(csv),
  };
}

/** A student's browser: its own session, CSRF token and client address (X-Forwarded-For, trusted one hop). */
export async function studentClient(app: App, ip = `10.${rnd()}.${rnd()}.${rnd()}`) {
  const agent = request.agent(app);
  let token: string = (await agent.get('/api/csrf-token').expect(200)).body.csrfToken;
  const refresh = async () => {
    token = (await agent.get('/api/csrf-token').expect(200)).body.csrfToken;
  };
  return {
    ip,
    agent,
    get: (url: string) => agent.get(url).set('X-Forwarded-For', ip),
    post: (url: string, data?: object) => agent.post(url).set('x-csrf-token', token).set('X-Forwarded-For', ip).send(data ?? {}),
    del: (url: string) => agent.delete(url).set('x-csrf-token', token).set('X-Forwarded-For', ip),
    async signIn(username: string, password: string) {
      const res = await agent.post('/api/students/session').set('x-csrf-token', token).set('X-Forwarded-For', ip).send({ username, password });
      await refresh();
      return res;
    },
  };
}
const rnd = () => Math.floor(Math.random() * 250) + 1;

/** The personal link's token in an activation email. */
export function linkOf(text: string): { token: string } {
  const token = /token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  if (!token) throw new Error(`no activation link in: ${text}`);
  return { token };
}

export const NEW_PASSWORD = 'a long new password 42';
export const SECURITY = { securityQuestion: 'What was the name of your first pet?', securityAnswer: 'Biscuit' } as const;

/**
 * A second worker on its own task queue whose student activities fail at chosen points, as a crash would: after a
 * batch committed and before its result reached Temporal. Temporal retries; nothing may be made twice.
 */
export async function startFaultyWorker(world: World, faults: StudentFaults) {
  const env = process.env;
  const taskQueue = `test-faulty-${randomUUID()}`;
  const db = world.database.db;
  const pdf = createPdfRenderer({ chromiumPath: env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const mailer = createMailer({ db, smtpUrl: env.TEST_SMTP_URL!, from: 'Results Office <no-reply@examboard.example>' });
  const connection = await NativeConnection.connect({ address: env.TEST_TEMPORAL_ADDRESS! });
  const deps = { db, mailer, pdf, publicUrl: 'http://localhost:3000', boardEmail: 'board@examboard.example' };
  const worker = await Worker.create({
    connection,
    namespace: 'results-office',
    taskQueue,
    workflowBundle: { codePath: env.TEST_WORKFLOW_BUNDLE! },
    activities: { ...createActivities(deps), ...createStudentAccountActivities({ ...deps, faults }) },
  });
  const running = worker.run();
  return {
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await pdf.close();
      mailer.close();
      await connection.close();
    },
  };
}
