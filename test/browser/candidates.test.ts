// In a real browser: a candidate registers with the candidate ID and Secret Number the centre's page shows, is locked
// out after three wrong passwords (even the right one is refused meanwhile, and the centre sees the lock), signs in
// once the lock lifts, sees the results and the statement of results PDF, then sets a new password with the emailed
// link of "forgotten password" (RULES.md B1, B3, B4, B5, B6). Every page visited passes axe-core. The lock lasts 8 seconds
// here: durations are configuration.
import fs from 'node:fs';
import { DEFAULT_PORTAL_ACCOUNTS_POLICY } from '../../domain/portalAccounts';
import { audit, publishScreenshot, signInAsStaff, startBrowser, type BrowserRun } from '../support/browser';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { eventually, startWorld, type World } from '../support/world';

const LOCK_MS = 8000;
let world: World;
let run: BrowserRun;
let f: Fixture;
const problems: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  const { app } = world.createApp({
    portalAccountsPolicy: { ...DEFAULT_PORTAL_ACCOUNTS_POLICY, lockMs: LOCK_MS },
    smtpSinkDir: process.env.TEST_SMTP_SINK_DIR,
  });
  run = await startBrowser(app);
  f = await createFixture(world.database.db, { candidates: 3 });
});
afterAll(async () => {
  await run?.close();
  await world?.close();
});

it('[B1] [B3] [B4] [B6] a candidate registers, is locked out after three failures, and signs in after the lock lifts', async () => {
  // The centre reads the candidate's ID and Secret Number from its page and hands them over.
  const officer = await run.newPage();
  await signInAsStaff(officer, f.officer, PASSWORD);
  await officer.goto('/candidate-accounts');
  const cells = await officer.locator('tbody tr', { hasText: '0001' }).locator('td').allTextContents();
  const me = { candidateId: cells[2], secretNumber: cells[3] };
  expect(me.secretNumber).toMatch(/^\d{8}$/);
  problems.push(...(await audit(officer, 'centre-candidate-accounts')));
  const email = `cand-${f.centreNumber.toLowerCase()}@pupil.example`;
  const password = 'Candidate password 2026';

  const page = await run.newPage();
  await page.goto('/candidates/register');
  problems.push(...(await audit(page, 'candidate-register')));
  await page.getByLabel('Candidate ID').fill(me.candidateId);
  await page.getByLabel('Secret Number').fill(me.secretNumber);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Choose a password').fill(password);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('You are registered');
  problems.push(...(await audit(page, 'candidate-sign-in')));

  const attempt = async (pw: string) => {
    await page.goto('/candidates/sign-in');
    await page.getByLabel('Username or email address').fill(email);
    await page.getByLabel('Password').fill(pw);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
  };
  for (let i = 0; i < 3; i++) {
    await attempt('wrong password');
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('[B3]');
  }
  problems.push(...(await audit(page, 'candidate-sign-in-refused')));
  const lockedAt = Date.now();
  await attempt(password);
  expect(page.url()).toContain('/candidates/sign-in');
  await expect(page.locator('.govuk-error-summary').count()).resolves.toBe(1);

  // The centre sees the lock (it could unlock early; here the lock lifts by itself).
  await officer.goto('/account-locks');
  await expect(officer.locator('tbody').textContent()).resolves.toContain(email);
  problems.push(...(await audit(officer, 'centre-account-locks')));

  await page.waitForTimeout(Math.max(0, lockedAt + LOCK_MS + 2000 - Date.now()));
  await attempt(password);
  await page.waitForURL(/\/candidates\/results/);
  await expect(page.locator('main').textContent()).resolves.toContain('Mathematics');
  problems.push(...(await audit(page, 'candidate-results')));
  publishScreenshot('candidate-results');

  const [statement] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /statement of results/ }).first().click()]);
  expect(fs.readFileSync((await statement.path())!).subarray(0, 5).toString()).toBe('%PDF-');

  // B4: a forgotten password, then a new one set with the emailed link.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto('/candidates/forgotten-password');
  problems.push(...(await audit(page, 'candidate-forgotten-password')));
  await page.getByLabel('Candidate ID').fill(me.candidateId);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Check your email');
  const mail = await eventually(async () => (await world.mailTo(email)).find((m) => /set-password\?token=/.test(m.text)), 60_000);
  await page.goto(new URL(/(\/set-password\?token=\S+)/.exec(mail.text)![1], run.baseUrl).toString());
  problems.push(...(await audit(page, 'set-password')));
  await page.getByLabel('New password').fill('A brand new password 2026');
  await page.getByLabel('Candidate results account').check();
  await page.getByRole('button', { name: 'Set the password' }).click();
  await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Your password is set');
  await page.getByLabel('Username or email address').fill(email);
  await page.getByLabel('Password').fill('A brand new password 2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/candidates\/results/);
  expect(problems).toEqual([]);
});

it('the development outbox lists the mail the SMTP sink kept, in the layout', async () => {
  const page = await run.newPage();
  await page.goto('/dev/outbox');
  await expect(page.locator('h1').textContent()).resolves.toMatch(/Outbox: \d+ messages?/);
  expect(await audit(page, 'dev-outbox')).toEqual([]);
});
