// Bad files for the student import (D2): empty, over the size limit, wrongly encoded, with formula cells, with
// extra or missing columns and cells. Each answers a clear 4xx naming the line, field and rule, and saves nothing:
// no account, no staged rows or file chunks, no email. A UTF-8 file with a byte order mark imports normally.
// The one CSV the app writes, the export of codes, neutralises every formula start, tab and CR included.
import { eq, inArray, sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { candidates, studentAccounts, studentImportChunks, studentImportRows, studentImports } from '../../db/schema';
import { createStudentFixture, rowOf, staff, studentApp, studentCsv, type StudentFixture } from '../support/studentFixtures';
import { startWorld, type World } from '../support/world';

const LIMIT = 1024 * 1024;
let world: World;
let f: StudentFixture;
let officer: Awaited<ReturnType<typeof staff>>;
const tried: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  f = await createStudentFixture(world.database.db, { candidates: 6 });
  officer = await staff(studentApp(world, { maxUploadBytes: LIMIT }), f.officer);
});
afterAll(async () => {
  console.log(`csv uploads: ${tried.length} bad files tried (${tried.join(', ')}), every one refused with its line, field and rule, nothing saved`);
  await world?.close();
});

const upload = (body: string | Buffer, type = 'text/csv') => officer.agent.post('/api/student-accounts/imports?consent=true').set('x-csrf-token', csrf).set('Content-Type', type).send(body);
let csrf = '';
beforeAll(async () => {
  csrf = (await officer.agent.get('/api/csrf-token').expect(200)).body.csrfToken;
});

/** Nothing of the centre's imports is left behind: no account, no staged row, no stored chunk, no email. */
async function expectNothingSaved() {
  const db = world.database.db;
  expect(await db.select().from(studentAccounts).where(eq(studentAccounts.centreNumber, f.centreNumber))).toEqual([]);
  const imports = (await db.select({ id: studentImports.id }).from(studentImports).where(eq(studentImports.centreNumber, f.centreNumber))).map((r) => r.id);
  if (imports.length > 0) {
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(studentImportChunks).where(inArray(studentImportChunks.importId, imports))).toEqual([{ n: 0 }]);
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(studentImportRows).where(inArray(studentImportRows.importId, imports))).toEqual([{ n: 0 }]);
  }
  for (const s of f.students) expect(await world.mailTo(s.email)).toEqual([]);
}

/** A refusal: the status, and a violation with this line (if given), field and rule, in a short JSON body. */
async function expectRefused(what: string, body: string | Buffer, status: number, violation: { line?: number; field: string; message?: RegExp }) {
  tried.push(what);
  const res = await upload(body);
  expect({ what, status: res.status }).toEqual({ what, status });
  expect(res.type).toBe('application/json');
  expect(res.body.violations).toContainEqual(expect.objectContaining({ rule: 'D2', field: violation.field, ...(violation.line ? { line: violation.line } : {}), ...(violation.message ? { message: expect.stringMatching(violation.message) } : {}) }));
  expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
  await expectNothingSaved();
  return res;
}

const good = () => f.students.slice(0, 3).map((s) => rowOf(s));

it('[D2] an empty file, or a header without students, is refused', async () => {
  await expectRefused('empty', '', 400, { field: 'file', message: /empty/ });
  await expectRefused('header only', 'candidate_number,uci,forename,surname,date_of_birth,email,school_year\r\n', 422, { line: 2, field: 'file', message: /no students/ });
});

it('[D2] a file over the size limit is refused with 413 and its stored part removed', async () => {
  const row = studentCsv(good()).split('\r\n')[1];
  const huge = studentCsv(good()) + `${row}\r\n`.repeat(Math.ceil((LIMIT * 1.5) / row.length));
  await expectRefused('over the limit', huge, 413, { field: 'file', message: /at most 1 MiB/ });
});

it('[D2] UTF-16 and Latin-1 files are refused with the line and how to save as UTF-8; a UTF-8 BOM is fine', async () => {
  const csv = studentCsv(good());
  await expectRefused('UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]), 422, { line: 1, field: 'file', message: /UTF-16.*CSV UTF-8/ });
  await expectRefused('UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(csv, 'utf16le').swap16()]), 422, { line: 1, field: 'file', message: /UTF-16/ });
  const latin1 = studentCsv([...good(), rowOf(f.students[3], { school_year: 'Année 11' })]);
  await expectRefused('Latin-1', Buffer.from(latin1, 'latin1'), 422, { line: 5, field: 'file', message: /Line 5 .*not UTF-8/ });
  // A multi-byte character split across the stream's chunks is still UTF-8: only real encoding errors count.
  const big = studentCsv([...good(), rowOf(f.students[3], { school_year: 'Année 11' })]) + `${'é'.repeat(40_000)}\r\n`;
  await expectRefused('UTF-8 with a bad line after a large valid part', Buffer.concat([Buffer.from(big, 'utf8'), Buffer.from('\xe9t\xe9\r\n', 'latin1')]), 422, {
    line: 7,
    field: 'file',
    message: /Line 7 /,
  });
});

it('[D2] cells a spreadsheet would run as formulas (=, +, -, @, tab, CR) are refused on their line and field', async () => {
  const rows = [
    rowOf(f.students[0], { school_year: '=1+1' }),
    rowOf(f.students[1], { forename: '+SUM(A1)' }),
    rowOf(f.students[2], { email: '@evil.example' }),
    rowOf(f.students[3], { uci: '-2+3' }),
    rowOf(f.students[4], { school_year: '\t=cmd|"/c calc"!A1' }),
    rowOf(f.students[5], { school_year: '\r=HYPERLINK("http://evil.example")' }),
  ];
  const res = await expectRefused('formula cells', studentCsv(rows), 422, { line: 2, field: 'school_year', message: /formula/ });
  const formula = (res.body.violations as Array<{ line: number; field: string; message: string }>).filter((v) => /formula/.test(v.message)).map((v) => `${v.line}:${v.field}`);
  // The last row's quoted CR starts a second physical line; the row is reported on the line where it ends.
  expect(formula.sort()).toEqual(['2:school_year', '3:forename', '4:email', '5:uci', '6:school_year', '8:school_year']);
});

it('[D2] extra or missing columns, and rows with too many or too few cells, are refused with the line', async () => {
  await expectRefused('unknown column', studentCsv(good(), 'candidate_number,uci,forename,surname,date_of_birth,email,school_year,notes'), 422, { line: 1, field: 'header', message: /"notes"/ });
  await expectRefused('missing column', studentCsv(good(), 'candidate_number,uci,forename,surname,email,school_year'), 422, { line: 1, field: 'header', message: /"date_of_birth" is missing/ });
  await expectRefused('duplicate column', studentCsv(good(), 'candidate_number,uci,forename,surname,date_of_birth,email,email'), 422, { line: 1, field: 'header', message: /twice/ });
  const lines = studentCsv(good()).split('\r\n');
  await expectRefused('extra cell', [lines[0], lines[1], `${lines[2]},surplus`, lines[3], ''].join('\r\n'), 422, { line: 3, field: 'row', message: /8 cells/ });
  await expectRefused('missing cell', [lines[0], lines[1], lines[2], lines[3].split(',').slice(0, 5).join(','), ''].join('\r\n'), 422, { line: 4, field: 'row', message: /5 cells/ });
  await expectRefused('unclosed quote', [lines[0], lines[1], `${lines[2].replace(',', ',"')}`, ''].join('\r\n'), 422, { field: 'file', message: /not valid CSV/ });
});

it('[D2] the same file saved as UTF-8 with a byte order mark imports normally', async () => {
  const res = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(studentCsv(good()), 'utf8')]));
  expect(res.status).toBe(201);
  expect(res.body.import).toEqual(expect.objectContaining({ rows: 3, created: 3 }));
});

it('[D3] the exported CSV neutralises cells starting with =, +, -, @, tab or CR, whatever the exam-entry data holds', async () => {
  const g = await createStudentFixture(world.database.db, { candidates: 3 });
  const names: Array<[string, string]> = [
    ['\t=1+1', '\r@SUM(A1)'],
    ['=HYPERLINK("http://evil.example")', '-2+3'],
    ['+cmd', '@x'],
  ];
  for (const [i, [first, last]] of names.entries()) {
    await world.database.db.update(candidates).set({ firstName: first, lastName: last }).where(eq(candidates.id, g.students[i].candidateId));
  }
  const who = await staff(world.app, g.officer);
  const res = await who.post('/api/student-accounts/exports', { seriesId: g.seriesId, responsibility: true }).expect(201);
  const csv = (await who.get(res.body.files.find((x: { kind: string }) => x.kind === 'csv').url).expect(200)).text;
  const rows = parse(csv, { relax_column_count: true }) as string[][];
  const cells = rows.slice(1).flat();
  expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  for (const [first, last] of names) {
    expect(cells).toContain(`'${first}`);
    expect(cells).toContain(`'${last}`);
  }
}, 120_000);
