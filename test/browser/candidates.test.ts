// In a real browser: a candidate registers with candidate ID and Secret Number, is locked out after three wrong
// passwords (even the right one is refused meanwhile), signs in once the lock lifts, and sees the results and the
// statement of results PDF (RULES.md B1, B3, B5, B6). Every page visited passes axe-core. The lock lasts 8 seconds
// here: durations are configuration.
import fs from 'node:fs';
import { createApp } from '../../api/app';
import { DEFAULT_ENQUIRY_POLICY } from '../../api/routes/enquiries';
import { createLogger } from '../../config/logger';
import { DEFAULT_PORTAL_ACCOUNTS_POLICY } from '../../domain/portalAccounts';
import { audit, publishScreenshot, startBrowser, type BrowserRun } from '../support/browser';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { signIn, startWorld, type World } from '../support/world';

const LOCK_MS = 8000;
let world: World;
let run: BrowserRun;
let f: Fixture;
const problems: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  const { app } = createApp({
    db: world.database.db,
    temporal: world.temporal,
    taskQueue: world.taskQueue,
    log: createLogger('test', 'silent'),
    sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
    publicUrl: 'http://localhost:3000',
    enquiryPolicy: DEFAULT_ENQUIRY_POLICY,
    portalAccountsPolicy: { ...DEFAULT_PORTAL_ACCOUNTS_POLICY, lockMs: LOCK_MS },
  });
  run = await startBrowser(app);
  f = await createFixture(world.database.db, { candidates: 3 });
});
afterAll(async () => {
  await run?.close();
  await world?.close();
});

it('[B1] [B3] a candidate registers, is locked out after three failures, and signs in after the lock lifts', async () => {
  const staff = await signIn(world.app, f.officer, PASSWORD);
  const { body } = await staff.get('/api/candidate-accounts').expect(200);
  const me = (body.candidates as Array<{ candidateNumber: string; candidateId: string; secretNumber: string }>).find((c) => c.candidateNumber === '0001')!;
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

  await page.waitForTimeout(Math.max(0, lockedAt + LOCK_MS + 2000 - Date.now()));
  await attempt(password);
  await page.waitForURL(/\/candidates\/results/);
  await expect(page.locator('main').textContent()).resolves.toContain('Mathematics');
  problems.push(...(await audit(page, 'candidate-results')));
  publishScreenshot('candidate-results');

  const [statement] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /statement of results/ }).first().click()]);
  expect(fs.readFileSync((await statement.path())!).subarray(0, 5).toString()).toBe('%PDF-');
  expect(problems).toEqual([]);
});
