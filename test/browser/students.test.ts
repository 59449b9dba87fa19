// In a real browser: a centre imports students (a file with a bad row is refused with every failing row, then the
// corrected file is imported), finds an account and opens it; the student activates with the emailed link, signs in
// and sees the results analysis with its chart (RULES.md D2-D4, D11). Every page visited passes axe-core.
import type { Page } from 'playwright-core';
import { PASSWORD } from '../support/fixtures';
import { audit, publishScreenshot, signInAsStaff, startBrowser, type BrowserRun } from '../support/browser';
import { createStudentFixture, linkOf, NEW_PASSWORD, rowOf, studentCsv, type StudentFixture } from '../support/studentFixtures';
import { eventually, startWorld, type World } from '../support/world';

let world: World;
let run: BrowserRun;
let f: StudentFixture;
let officer: Page;
const problems: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  run = await startBrowser(world.app);
  f = await createStudentFixture(world.database.db, { candidates: 4 });
  officer = await run.newPage();
  await signInAsStaff(officer, f.officer, PASSWORD);
});
afterAll(async () => {
  await run?.close();
  await world?.close();
});

const upload = async (csv: string) => {
  await officer.goto('/student-accounts/import');
  await officer.getByLabel('CSV file').setInputFiles({ name: 'students.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await officer.getByLabel(/consent to share their email addresses/).check();
  await officer.getByRole('button', { name: 'Upload' }).click();
  await officer.waitForURL(/\/student-accounts\/imports\//);
};

it('[D2] an import with a wrong date of birth is refused with the failing row, and the corrected file is imported', async () => {
  await officer.goto('/student-accounts/import');
  problems.push(...(await audit(officer, 'student-import')));
  const [a, b] = f.students;
  await upload(studentCsv([rowOf(a), rowOf(b, { date_of_birth: '01/01/2001' })]));
  await expect(officer.locator('h2.govuk-error-summary__title').textContent()).resolves.toContain('Nothing was imported');
  await expect(officer.locator('#row-errors tbody tr').first().textContent()).resolves.toMatch(/3[\s\S]*date_of_birth|3[\s\S]*dateOfBirth/i);
  problems.push(...(await audit(officer, 'student-import-errors')));
  publishScreenshot('student-import-errors');

  await upload(studentCsv([rowOf(a), rowOf(b)]));
  await eventually(async () => {
    if ((await officer.locator('.govuk-panel__title').count()) > 0) return true;
    await officer.reload();
    return undefined;
  }, 60_000);
  await expect(officer.locator('.govuk-panel__body').textContent()).resolves.toContain('2 new accounts');
  problems.push(...(await audit(officer, 'student-import-done')));
  expect(problems).toEqual([]);
});

it('[D4] staff search the accounts with filters and open one', async () => {
  const [a] = f.students;
  await officer.goto(`/student-accounts?surname=${encodeURIComponent(a.surname)}&status=NotActivated`);
  await expect(officer.locator('tbody tr').count()).resolves.toBe(1);
  problems.push(...(await audit(officer, 'student-accounts')));
  await officer.getByRole('link', { name: `${a.forename} ${a.surname}` }).click();
  await expect(officer.locator('#status').textContent()).resolves.toBe('Not Activated');
  problems.push(...(await audit(officer, 'student-account')));
  publishScreenshot('student-account');
  expect(problems).toEqual([]);
});

it('[D3] staff export verification codes only after accepting responsibility, and download the files', async () => {
  await officer.goto('/student-accounts/export');
  problems.push(...(await audit(officer, 'student-export')));
  await officer.getByLabel('Series').selectOption(f.seriesId);
  await officer.getByRole('button', { name: 'Export' }).click();
  await expect(officer.locator('.govuk-error-summary').textContent()).resolves.toContain('[D3]');
  await officer.getByLabel(/We accept responsibility/).check();
  await officer.getByRole('button', { name: 'Export' }).click();
  await officer.waitForURL(/\/student-accounts\/exports\//);
  const csv = officer.getByRole('link', { name: 'CSV of codes and links' });
  await eventually(async () => {
    if ((await csv.count()) > 0) return true;
    await officer.waitForTimeout(1000);
    await officer.reload();
    return undefined;
  }, 60_000);
  problems.push(...(await audit(officer, 'student-export-done')));
  const [file] = await Promise.all([officer.waitForEvent('download'), csv.click()]);
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  expect(problems).toEqual([]);
});

it('[D3] [D11] a student activates with the emailed link, signs in and sees the results analysis with a chart', async () => {
  const [a] = f.students;
  const mail = await eventually(async () => (await world.mailTo(a.email)).find((m) => m.subject.startsWith('Welcome')), 60_000);
  const { token } = linkOf(mail.text);
  const student = await run.newPage();
  await student.goto(`/students/activate?token=${token}`);
  problems.push(...(await audit(student, 'student-activate')));
  await student.getByLabel('Date of birth').fill(a.dateOfBirth.split('-').reverse().join('/'));
  await student.getByLabel('Choose a password').fill(NEW_PASSWORD);
  await student.getByLabel('Your answer').fill('Biscuit');
  await student.getByRole('button', { name: 'Activate' }).click();
  await expect(student.locator('.govuk-notification-banner').textContent()).resolves.toContain('Your account is active');

  await student.getByLabel('Email address or UCI').fill(a.email);
  await student.getByLabel('Password').fill(NEW_PASSWORD);
  await student.getByRole('button', { name: 'Sign in' }).click();
  await student.waitForURL(/\/students\/analysis/);
  await expect(student.locator('svg.app-chart').count()).resolves.toBeGreaterThan(0);
  await expect(student.locator('svg.app-chart title').first().textContent()).resolves.toContain('percentage of the marks');
  problems.push(...(await audit(student, 'student-analysis')));
  publishScreenshot('student-analysis');

  await student.goto('/students/reset');
  problems.push(...(await audit(student, 'student-reset')));
  expect(problems).toEqual([]);
});

it('[B9] [B10] a teacher filters the report and makes the result PDFs of the candidates found, with progress', async () => {
  const teacher = await run.newPage();
  await signInAsStaff(teacher, f.teacher, PASSWORD);
  expect(new URL(teacher.url()).pathname).toBe('/teacher');
  await teacher.getByLabel('Series').selectOption(f.seriesId);
  await teacher.getByLabel('From').fill('1');
  await teacher.getByLabel('To').fill('2');
  await teacher.getByRole('button', { name: 'Show the report' }).click();
  await expect(teacher.locator('tbody tr').count()).resolves.toBe(2);
  problems.push(...(await audit(teacher, 'teacher-report')));
  publishScreenshot('teacher-report');

  await teacher.getByRole('button', { name: /Make result PDFs for these 2 candidates/ }).click();
  // The page's script polls the job's progress and reloads the page when the zip is ready.
  const download = teacher.getByRole('link', { name: /Download the zip/ });
  await download.waitFor({ timeout: 90_000 });
  problems.push(...(await audit(teacher, 'teacher-pdfs')));
  const [zip] = await Promise.all([teacher.waitForEvent('download'), download.click()]);
  expect(zip.suggestedFilename()).toMatch(/\.zip$/);
  expect(problems).toEqual([]);
});

it('[B8] centre staff invite a teacher, who chooses a password with the emailed link and signs in with the email', async () => {
  const email = `new-teacher-${f.centreNumber.toLowerCase()}@school.example`;
  await officer.goto('/teachers/invite');
  problems.push(...(await audit(officer, 'teacher-invite')));
  await officer.getByLabel('Full name').fill('Nia Newteacher');
  await officer.getByLabel('Email address').fill(email);
  await officer.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(officer.locator('.govuk-notification-banner').textContent()).resolves.toContain('Invitation sent');

  const [mail] = await eventually(async () => {
    const m = await world.mailTo(email);
    return m.length > 0 ? m : undefined;
  }, 60_000);
  const link = /https?:\/\/\S+\/set-password\?token=[\w.-]+/.exec(mail.text)![0];
  const teacher = await run.newPage();
  await teacher.goto(new URL(link).pathname + new URL(link).search);
  problems.push(...(await audit(teacher, 'set-password')));
  await teacher.getByLabel('New password').fill('a teacher password 7');
  await teacher.getByRole('button', { name: 'Set the password' }).click();
  await teacher.waitForURL(/\/sign-in/);
  await signInAsStaff(teacher, email, 'a teacher password 7');
  expect(new URL(teacher.url()).pathname).toBe('/teacher');
  expect(problems).toEqual([]);
});
