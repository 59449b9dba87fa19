// Student results-analysis accounts end to end through the API (issue 7, RULES.md D1-D11), on real Temporal,
// PostgreSQL, SMTP and Chromium: imports and exports as workflows, account states as guarded rows, every email read
// back from the SMTP sink.
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { extractText } from 'unpdf';
import { outbox, studentAccountEvents, studentAccounts, studentActivationCodes, studentImportChunks, studentImports } from '../../db/schema';
import { CODE_ALPHABET } from '../../domain/studentAccounts';
import { studentExportWorkflowId, studentImportWorkflowId } from '../../workflows/ids';
import {
  createStudentFixture,
  linkOf,
  NEW_PASSWORD,
  rowOf,
  SECURITY,
  staff,
  startFaultyWorker,
  studentApp,
  studentClient,
  studentCsv,
  type Student,
  type StudentFixture,
} from '../support/studentFixtures';
import { eventually, recordHistory, startWorld, type World } from '../support/world';

let world: World;
let f: StudentFixture;
let other: StudentFixture;
let officer: Awaited<ReturnType<typeof staff>>;

beforeAll(async () => {
  world = await startWorld();
  [f, other] = await Promise.all([createStudentFixture(world.database.db, { candidates: 40 }), createStudentFixture(world.database.db, { candidates: 6 })]);
  officer = await staff(world.app, f.officer);
});
afterAll(() => world?.close());

const db = () => world.database.db;
const accountOf = async (s: Student) => (await db().select().from(studentAccounts).where(eq(studentAccounts.candidateId, s.candidateId)))[0];
const accountsAt = async (centreNumber: string) => (await db().select({ n: sql<number>`count(*)::int` }).from(studentAccounts).where(eq(studentAccounts.centreNumber, centreNumber)))[0].n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The emails to an address whose subject starts with `subject`, once there are at least `n`. */
async function mailsTo(address: string, n = 1, subject = '') {
  return eventually(async () => {
    const m = (await world.mailTo(address)).filter((x) => x.subject.startsWith(subject));
    return m.length >= n ? m : undefined;
  });
}
/** Exactly `n` such emails, also a moment later (no duplicate arrives). */
async function exactlyMails(address: string, n: number, subject = '') {
  await mailsTo(address, n, subject);
  await sleep(700);
  const m = (await world.mailTo(address)).filter((x) => x.subject.startsWith(subject));
  expect(m).toHaveLength(n);
  return m;
}

async function imported(students: Student[], who = officer) {
  const res = await who.upload(studentCsv(students.map((s) => rowOf(s))));
  expect(res.status).toBe(201);
  return res.body;
}
/** The student's account, importing them first when an earlier test has not. */
async function ensureAccount(s: Student) {
  if (!(await accountOf(s))) await imported([s]);
  return accountOf(s);
}
async function welcomeLink(s: Student) {
  const [mail] = await mailsTo(s.email, 1, 'Welcome');
  return linkOf(mail.text);
}
async function activated(s: Student, client?: Awaited<ReturnType<typeof studentClient>>) {
  const c = client ?? (await studentClient(world.app));
  const { token } = await welcomeLink(s);
  const res = await c.post('/api/students/activate', { token, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
  expect(res.status).toBe(200);
  return c;
}

describe('who administers student accounts', () => {
  it('[D1] only exams officers, managers and assistants administer student accounts', async () => {
    for (const email of [f.officer, f.manager, f.assistant]) {
      const who = await staff(world.app, email);
      expect((await who.get('/api/student-accounts').expect(200)).body.accounts).toBeDefined();
      expect((await who.get('/api/student-accounts/import/template')).status).toBe(200);
    }
    for (const email of [f.headOfCentre, f.teacher, f.boardStaff]) {
      const who = await staff(world.app, email);
      expect((await who.get('/api/student-accounts')).status).toBe(403);
      expect((await who.upload(studentCsv([rowOf(f.students[0])]))).status).toBe(403);
      expect((await who.post('/api/student-accounts/exports', { seriesId: f.seriesId, responsibility: true })).status).toBe(403);
      expect((await who.get('/api/student-accounts/import/template')).status).toBe(403);
    }
    const anonymous = await studentClient(world.app);
    expect((await anonymous.get('/api/student-accounts')).status).toBe(401);
    expect(await accountOf(f.students[0])).toBeUndefined();
  });
});

describe('import from CSV', () => {
  it('[D2] the CSV template can be downloaded', async () => {
    const res = await officer.get('/api/student-accounts/import/template').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.text.split('\r\n')[0]).toBe('candidate_number,uci,forename,surname,date_of_birth,email,school_year');
  });

  it('[D2] an upload without the consent box ticked is refused and nothing is stored', async () => {
    const before = await db().select({ n: sql<number>`count(*)::int` }).from(studentImportChunks);
    for (const query of ['', 'consent=false']) {
      const res = await officer.upload(studentCsv([rowOf(f.students[0])]), query);
      expect(res.status).toBe(422);
      expect(res.body.violations).toEqual([expect.objectContaining({ field: 'consent', rule: 'D2' })]);
    }
    const after = await db().select({ n: sql<number>`count(*)::int` }).from(studentImportChunks);
    expect(after[0].n).toBe(before[0].n);
    expect(await accountOf(f.students[0])).toBeUndefined();
  });

  it('[D2] an import with one bad row among many saves nothing and lists every failing row with its line, field and reason', async () => {
    const rows = f.students.slice(20, 36).map((s) => rowOf(s));
    rows[7] = { ...rows[7], forename: `${rows[7].forename}x` }; // line 9
    const res = await officer.upload(studentCsv(rows));
    expect(res.status).toBe(422);
    expect(res.body.violations).toEqual([{ line: 9, field: 'forename', rule: 'D2', message: expect.stringContaining('does not match the exam-entry data') }]);
    expect(res.body.import.rows).toBe(16);
    expect(res.body.import.phase).toBe('rejected');
    for (const s of f.students.slice(20, 36)) expect(await accountOf(s)).toBeUndefined();
    await sleep(500);
    for (const s of f.students.slice(20, 23)) expect(await world.mailTo(s.email)).toHaveLength(0);
    // The stored file and rows are gone; the reasons stay, paged.
    const errors = await officer.get(`/api/student-accounts/imports/${res.body.importId}/errors`).expect(200);
    expect(errors.body.violations).toHaveLength(1);
    expect(await db().select().from(studentImportChunks).where(eq(studentImportChunks.importId, res.body.importId))).toHaveLength(0);
    await recordHistory(world.temporal, studentImportWorkflowId(f.centreNumber, res.body.importId), 'student-import-rejected');
  });

  it('[D2] [D5] each failing row says why: unknown or unentered student, mismatches, bad dates and emails, duplicates', async () => {
    const [a, b, c, d, e] = f.students.slice(30, 35);
    const taken = f.students[36];
    await imported([taken]);
    const rows = [
      rowOf(a), // line 2: fine
      rowOf(b, { uci: 'NOSUCHUCI' }), // 3
      rowOf(f.notEntered), // 4: no exam entry
      rowOf(c, { date_of_birth: '31/02/2009' }), // 5: not a date
      rowOf(d, { date_of_birth: '01/01/2001', email: 'not-an-email' }), // 6: two fields
      rowOf(a, { email: 'other@pupils.example' }), // 7: a again (D5)
      rowOf(e, { email: taken.email }), // 8: email of another student's account
      rowOf(e, { candidate_number: '9999', email: a.email }), // 9: wrong number, duplicate e, a's email
      { uci: b.uci }, // 10: required fields missing
      rowOf(other.students[0]), // 11: another centre's student
    ];
    const csv = studentCsv(rows) + 'x,y\r\n'; // line 12: wrong number of cells
    const res = await officer.upload(csv);
    expect(res.status).toBe(422);
    const got = res.body.violations.map((v: { line: number; field: string; rule: string }) => `${v.line} ${v.field} ${v.rule}`);
    expect(got).toEqual([
      '3 uci D2',
      '4 uci D2',
      '5 date_of_birth D2',
      '6 date_of_birth D2',
      '6 email D2',
      '7 uci D5',
      '8 email D2',
      '9 candidate_number D2',
      '9 email D2',
      '9 uci D5',
      '10 date_of_birth D2',
      '10 email D2',
      '10 forename D2',
      '10 surname D2',
      '11 uci D2',
      '12 row D2',
    ]);
    const msg = (line: number, field: string) => res.body.violations.find((v: { line: number; field: string }) => v.line === line && v.field === field).message;
    expect(msg(3, 'uci')).toContain('No student with UCI NOSUCHUCI');
    expect(msg(4, 'uci')).toContain('has no exam entry');
    expect(msg(5, 'date_of_birth')).toContain('is not a date');
    expect(msg(6, 'date_of_birth')).toContain('does not match');
    expect(msg(8, 'email')).toContain('already used by another student');
    expect(msg(9, 'email')).toContain('Line 2 gives the same email address');
    expect(msg(11, 'uci')).toContain('is entered for exams at your centre'); // never says where the student is
    expect(msg(12, 'row')).toContain('2 cells');
    expect(res.body.import.failingRows).toBe(10);
    expect(await accountOf(a)).toBeUndefined();
  });

  it('[D2] a header without a required column, or a file that is not CSV, is refused as a whole', async () => {
    const noEmail = await officer.upload(studentCsv([rowOf(f.students[0])], 'candidate_number,uci,forename,surname,date_of_birth'));
    expect(noEmail.status).toBe(422);
    expect(noEmail.body.violations).toEqual([{ line: 1, field: 'header', rule: 'D2', message: expect.stringContaining('"email" is missing') }]);
    const broken = await officer.upload('uci,forename,surname,date_of_birth,email\r\nA,"unclosed,x,y,z\r\n');
    expect(broken.status).toBe(422);
    expect(broken.body.violations[0]).toMatchObject({ field: 'file', rule: 'D2' });
    const empty = await officer.upload('');
    expect(empty.status).toBe(400);
    expect(empty.body.violations[0]).toMatchObject({ field: 'file' });
    const json = await officer.post('/api/student-accounts/imports?consent=true', { students: [] });
    expect(json.status).toBe(400);
    expect(json.body.violations[0]).toMatchObject({ field: 'file', rule: 'D2' });
  });

  it('[D2] [D5] a valid import creates the accounts, emails each student one personal activation link, and a re-upload creates no duplicates', async () => {
    const batch = f.students.slice(0, 5);
    const res = await officer.upload(studentCsv(batch.map((s) => rowOf(s))));
    expect(res.status).toBe(201);
    expect(res.body.import).toMatchObject({ phase: 'completed', rows: 5, created: 5, alreadyRegistered: 0, emailsSent: 5, errorCount: 0 });
    for (const s of batch) {
      const a = await accountOf(s);
      expect(a).toMatchObject({ status: 'NotActivated', email: s.email, schoolYear: 'Year 11', createdVia: 'import', createdByName: 'Olive Officer', mockResults: true, highStakes: true });
    }
    const [mail] = await exactlyMails(batch[0].email, 1);
    expect(mail.subject).toBe('Welcome: activate your results analysis account');
    expect(mail.text).toContain(`Dear ${batch[0].forename},`);
    const { token } = linkOf(mail.text);
    expect(mail.text).toContain(`http://localhost:3000/students/activate?token=${token}`);
    // Only hashes are stored: neither the code nor the token is in the database.
    const stored = await db().select().from(studentActivationCodes).where(eq(studentActivationCodes.accountId, (await accountOf(batch[0])).id));
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].codeHash).toBeNull(); // an emailed link carries no typed code
    expect(JSON.stringify(stored)).not.toContain(token);
    await recordHistory(world.temporal, studentImportWorkflowId(f.centreNumber, res.body.importId), 'student-import-completed');

    // D5: the same file again (and the same students in another series) registers nobody twice.
    const again = await officer.upload(studentCsv(batch.map((s) => rowOf(s))));
    expect(again.status).toBe(201);
    expect(again.body.import).toMatchObject({ created: 0, alreadyRegistered: 5, emailsSent: 0 });
    const rows = await db().select().from(studentAccounts).where(eq(studentAccounts.candidateId, batch[0].candidateId));
    expect(rows).toHaveLength(1);
    for (const s of batch) await exactlyMails(s.email, 1);
    const list = await officer.get('/api/student-accounts/imports').expect(200);
    expect(list.body.imports.find((i: { id: string }) => i.id === res.body.importId)).toMatchObject({ phase: 'completed', created: 5 });
  });

  it('[D5] two uploads of the same students at once create each account once and send one welcome email each', async () => {
    const batch = f.students.slice(5, 9);
    const csv = studentCsv(batch.map((s) => rowOf(s)));
    const [a, b] = await Promise.all([officer.upload(csv), officer.upload(csv)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.import.created + b.body.import.created).toBe(4);
    expect(a.body.import.alreadyRegistered + b.body.import.alreadyRegistered).toBe(4);
    for (const s of batch) {
      expect(await db().select().from(studentAccounts).where(eq(studentAccounts.candidateId, s.candidateId))).toHaveLength(1);
      await exactlyMails(s.email, 1);
    }
  });

  it('[D2] a large file is a background job with progress, validated in full before it creates accounts in batches', async () => {
    const app = studentApp(world, { importBatchSize: 4, importWaitMs: 0 });
    const who = await staff(app, f.manager);
    const batch = f.students.slice(9, 20);
    const res = await who.upload(studentCsv(batch.map((s) => rowOf(s))));
    expect(res.status).toBe(202);
    expect(res.body.progressUrl).toBe(`/api/student-accounts/imports/${res.body.importId}`);
    const seen = new Set<string>();
    const final = await eventually(async () => {
      const p = await who.get(res.body.progressUrl);
      if (p.status !== 200) return undefined;
      seen.add(p.body.progress.phase);
      // Emails are counted as they go out after the accounts exist, so wait for the last one too.
      return p.body.progress.phase === 'completed' && p.body.import.emailsSent === 11 ? p.body : undefined;
    });
    expect(final.import).toMatchObject({ rows: 11, batches: 3, validatedBatches: 3, createdBatches: 3, sentBatches: 3, created: 11, emailsSent: 11 });
    expect(final.progress.percent).toBe(100);
    expect(seen.has('completed')).toBe(true);
    for (const s of batch) expect((await accountOf(s)).createdByName).toBe('Max Manager');
    // Cancelling is refused once it finished (it is possible only while nothing is saved).
    const cancel = await who.post(`/api/student-accounts/imports/${res.body.importId}/cancel`);
    expect(cancel.status).toBe(422);
    expect(cancel.body.violations[0]).toMatchObject({ rule: 'D2', field: 'importId' });
    await recordHistory(world.temporal, studentImportWorkflowId(f.centreNumber, res.body.importId), 'student-import-batches');
  });
});

describe('resuming after a crash', () => {
  it('[D2] [D3] [D5] a worker failing after a batch committed resumes the import and the export without duplicates', async () => {
    const crashed: string[] = [];
    const faulty = await startFaultyWorker(world, async (point, at) => {
      const key = `${point}:${at.batch}`;
      if (at.attempt === 1 && ['after-create-commit:1', 'after-first-email:0', 'after-export-commit:0'].includes(key)) {
        crashed.push(key);
        throw new Error(`simulated crash at ${key}`);
      }
    });
    try {
      const app = studentApp(world, { importBatchSize: 3, exportBatchSize: 3, importWaitMs: 60_000, exportWaitMs: 60_000 }, faulty.taskQueue);
      const g = await createStudentFixture(world.database.db, { candidates: 8 });
      const who = await staff(app, g.officer);
      const res = await who.upload(studentCsv(g.students.slice(0, 7).map((s) => rowOf(s))));
      expect(res.status).toBe(201);
      expect(res.body.import).toMatchObject({ rows: 7, batches: 3, created: 7, alreadyRegistered: 0, emailsSent: 7 });
      expect(new Set(crashed)).toEqual(new Set(['after-create-commit:1', 'after-first-email:0']));
      expect(await accountsAt(g.centreNumber)).toBe(7);
      const ids = (await db().select().from(studentAccounts).where(eq(studentAccounts.centreNumber, g.centreNumber))).map((a) => a.id);
      expect(await db().select().from(studentActivationCodes).where(inArray(studentActivationCodes.accountId, ids))).toHaveLength(7);
      await mailsTo(g.students[6].email);
      await sleep(700);
      for (const s of g.students.slice(0, 7)) expect(await world.mailTo(s.email)).toHaveLength(1);
      await recordHistory(world.temporal, studentImportWorkflowId(g.centreNumber, res.body.importId), 'student-import-retried');

      const exp = await who.post('/api/student-accounts/exports', { seriesId: g.seriesId, responsibility: true });
      expect(exp.status).toBe(201);
      expect(exp.body.export).toMatchObject({ created: 1, listed: 8, batches: 3, issued: 8 });
      expect(crashed).toContain('after-export-commit:0');
      const exportCodes = await db().select().from(studentActivationCodes).where(eq(studentActivationCodes.exportId, exp.body.exportId));
      expect(exportCodes).toHaveLength(8);
      const csv = (await who.get(`/api/student-accounts/exports/${exp.body.exportId}/files/csv`).expect(200)).text;
      expect(csv.trim().split('\r\n')).toHaveLength(9);
    } finally {
      await faulty.close();
    }
  });
});

describe('export of verification codes and links', () => {
  it('[D3] needs the responsibility box ticked and a series the centre has entries in', async () => {
    const res = await officer.post('/api/student-accounts/exports', { seriesId: f.seriesId });
    expect(res.status).toBe(422);
    expect(res.body.violations).toEqual([expect.objectContaining({ field: 'responsibility', rule: 'D3' })]);
    const unknown = await officer.post('/api/student-accounts/exports', { seriesId: 'NOPE', responsibility: true });
    expect(unknown.status).toBe(422);
    expect(unknown.body.violations[0]).toMatchObject({ field: 'seriesId', rule: 'D3' });
    const notMine = await officer.post('/api/student-accounts/exports', { seriesId: other.seriesId, responsibility: true });
    expect(notMine.status).toBe(422);
  });

  it('[D3] creates accounts for every entered student who has none, with a CSV of codes and links and a PDF of slips; codes work once', async () => {
    const g = await createStudentFixture(world.database.db, { candidates: 8 });
    const who = await staff(world.app, g.assistant);
    // One student already has an account (imported, not activated); another has activated already.
    await who.upload(studentCsv([rowOf(g.students[0]), rowOf(g.students[1])])).expect(201);
    const early = await mailsTo(g.students[1].email);
    const c1 = await studentClient(world.app);
    await c1.post('/api/students/activate', { token: linkOf(early[0].text).token, dateOfBirth: g.students[1].dateOfBirth, password: NEW_PASSWORD, ...SECURITY }).expect(200);

    const res = await who.post('/api/student-accounts/exports', { seriesId: g.seriesId, responsibility: true });
    expect(res.status).toBe(201);
    expect(res.body.export).toMatchObject({ phase: 'completed', created: 6, listed: 7, notListed: 1, issued: 7 });
    expect(await accountsAt(g.centreNumber)).toBe(8); // the student with no entry gets none
    const csvRes = await who.get(res.body.files.find((x: { kind: string }) => x.kind === 'csv').url).expect(200);
    const lines = csvRes.text.trim().split('\r\n');
    expect(lines[0]).toBe('forename,surname,candidate_number,uci,verification_code,activation_url,expires_on');
    expect(lines).toHaveLength(8);
    expect(lines.some((l) => l.includes(g.students[1].uci))).toBe(false); // already active: not listed
    const cells = lines[1].split(',');
    expect(cells.slice(0, 4)).toEqual([g.students[0].forename, g.students[0].surname, g.students[0].candidateNumber, g.students[0].uci]);
    const code = cells[4];
    expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}$`)); // 60 bits
    expect(cells[5]).toMatch(/^http:\/\/localhost:3000\/students\/activate\?token=[A-Za-z0-9_-]{43}$/);

    const pdfRes = await who.get(res.body.files.find((x: { kind: string }) => x.kind === 'pdf').url).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdfRes.status).toBe(200);
    const text = (await extractText(new Uint8Array(pdfRes.body as Buffer), { mergePages: true })).text;
    expect(text).toContain(code);
    expect(text).toContain(`${g.students[0].forename} ${g.students[0].surname}`);

    // The student activates with the code from the slip; the code works once.
    const student = await studentClient(world.app);
    const ok = await student.post('/api/students/activate', { code: code.toLowerCase().replace(/-/g, ' '), dateOfBirth: g.students[0].dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
    expect(ok.status).toBe(200);
    expect((await accountOf(g.students[0])).status).toBe('Active');
    const twice = await student.post('/api/students/activate', { code, dateOfBirth: g.students[0].dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
    expect(twice.status).toBe(422);
    expect(twice.body.violations[0]).toMatchObject({ field: 'code', rule: 'D3' });
    // An export-made account has no email: the student gives one when activating, or by the URL.
    const s2 = g.students[2];
    const url = lines.find((l) => l.includes(s2.uci))!.split(',')[5];
    const noEmail = await student.post('/api/students/activate', { token: url.split('token=')[1], dateOfBirth: s2.dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.violations[0]).toMatchObject({ field: 'email', rule: 'D3' });
    const byUrl = await student.post('/api/students/activate', { token: url.split('token=')[1], dateOfBirth: s2.dateOfBirth, password: NEW_PASSWORD, email: s2.email, ...SECURITY });
    expect(byUrl.status).toBe(200);
    expect(await accountOf(s2)).toMatchObject({ status: 'Active', email: s2.email });
    await recordHistory(world.temporal, studentExportWorkflowId(g.centreNumber, g.seriesId, res.body.exportId), 'student-export-completed');

    // A second export lists only who is still Not Activated, with new codes; earlier codes still work until used.
    const again = await who.post('/api/student-accounts/exports', { seriesId: g.seriesId, responsibility: true });
    expect(again.body.export).toMatchObject({ created: 0, listed: 5, notListed: 3 });
  });

  it('[D3] exported CSV cells that a spreadsheet would run as formulas are neutralised', async () => {
    const g = await createStudentFixture(world.database.db, { candidates: 3 });
    await db().execute(sql`update candidates set first_name = '=HYPERLINK("http://evil.example")', last_name = '+SUM(1)' where id = ${g.students[0].candidateId}`);
    await db().execute(sql`update candidates set first_name = '@cmd', last_name = '-2+3' where id = ${g.students[1].candidateId}`);
    const who = await staff(world.app, g.officer);
    const res = await who.post('/api/student-accounts/exports', { seriesId: g.seriesId, responsibility: true }).expect(201);
    const csv = (await who.get(res.body.files.find((x: { kind: string }) => x.kind === 'csv').url).expect(200)).text;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")",'+SUM(1),`);
    expect(csv).toContain(`'@cmd,'-2+3,`);
    for (const line of csv.trim().split('\r\n').slice(1)) expect(line).not.toMatch(/(^|,)[=+\-@]/);
  });

  it('[D3] codes and links are refused after they expire', async () => {
    const app = studentApp(world, { activationTtlMs: 1500 });
    const g = await createStudentFixture(world.database.db, { candidates: 2 });
    const who = await staff(app, g.officer);
    await who.upload(studentCsv([rowOf(g.students[0])])).expect(201);
    const { token } = linkOf((await mailsTo(g.students[0].email))[0].text);
    const exp = await who.post('/api/student-accounts/exports', { seriesId: g.seriesId, responsibility: true }).expect(201);
    const csv = (await who.get(`/api/student-accounts/exports/${exp.body.exportId}/files/csv`).expect(200)).text;
    const code = csv.trim().split('\r\n')[1].split(',')[4];
    await sleep(1700);
    const student = await studentClient(app);
    for (const how of [{ token }, { code }]) {
      const res = await student.post('/api/students/activate', { ...how, dateOfBirth: g.students[0].dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
      expect(res.status).toBe(422);
      expect(res.body.violations[0]).toMatchObject({ rule: 'D3' });
    }
    expect((await accountOf(g.students[0])).status).toBe('NotActivated');
  });

  it('[D3] failed code attempts are rate-limited per client address', async () => {
    const app = studentApp(world, { failureLimit: 3 });
    const s = f.students[24];
    await imported([s]);
    const { token } = await welcomeLink(s);
    const attacker = await studentClient(app);
    const guesses = [{ code: 'AAAA-BBBB-CCCC' }, { code: 'ZZZZ-2222-QQQQ' }, { token: 'x'.repeat(43) }];
    for (const guess of guesses) {
      const res = await attacker.post('/api/students/activate', { ...guess, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
      expect(res.status).toBe(422);
    }
    // Over the limit, even the right link is refused from that address, and nothing changes.
    const limited = await attacker.post('/api/students/activate', { token, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
    expect(limited.status).toBe(429);
    expect(limited.body.violations[0]).toMatchObject({ field: 'token', rule: 'D3' });
    expect((await accountOf(s)).status).toBe('NotActivated');
    const student = await studentClient(app); // another address
    expect((await student.post('/api/students/activate', { token, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY })).status).toBe(200);
  });

  it('[D8] failed sign-ins are rate-limited per client address (unknown names count too); other addresses are not affected', async () => {
    const app = studentApp(world, { signInFailureLimit: 3 });
    const attacker = await studentClient(app);
    for (const username of ['nobody@school.example', 'nobody2@school.example', 'nobody3@school.example']) {
      expect((await attacker.post('/api/students/session', { username, password: 'guess guess guess' })).status).toBe(401);
    }
    const limited = await attacker.post('/api/students/session', { username: 'nobody4@school.example', password: 'guess guess guess' });
    expect(limited.status).toBe(429);
    expect(limited.body.violations[0]).toMatchObject({ field: 'username', rule: 'D8' });
    const elsewhere = await studentClient(app); // another address is not affected
    expect((await elsewhere.post('/api/students/session', { username: 'nobody4@school.example', password: 'guess guess guess' })).status).toBe(401);
  });

  it('[D3] two activations with the same code at once: exactly one succeeds', async () => {
    const s = f.students[25];
    await imported([s]);
    const { token } = await welcomeLink(s);
    const [a, b] = await Promise.all([studentClient(world.app), studentClient(world.app)]);
    const body = { token, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY };
    const results = await Promise.all([a.post('/api/students/activate', body), b.post('/api/students/activate', body)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    const account = await accountOf(s);
    expect(account.status).toBe('Active');
    const events = await db().select().from(studentAccountEvents).where(and(eq(studentAccountEvents.accountId, account.id), eq(studentAccountEvents.kind, 'activated')));
    expect(events).toHaveLength(1);
  });
});

describe('account states and their emails', () => {
  it('[D7] too many wrong dates of birth put the account in Failed Activation; Reactivate sends a new link and old links stop working', async () => {
    const s = f.students[26];
    await imported([s]);
    const old = await welcomeLink(s);
    const student = await studentClient(world.app);
    const attempt = (how: object, dateOfBirth: string) => student.post('/api/students/activate', { ...how, dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
    for (let i = 1; i <= 3; i++) {
      const res = await attempt({ token: old.token }, '2001-01-01');
      expect(res.status).toBe(422);
      expect(res.body.violations[0]).toMatchObject({ field: 'dateOfBirth', rule: 'D7' });
      expect((await accountOf(s)).status).toBe(i < 3 ? 'NotActivated' : 'FailedActivation');
    }
    const locked = await attempt({ token: old.token }, s.dateOfBirth);
    expect(locked.status).toBe(422);
    expect(locked.body.violations[0].message).toContain('locked');

    const account = await accountOf(s);
    const view = await officer.get(`/api/student-accounts/${account.id}`).expect(200);
    expect(view.body.account).toMatchObject({ status: 'FailedActivation', statusLabel: 'Failed Activation', dateOfBirth: s.dateOfBirth, email: s.email });
    expect(view.body.account.statusExplanation).toContain('too many failed attempts to activate');
    expect(view.body.allowedActions.map((a: { name: string }) => a.name)).toEqual(['reactivate', 'change-email', 'permissions', 'view-analysis']);

    const re = await officer.post(`/api/student-accounts/${account.id}/reactivate`);
    expect(re.status).toBe(200);
    expect(re.body.account.status).toBe('NotActivated');
    const [mail] = await exactlyMails(s.email, 1, 'Your results analysis account was reactivated');
    const fresh = linkOf(mail.text);
    for (const how of [{ token: old.token }]) {
      const stale = await attempt(how, s.dateOfBirth);
      expect(stale.status).toBe(422);
      expect(stale.body.violations[0]).toMatchObject({ rule: 'D3' });
    }
    expect((await attempt({ token: fresh.token }, s.dateOfBirth)).status).toBe(200);
    expect((await accountOf(s)).status).toBe('Active');
    // Reactivating an Active account is refused; nothing changes.
    const refused = await officer.post(`/api/student-accounts/${account.id}/reactivate`);
    expect(refused.status).toBe(422);
    expect(refused.body.violations[0]).toMatchObject({ field: 'status', rule: 'D7' });
    const key = `student-account:${account.id}:activation:2`;
    await recordHistory(world.temporal, `student-email:${key}`, 'student-email-reactivation');
    const kinds = (await db().select().from(studentAccountEvents).where(eq(studentAccountEvents.accountId, account.id)).orderBy(studentAccountEvents.id)).map((e) => `${e.kind}:${e.toStatus}`);
    expect(kinds).toEqual([
      'wrong-date-of-birth:NotActivated',
      'wrong-date-of-birth:NotActivated',
      'wrong-date-of-birth:FailedActivation',
      'reactivated:NotActivated',
      'activated:Active',
    ]);
  });

  it('[D6] changing a Not Activated student’s email sends a new welcome email; the old link stops working', async () => {
    const s = f.students[27];
    await imported([s]);
    const old = await welcomeLink(s);
    const account = await accountOf(s);
    const newEmail = `new-${s.email}`;
    const res = await officer.put(`/api/student-accounts/${account.id}/email`, { email: newEmail });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ email: newEmail, status: 'NotActivated' });
    const [mail] = await exactlyMails(newEmail, 1, 'Welcome');
    const student = await studentClient(world.app);
    const stale = await student.post('/api/students/activate', { token: old.token, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY });
    expect(stale.status).toBe(422);
    expect((await student.post('/api/students/activate', { token: linkOf(mail.text).token, dateOfBirth: s.dateOfBirth, password: NEW_PASSWORD, ...SECURITY })).status).toBe(200);
    // Once active, the email is no longer changed by staff; an email used by another account is refused.
    const active = await officer.put(`/api/student-accounts/${account.id}/email`, { email: `x-${s.email}` });
    expect(active.status).toBe(422);
    expect(active.body.violations[0]).toMatchObject({ rule: 'D6', field: 'status' });
    const t = f.students[28];
    await imported([t]);
    const clash = await officer.put(`/api/student-accounts/${(await accountOf(t)).id}/email`, { email: newEmail.toUpperCase() });
    expect(clash.status).toBe(422);
    expect(clash.body.violations[0]).toMatchObject({ field: 'email', rule: 'D6' });
    const bad = await officer.put(`/api/student-accounts/${(await accountOf(t)).id}/email`, { email: 'nope' });
    expect(bad.status).toBe(422);
    expect(bad.body.violations[0]).toMatchObject({ field: 'email', rule: 'D6' });
    expect((await accountOf(t)).email).toBe(t.email);
    await exactlyMails(t.email, 1);
  });

  it('[D8] three wrong passwords in a row put the account in Forgotten Password; only the forgotten-password route gets the student back in', async () => {
    const s = f.students[29];
    await imported([s]);
    const student = await activated(s);
    const wrong = () => student.signIn(s.email, 'not the password');
    // A successful sign-in resets the count.
    await wrong();
    await wrong();
    expect((await student.signIn(s.email.toUpperCase(), NEW_PASSWORD)).status).toBe(200);
    expect((await student.get('/api/students/me')).body.status).toBe('Active');
    for (let i = 1; i <= 3; i++) {
      const res = await wrong();
      expect(res.status).toBe(401);
      expect((await accountOf(s)).status).toBe(i < 3 ? 'Active' : 'ForgottenPassword');
    }
    const right = await student.signIn(s.uci, NEW_PASSWORD);
    expect(right.status).toBe(401);
    expect(right.body.error).toContain('Forgotten your password');
    const view = await officer.get(`/api/student-accounts/${(await accountOf(s)).id}`).expect(200);
    expect(view.body.account.statusLabel).toBe('Forgotten Password');
    expect(view.body.account.statusExplanation).toContain('incorrect password being entered 3 times');
    expect(view.body.allowedActions.map((a: { name: string }) => a.name)).toEqual(['permissions', 'view-analysis']);
    // The reset with the date of birth gets them back in.
    const reset = await student.post('/api/students/password-reset', { username: s.email, method: 'dateOfBirth', answer: s.dateOfBirth.split('-').reverse().join('/'), newPassword: 'another long password' });
    expect(reset.status).toBe(200);
    expect((await accountOf(s)).status).toBe('Active');
    expect((await student.signIn(s.email, NEW_PASSWORD)).status).toBe(401);
    expect((await student.signIn(s.email, 'another long password')).status).toBe(200);
    expect((await student.get('/api/students/me')).status).toBe(200);
    await student.del('/api/students/session').expect(200);
    expect((await student.get('/api/students/me')).status).toBe(401);
  });

  it('[D9] three wrong reset answers put the account in Locked; only staff reactivation undoes it', async () => {
    const s = f.students[30];
    await imported([s]);
    const student = await activated(s);
    const q = await student.post('/api/students/password-reset/question', { username: s.uci }).expect(200);
    expect(q.body.question).toBe(SECURITY.securityQuestion);
    const answers = [
      { method: 'securityAnswer', answer: 'Rex' },
      { method: 'dateOfBirth', answer: '01/01/2001' },
      { method: 'securityAnswer', answer: 'Fido' },
    ];
    for (const [i, a] of answers.entries()) {
      const res = await student.post('/api/students/password-reset', { username: s.uci, ...a, newPassword: 'another long password' });
      expect(res.status).toBe(422);
      expect(res.body.violations[0]).toMatchObject({ field: 'answer', rule: 'D9' });
      expect((await accountOf(s)).status).toBe(i < 2 ? 'Active' : 'Locked');
    }
    const right = await student.post('/api/students/password-reset', { username: s.uci, method: 'securityAnswer', answer: ' biscuit ', newPassword: 'another long password' });
    expect(right.status).toBe(422);
    expect((await student.signIn(s.email, NEW_PASSWORD)).status).toBe(401);
    const account = await accountOf(s);
    const view = await officer.get(`/api/student-accounts/${account.id}`).expect(200);
    expect(view.body.account.statusExplanation).toContain('unsuccessfully attempted the forgotten password process 3 times');
    await officer.post(`/api/student-accounts/${account.id}/reactivate`).expect(200);
    const [mail] = await exactlyMails(s.email, 1, 'Your results analysis account was reactivated');
    const again = await student.post('/api/students/activate', { token: linkOf(mail.text).token, dateOfBirth: s.dateOfBirth, password: 'a third long password', ...SECURITY });
    expect(again.status).toBe(200);
    expect((await student.signIn(s.email, 'a third long password')).status).toBe(200);
  });

  it('[D8] [D9] answers never reveal whether an account exists', async () => {
    const s = f.students[31];
    await imported([s]);
    const student = await activated(s);
    const unknown = await student.signIn('nobody@pupils.example', 'whatever password');
    const wrong = await student.signIn(s.email, 'whatever password');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const r1 = await student.post('/api/students/password-reset', { username: 'nobody@pupils.example', method: 'dateOfBirth', answer: '01/01/2001', newPassword: 'another long password' });
    const r2 = await student.post('/api/students/password-reset', { username: s.email, method: 'dateOfBirth', answer: '01/01/2001', newPassword: 'another long password' });
    expect(r1.status).toBe(422);
    expect(r1.body).toEqual(r2.body);
    const q1 = await student.post('/api/students/password-reset/question', { username: 'nobody@pupils.example' }).expect(200);
    expect(typeof q1.body.question).toBe('string');
  });

  it('[D7] two staff reactivations at once: exactly one succeeds and one email goes out', async () => {
    const s = f.students[32];
    await imported([s]);
    const { token } = await welcomeLink(s);
    const student = await studentClient(world.app);
    for (let i = 0; i < 3; i++) await student.post('/api/students/activate', { token, dateOfBirth: '2001-01-01', password: NEW_PASSWORD, ...SECURITY });
    const account = await accountOf(s);
    expect(account.status).toBe('FailedActivation');
    const manager = await staff(world.app, f.manager);
    const both = await Promise.all([officer.post(`/api/student-accounts/${account.id}/reactivate`), manager.post(`/api/student-accounts/${account.id}/reactivate`)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 422]);
    expect((await accountOf(s)).activationGeneration).toBe(2);
    await exactlyMails(s.email, 1, 'Your results analysis account was reactivated');
    const keys = await db().select().from(outbox).where(like(outbox.businessKey, `student-account:${account.id}:%`));
    expect(keys.map((k) => k.businessKey).sort()).toEqual([`student-account:${account.id}:activation:1`, `student-account:${account.id}:activation:2`]);
  });
});

describe('account management', () => {
  it('[D4] search by every field, combined, paged', async () => {
    const g = await createStudentFixture(world.database.db, { candidates: 6 });
    const who = await staff(world.app, g.officer);
    await who.upload(studentCsv(g.students.slice(0, 4).map((s, i) => rowOf(s, { school_year: i < 2 ? 'Year 10' : 'Year 11' })))).expect(201);
    const assistant = await staff(world.app, g.assistant);
    await assistant.post('/api/student-accounts/exports', { seriesId: g.seriesId, responsibility: true }).expect(201);
    await activated(g.students[1]);
    const acc = async (s: Student) => (await accountOf(s)).id;
    await who.put(`/api/student-accounts/${await acc(g.students[2])}/permissions`, { mockResults: false, highStakes: true, confirmRemoval: true }).expect(200);
    const search = async (q: string) => {
      const res = await who.get(`/api/student-accounts?${q}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const ids = (body: { accounts: Array<{ uci: string }> }) => body.accounts.map((a) => a.uci).sort();
    const uci = (i: number) => g.students[i].uci;
    expect((await search('')).total).toBe(6);
    expect(ids(await search(`forename=${g.students[0].forename.toLowerCase()}`))).toEqual([uci(0)]); // Ada (contains, any case)
    expect(ids(await search(`surname=Tester3`))).toEqual([uci(2)]);
    expect(ids(await search(`uci=${uci(3)}`))).toEqual([uci(3)]);
    expect(ids(await search(`email=${encodeURIComponent(g.students[1].email)}`))).toEqual([uci(1)]);
    expect(ids(await search(`dateOfBirth=${g.students[4].dateOfBirth}`))).toEqual([uci(4)]);
    expect(ids(await search(`schoolYear=year%2010`))).toEqual([uci(0), uci(1)]);
    expect(ids(await search(`createdBy=Asa`))).toEqual([uci(4), uci(5)]);
    expect(ids(await search(`mockResults=false`))).toEqual([uci(2)]);
    expect(ids(await search(`highStakes=true&mockResults=true&schoolYear=Year%2011`))).toEqual([uci(3)]);
    expect(ids(await search(`status=Active`))).toEqual([uci(1)]);
    expect(ids(await search(`status=NotActivated&createdBy=Olive&schoolYear=Year%2010`))).toEqual([uci(0)]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await search(`createdFrom=${today}&createdTo=${today}`)).total).toBe(6);
    expect((await search(`createdTo=2020-01-01`)).total).toBe(0);
    const page1 = await search('limit=4&offset=0');
    const page2 = await search('limit=4&offset=4');
    expect(page1.accounts).toHaveLength(4);
    expect(page2.accounts).toHaveLength(2);
    expect(page2.total).toBe(6);
    expect(new Set([...ids(page1), ...ids(page2)]).size).toBe(6);
    const bad = await who.get('/api/student-accounts?dateOfBirth=yesterday&status=Gone');
    expect(bad.status).toBe(400);
    expect(bad.body.violations.map((v: { field: string }) => v.field)).toContain('status');
    const badDate = await who.get('/api/student-accounts?createdFrom=2026-13-01');
    expect(badDate.status).toBe(400);
    expect(badDate.body.violations[0]).toMatchObject({ field: 'createdFrom', rule: 'D4' });
  });

  it('[D4] the detail view explains each status in plain words with the actions it allows', async () => {
    const s = f.students[33];
    await imported([s]);
    const view = await officer.get(`/api/student-accounts/${(await accountOf(s)).id}`).expect(200);
    expect(view.body.account).toMatchObject({ statusLabel: 'Not Activated', forename: s.forename, surname: s.surname, uci: s.uci, dateOfBirth: s.dateOfBirth, permissions: { mockResults: true, highStakes: true } });
    expect(view.body.account.statusExplanation).toContain('has not activated their account yet');
    expect(view.body.allowedActions).toEqual([
      expect.objectContaining({ name: 'change-email', method: 'put', path: `/api/student-accounts/${view.body.account.id}/email` }),
      expect.objectContaining({ name: 'permissions' }),
      expect.objectContaining({ name: 'view-analysis', method: 'get' }),
    ]);
    expect(view.body.events[0]).toMatchObject({ kind: 'created', actor: 'Olive Officer', toStatus: 'NotActivated' });
  });

  it('[D10] removing a permission warns and removes that access until granted again', async () => {
    const s = f.students[0]; // has mock results and entries in two series
    const student = (await ensureAccount(s)).status === 'Active' ? await studentClient(world.app) : await activated(s);
    expect((await student.signIn(s.email, NEW_PASSWORD)).status).toBe(200);
    const id = (await accountOf(s)).id;
    const before = (await student.get('/api/students/me/analysis').expect(200)).body;
    expect(before.mock.shown).toBe(true);
    expect(before.mock.series[0].syllabuses[0].components).toHaveLength(2);

    const unconfirmed = await officer.put(`/api/student-accounts/${id}/permissions`, { mockResults: false, highStakes: true });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.body.violations[0]).toMatchObject({ field: 'confirmRemoval', rule: 'D10', message: expect.stringContaining('exceptional circumstances') });
    expect((await accountOf(s)).mockResults).toBe(true);
    await officer.put(`/api/student-accounts/${id}/permissions`, { mockResults: false, highStakes: true, confirmRemoval: true }).expect(200);
    const without = (await student.get('/api/students/me/analysis').expect(200)).body;
    expect(without.mock).toEqual({ shown: false, message: expect.stringContaining('removed this permission') });
    expect(without.highStakes.shown).toBe(true);
    await officer.put(`/api/student-accounts/${id}/permissions`, { mockResults: false, highStakes: false, confirmRemoval: true }).expect(200);
    expect((await student.get('/api/students/me/analysis').expect(200)).body.highStakes.shown).toBe(false);
    // Granting needs no confirmation, and the access comes back.
    await officer.put(`/api/student-accounts/${id}/permissions`, { mockResults: true, highStakes: true }).expect(200);
    const back = (await student.get('/api/students/me/analysis').expect(200)).body;
    expect(back.mock.shown && back.highStakes.shown).toBe(true);
    const kinds = (await db().select().from(studentAccountEvents).where(and(eq(studentAccountEvents.accountId, id), eq(studentAccountEvents.kind, 'permissions-changed')))).length;
    expect(kinds).toBe(3);
  });

  it('[D11] staff open a student’s results analysis: component marks, percentages and grades per series', async () => {
    const s = f.students[1];
    const id = (await ensureAccount(s)).id;
    const res = await officer.get(`/api/student-accounts/${id}/analysis`).expect(200);
    expect(res.body.viewer).toBe('staff');
    expect(res.body.student).toMatchObject({ uci: s.uci, candidateNumber: s.candidateNumber });
    const series = res.body.highStakes.series;
    expect(series.map((x: { id: string }) => x.id)).toEqual([f.secondSeriesId, f.seriesId]);
    const maths = series[1].syllabuses.find((y: { code: string }) => y.code === f.maths);
    expect(maths.grade).toBe('C');
    expect(maths.components.find((c: { code: string }) => c.code === '11')).toEqual({ code: '11', name: 'Paper 1', mark: 55, maxMark: 80, percentage: 68.8, exempt: false });
    expect(maths.percentage).toBe(65.9); // (55 + 30 + 60) / (80 + 40 + 100)
    expect(series[0].syllabuses[0]).toMatchObject({ code: f.english, grade: 'A', percentage: 90 }); // (72 + 45) / (80 + 50)
    expect(res.body.mock.series[0]).toMatchObject({ name: 'Year 11 mocks (2026-01-15)' });
    // D5: one account across both series.
    expect(await db().select().from(studentAccounts).where(eq(studentAccounts.candidateId, s.candidateId))).toHaveLength(1);
  });
});

describe('a centre never sees another centre’s students', () => {
  it('[D1] [D4] another centre’s staff cannot find, open, change or export this centre’s students', async () => {
    const s = f.students[2];
    const id = (await ensureAccount(s)).id;
    const stranger = await staff(world.app, other.officer);
    const found = await stranger.get(`/api/student-accounts?uci=${s.uci}`).expect(200);
    expect(found.body.total).toBe(0);
    expect((await stranger.get('/api/student-accounts?limit=200')).body.accounts.every((a: { uci: string }) => a.uci.startsWith(other.centreNumber))).toBe(true);
    expect((await stranger.get(`/api/student-accounts/${id}`)).status).toBe(404);
    expect((await stranger.get(`/api/student-accounts/${id}/analysis`)).status).toBe(404);
    expect((await stranger.put(`/api/student-accounts/${id}/email`, { email: 'hijack@evil.example' })).status).toBe(404);
    expect((await stranger.post(`/api/student-accounts/${id}/reactivate`)).status).toBe(404);
    expect((await stranger.put(`/api/student-accounts/${id}/permissions`, { mockResults: false, highStakes: false, confirmRemoval: true })).status).toBe(404);
    expect((await accountOf(s)).email).toBe(s.email);
    const [imp] = await db().select().from(studentImports).where(eq(studentImports.centreNumber, f.centreNumber)).limit(1);
    expect((await stranger.get(`/api/student-accounts/imports/${imp.id}`)).status).toBe(404);
    expect((await stranger.get(`/api/student-accounts/imports/${imp.id}/errors`)).status).toBe(404);
    expect((await stranger.get('/api/student-accounts/imports')).body.imports.every((i: { centreNumber: string }) => i.centreNumber === other.centreNumber)).toBe(true);
    const exp = await officer.post('/api/student-accounts/exports', { seriesId: f.secondSeriesId, responsibility: true }).expect(201);
    expect((await stranger.get(`/api/student-accounts/exports/${exp.body.exportId}`)).status).toBe(404);
    expect((await stranger.get(`/api/student-accounts/exports/${exp.body.exportId}/files/csv`)).status).toBe(404);
    // Importing another centre's student is refused as an unknown student.
    const res = await stranger.upload(studentCsv([rowOf(s, { email: 'x@evil.example' })]));
    expect(res.status).toBe(422);
    expect(res.body.violations[0]).toMatchObject({ field: 'uci', rule: 'D2' });
  });

  it('bad input answers 4xx naming the field and rule, never a 500, and writes nothing', async () => {
    expect((await officer.get('/api/student-accounts/not-a-uuid')).status).toBe(404);
    expect((await officer.put(`/api/student-accounts/${(await ensureAccount(f.students[3])).id}/permissions`, { mockResults: 'yes' })).status).toBe(400);
    const student = await studentClient(world.app);
    const noCode = await student.post('/api/students/activate', { dateOfBirth: '2009-01-01', password: NEW_PASSWORD, ...SECURITY });
    expect(noCode.status).toBe(400);
    expect(noCode.body.violations[0]).toMatchObject({ field: 'code' });
    const shortPw = await student.post('/api/students/activate', { code: 'AAAA-BBBB-CCCC', dateOfBirth: '2009-01-01', password: 'short', ...SECURITY });
    expect(shortPw.status).toBe(400);
    expect(shortPw.body.violations[0]).toMatchObject({ field: 'password', rule: 'D8' });
    const badDob = await student.post('/api/students/activate', { code: 'AAAA-BBBB-CCCC', dateOfBirth: '32/01/2009', password: NEW_PASSWORD, ...SECURITY });
    expect(badDob.status).toBe(400);
    expect(badDob.body.violations[0]).toMatchObject({ field: 'dateOfBirth', rule: 'D7' });
    const badQuestion = await student.post('/api/students/activate', { code: 'AAAA-BBBB-CCCC', dateOfBirth: '2009-01-01', password: NEW_PASSWORD, securityQuestion: 'Who?', securityAnswer: 'me' });
    expect(badQuestion.status).toBe(400);
    expect((await student.get('/api/students/me')).status).toBe(401);
    expect((await student.get('/api/students/me/analysis')).status).toBe(401);
    expect((await officer.post('/api/student-accounts/exports', { seriesId: 42 })).status).toBe(400);
    expect((await officer.get(`/api/student-accounts/exports/${f.students[0].candidateId}/files/zip`)).status).toBe(404);
  });
});
